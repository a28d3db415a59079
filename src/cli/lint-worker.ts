/**
 * A lint worker (lint-jobs.ts): lints the inputs it is sent, one at a time
 * and in the order sent, with its own schema sets, and says what it read.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Directive } from '../suppressions.js';
import { DEFAULT_LEXED_BUDGET, LexedFiles } from '../cpp/index.js';
import { loadSchemaSet } from '../schema/load-set.js';
import { nodeSchemaHost } from '../schema/host.js';
import type { SchemaSet } from '../schema/schema-set.js';
import { nodeFileHost } from '../source/host.js';
import { IncludeReads, regularFileHost } from '../source/include-policy.js';
import { lintInput, type LintContext } from './lint-input.js';
import { LINT_WORKER, type FromWorker, type ToWorker, type WorkerSetup, type WorkerTask } from './lint-jobs.js';
import { ReadRecord } from './read-record.js';

export function isWorkerSetup(data: unknown): data is WorkerSetup {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === LINT_WORKER;
}

/** The files a report's findings point into: the only sources the report shows lines of. */
function shownFiles(diagnostics: readonly { span?: { file: string } }[]): Set<string> {
  const out = new Set<string>();
  for (const d of diagnostics) if (d.span) out.add(d.span.file);
  return out;
}

/** Serve tasks from the command until it says finish. Resolves when the last message is sent. */
export function runLintWorker(setup: WorkerSetup, port: MessagePort): Promise<void> {
  const reads = new ReadRecord(nodeFileHost);
  const sets = new Map<string, { set: SchemaSet; said: number }>();
  const schemaLoad = { override: setup.opts.overrideSchema === true, lazy: true, cacheDir: setup.cacheDir };
  const send = (msg: FromWorker) => port.postMessage(msg);
  let current: WorkerTask | undefined;
  let currentKey = '';
  const ctx: LintContext = {
    opts: setup.opts,
    cliRules: setup.cliRules,
    ...(setup.base ? { base: setup.base } : {}),
    reads,
    directiveCache: new Map<string, Directive[]>(),
    lexed: new LexedFiles(DEFAULT_LEXED_BUDGET),
    includeReads: new IncludeReads(),
    schemasFor: async (paths) => {
      const key = (currentKey = JSON.stringify(paths));
      let known = sets.get(key);
      if (!known) {
        const set = await loadSchemaSet(paths, nodeSchemaHost(reads.wrap(regularFileHost)), schemaLoad);
        sets.set(key, (known = { set, said: set.diagnostics.length }));
        send({ kind: 'loaded', schemas: key, diagnostics: [...set.diagnostics] });
      }
      return known.set;
    },
    readInput: (input) =>
      input === '-' ? { bytes: current?.stdin ?? { error: 'standard input was not read' }, readAs: setup.stdinPath ?? input } : { bytes: reads.host.readBytes(input), readAs: input },
  };
  const handle = async (msg: ToWorker): Promise<boolean> => {
    if (msg.kind === 'finish') {
      const { files, folders } = reads.paths();
      send({
        kind: 'done',
        files,
        folders,
        sets: [...sets].map(([schemas, { set, said }]) => ({ schemas, compiled: set.diagnostics.slice(said), patterns: [...set.patternProblems] })),
      });
      return true;
    }
    current = msg.task;
    const config = msg.task.config < 0 ? null : setup.configs[msg.task.config]!;
    const { report, sources } = await lintInput(msg.task, config, ctx);
    const shown = shownFiles(report.diagnostics);
    send({ kind: 'result', index: msg.task.index, report, sources: [...sources].filter(([path]) => shown.has(path)), schemas: currentKey });
    return false;
  };
  return new Promise((resolve) => {
    // One message at a time: a lint awaits its binding set's load, and the next must not start meanwhile.
    let queue = Promise.resolve();
    port.on('message', (msg: ToWorker) => {
      queue = queue
        .then(() => handle(msg))
        .then(
          (finished) => {
            if (finished) resolve();
          },
          (err: unknown) => {
            send({ kind: 'failed', message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack });
            resolve();
          },
        );
    });
  });
}
