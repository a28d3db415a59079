/**
 * `--jobs N`: the inputs of a run linted by N worker threads, each with its
 * own schema sets (read from the same binding cache), taking the next input
 * when it is done with one. The report is the one a single thread would
 * make: each input's report in command-line order, a binding set's load
 * problems before the first input judged with it, and the problems found
 * while compiling said once after the inputs however many workers met them.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../lazy-worker-threads.js';
import type { RuleSetting } from '../checks/index.js';
import type { BaseInput } from '../lint.js';
import type { FileReport } from '../report/text.js';
import type { Diagnostic } from '../source/diagnostic.js';
import { schemasReport, type InputConfig, type InputTask } from './lint-input.js';
import type { CliIo } from './io.js';
import type { LintCommandOptions } from './lint.js';
import type { ReadRecord } from './read-record.js';

/** Marks a worker's data, so that a start of the CLI in a worker knows it is one. */
export const LINT_WORKER = 'vmgenid-lint lint worker';

/** What every worker is given when it starts. */
export interface WorkerSetup {
  role: typeof LINT_WORKER;
  opts: LintCommandOptions;
  cliRules: Record<string, RuleSetting>;
  /** The configurations the inputs name (by index in WorkerTask.config). */
  configs: InputConfig[];
  base?: BaseInput;
  /** The binding cache folder (null: none). */
  cacheDir: string | null;
  /** The path standard input is noted as read under. */
  stdinPath?: string;
}

/** One input for a worker. */
export interface WorkerTask extends InputTask {
  index: number;
  /** Index into WorkerSetup.configs, or -1 for none. */
  config: number;
  /** Standard input's bytes, read by the command (for `-`). */
  stdin?: Uint8Array | { error: string };
}

/** What a binding set said: when loaded, while compiling for the inputs, and of patterns out of time. */
export interface SetProblems {
  load: Diagnostic[];
  compiled: Diagnostic[];
  patterns: Diagnostic[];
}

export type FromWorker =
  | { kind: 'result'; index: number; report: FileReport; sources: [string, Uint8Array][]; schemas: string }
  | { kind: 'loaded'; schemas: string; diagnostics: Diagnostic[] }
  | { kind: 'done'; files: string[]; folders: string[]; sets: { schemas: string; compiled: Diagnostic[]; patterns: Diagnostic[] }[] }
  | { kind: 'failed'; message: string; stack?: string };

export type ToWorker = { kind: 'task'; task: WorkerTask } | { kind: 'finish' };

/** What the workers made of the inputs. */
export interface ParallelLint {
  /** By task index: the report, the source files its findings show, and the key of the binding set it was judged with. */
  results: { report: FileReport; sources: [string, Uint8Array][]; schemas: string }[];
  /** Each binding set's problems, by key (the JSON of its paths), the workers' put together. */
  sets: Map<string, SetProblems>;
  /** Every file and folder a worker read. */
  files: string[];
  folders: string[];
}

/** `--jobs`: a count of at least 1, or `auto` (one per core the process may use). */
export function parseJobs(text: string): number | string {
  if (text === 'auto') return availableParallelism();
  if (!/^[1-9][0-9]*$/.test(text) || Number(text) > 256) return `--jobs ${text}: give a number of worker threads from 1 to 256, or auto`;
  return Number(text);
}

/** The CLI's entry: a worker starts as the command does (with its code cache), and main() sees it is a worker. */
function entry(): string {
  return fileURLToPath(new URL('../../../bin/vmgenid-lint.js', import.meta.url));
}

/** A list with the ones already in it (by their JSON) left out. */
function addNew(to: Diagnostic[], from: readonly Diagnostic[]): void {
  const seen = new Set(to.map((d) => JSON.stringify(d)));
  for (const d of from) {
    const key = JSON.stringify(d);
    if (!seen.has(key)) {
      seen.add(key);
      to.push(d);
    }
  }
}

/**
 * Problems met compiling bindings for the inputs, in the order of their
 * files and messages: the order they were met in depends on which input
 * needed a binding first, and with workers on which worker got there first.
 */
export function sortedCompileProblems(list: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => d.span?.file ?? d.file ?? '';
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/** Lint the tasks in `jobs` workers. A worker that fails fails the run (as an internal error does in one thread). */
export async function lintInParallel(tasks: readonly WorkerTask[], jobs: number, setup: WorkerSetup): Promise<ParallelLint> {
  const results: ParallelLint['results'] = new Array(tasks.length);
  const sets = new Map<string, SetProblems>();
  const setOf = (key: string): SetProblems => {
    let s = sets.get(key);
    if (!s) sets.set(key, (s = { load: [], compiled: [], patterns: [] }));
    return s;
  };
  const files: string[] = [];
  const folders: string[] = [];
  let next = 0;
  const count = Math.max(1, Math.min(jobs, tasks.length));
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        // The argv tells the bin and main() that this is a worker (bin/vmgenid-lint.js, process.ts).
        const worker = new (workerThreads().Worker)(entry(), { workerData: setup, argv: [LINT_WORKER], stdin: false });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          const give = () => {
            const task = next < tasks.length ? tasks[next++]! : undefined;
            worker.postMessage((task ? { kind: 'task', task } : { kind: 'finish' }) satisfies ToWorker);
          };
          worker.on('message', (msg: FromWorker) => {
            switch (msg.kind) {
              case 'result':
                results[msg.index] = { report: msg.report, sources: msg.sources, schemas: msg.schemas };
                give();
                break;
              case 'loaded':
                if (setOf(msg.schemas).load.length === 0) setOf(msg.schemas).load.push(...msg.diagnostics);
                break;
              case 'done':
                files.push(...msg.files);
                folders.push(...msg.folders);
                for (const s of msg.sets) {
                  addNew(setOf(s.schemas).compiled, s.compiled);
                  addNew(setOf(s.schemas).patterns, s.patterns);
                }
                resolve();
                break;
              case 'failed': {
                const err = new Error(msg.message);
                if (msg.stack) err.stack = msg.stack;
                reject(err);
                break;
              }
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`a lint worker stopped (exit ${code}) before it was done`)));
          give();
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, sets, files, folders };
}

/** What the command hands to lintWithWorkers. */
export interface CommandSide {
  opts: LintCommandOptions;
  cliRules: Record<string, RuleSetting>;
  /** Each input's configuration (null: none). */
  perFile: ReadonlyMap<string, InputConfig | null>;
  base?: BaseInput;
  cacheDir: string | null;
  io: CliIo;
  reads: ReadRecord;
}

/**
 * Lint the inputs with `jobs` workers and add their reports to `out` as the
 * one-thread loop would have (lint.ts): in input order, each binding set's
 * load problems before the first input judged with it, and after the
 * inputs, what compiling them said and the patterns that ran out of time.
 */
export async function lintWithWorkers(tasks: readonly InputTask[], jobs: number, side: CommandSide, out: { reports: FileReport[]; sources: Map<string, Uint8Array> }): Promise<void> {
  const configs: InputConfig[] = [];
  const configIndex = new Map<InputConfig, number>();
  const indexOf = (config: InputConfig | null): number => {
    if (!config) return -1;
    let i = configIndex.get(config);
    if (i === undefined) {
      // What a worker needs of it: the ignore list (a matcher, not data) has picked the inputs already.
      const { ignore: _ignore, ...data } = config as InputConfig & { ignore?: unknown };
      configIndex.set(config, (i = configs.push(data) - 1));
    }
    return i;
  };
  let stdin: WorkerTask['stdin'];
  if (tasks.some((t) => t.input === '-' && !t.found && !t.live)) {
    stdin = side.io.readStdin();
    if (stdin instanceof Uint8Array) side.reads.noteFile(side.io.stdinPath ?? '-');
  }
  const workerTasks = tasks.map((t, index): WorkerTask => ({ ...t, index, config: indexOf(side.perFile.get(t.input) ?? null), ...(t.input === '-' && stdin ? { stdin } : {}) }));
  const setup: WorkerSetup = { role: LINT_WORKER, opts: side.opts, cliRules: side.cliRules, configs, cacheDir: side.cacheDir };
  if (side.base) setup.base = side.base;
  if (side.io.stdinPath !== undefined) setup.stdinPath = side.io.stdinPath;
  const done = await lintInParallel(workerTasks, jobs, setup);
  side.reads.add(done);
  const said = new Set<string>();
  for (const { report, sources, schemas } of done.results) {
    if (!said.has(schemas)) {
      said.add(schemas);
      out.reports.push(...schemasReport(done.sets.get(schemas)?.load ?? []));
    }
    for (const [path, bytes] of sources) if (!out.sources.has(path)) out.sources.set(path, bytes);
    out.reports.push(report);
  }
  for (const schemas of said) {
    const { compiled, patterns } = done.sets.get(schemas)!;
    out.reports.push(...schemasReport(sortedCompileProblems(compiled)), ...schemasReport(patterns, false));
  }
}
