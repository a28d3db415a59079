/**
 * Cases run as a child process of the CLI: inputs or outputs that could block
 * a thread in a system call for ever (FIFOs, /proc files, links out of a live
 * folder), a signal while the output is written, standard output closed early.
 * The child runs under its own time and memory bound (a child can be killed
 * wherever it is; a worker thread in a blocking read cannot).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import type { Case } from './case.js';
import { Capture, ENVIRONMENT_SECRET, judge } from './judge.js';
import { inputBytes, materialize, runInProcess, type Outcome, type RunFn } from './run.js';
import { compareSnapshots, outputsOf, snapshot } from './snapshot.js';

/** How to start the CLI: the command before the case's arguments. */
export interface ChildCommand {
  node: string;
  args: string[];
}

export interface ChildBounds {
  budgetMs: number;
  rssMb: number;
}

export type Failure = 'crash' | 'hang' | 'blow-up';

function rssMbOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface ChildResult {
  code: number | null;
  signal: string | null;
  stdout: Capture;
  stderr: Capture;
  ms: number;
  failure: Failure | null;
  detail: string;
}

/** Start the child in `dir`, feed its stdin, and wait for it under the bounds. */
function startChild(c: Case, dir: string, command: ChildCommand, bounds: ChildBounds, known: Set<string>): Promise<ChildResult> {
  return new Promise((resolveChild) => {
    const started = Date.now();
    const child = spawn(command.node, ['--max-old-space-size=512', ...command.args, ...c.argv], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', VMGENID_FUZZ_SECRET: ENVIRONMENT_SECRET },
    });
    const stdout = new Capture();
    const stderr = new Capture();
    let failure: Failure | null = null;
    let detail = '';
    const kill = (why: Failure, text: string) => {
      if (failure) return;
      failure = why;
      detail = text;
      child.kill('SIGKILL');
    };
    child.stdin.on('error', () => {}); // a child that never reads its input
    child.stdin.end(c.stdin ?? new Uint8Array());
    child.stdout.on('data', (d: Buffer) => {
      stdout.add(d);
      if (c.mode === 'pipe') child.stdout.destroy(); // `| head -c1`: the reader goes away
    });
    child.stdout.on('error', () => {});
    if (c.pipe?.atOnce) child.stdout.destroy();
    child.stderr.on('data', (d: Buffer) => stderr.add(d));
    const timer = setTimeout(() => kill('hang', `no exit after ${bounds.budgetMs} ms`), bounds.budgetMs);
    const poll = setInterval(() => {
      const rss = child.pid ? rssMbOf(child.pid) : 0;
      if (rss > bounds.rssMb) kill('blow-up', `resident memory ${Math.round(rss)} MiB passed the bound of ${bounds.rssMb} MiB`);
    }, 100);
    let watcher: FSWatcher | null = null;
    let signalTimer: NodeJS.Timeout | null = null;
    if (c.signal) {
      const send = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(c.signal!.name);
      };
      if (c.signal.atWrite) {
        // The first new entry in the folder is the output (or its temporary file): interrupt the write.
        watcher = watch(dir, (_event, name) => {
          if (name && !known.has(String(name))) {
            watcher?.close();
            watcher = null;
            send();
          }
        });
      } else signalTimer = setTimeout(send, c.signal.delayMs);
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (signalTimer) clearTimeout(signalTimer);
      watcher?.close();
      resolveChild({ code, signal, stdout, stderr, ms: Date.now() - started, failure, detail });
    });
    child.on('error', (err) => kill('crash', `could not start: ${err.message}`));
  });
}

/** A reader for each FIFO the run writes (else opening it would wait for ever); ended after the run. */
function drainFifos(c: Case, dir: string, outputs: Set<string>): () => void {
  const readers = (c.fifos ?? []).filter((f) => outputs.has(f)).map((f) => spawn('cat', [f], { cwd: dir, stdio: 'ignore' }));
  return () => {
    for (const r of readers) if (r.exitCode === null) r.kill('SIGKILL');
  };
}

/**
 * Run a case as a child process in `dir` (made here, removed after). For
 * mode 'pipe', `run` gives the verdict of a full run in this thread, which
 * the interrupted child's exit code must equal.
 */
export async function runAsChild(c: Case, dir: string, command: ChildCommand, bounds: ChildBounds, run: RunFn): Promise<Outcome & { failure: Failure | null }> {
  let verdict: number | null = null;
  if (c.mode === 'pipe') {
    const full = await runInProcess(c, `${dir}-verdict`, run);
    if (full.problem) return { ...full, failure: 'crash' };
    verdict = full.code;
  }
  mkdirSync(dir, { recursive: true });
  try {
    materialize(dir, c);
    const before = snapshot(dir);
    const outputs = outputsOf(c);
    const stopReaders = drainFifos(c, dir, outputs);
    const r = await startChild(c, dir, command, bounds, new Set([...before.keys()].map((p) => p.split('/')[0]!)));
    stopReaders();
    const base = { code: r.code, stdout: r.stdout.text, stderr: r.stderr.text, ms: r.ms };
    if (r.failure) return { ...base, problem: r.detail, failure: r.failure };
    const toFile = c.argv.includes('-o') || c.argv.includes('--output');
    let problem = judge(c, { code: r.code, signal: r.signal, stdout: r.stdout.text, stderr: r.stderr.text, stdoutBytes: r.stdout.bytes, stderrBytes: r.stderr.bytes, toFile }, inputBytes(c));
    if (!problem && verdict !== null && r.code !== verdict) problem = `exit ${r.code} once standard output was closed; the verdict is exit ${verdict}`;
    problem ??= compareSnapshots(before, snapshot(dir), outputs);
    return { ...base, problem, failure: problem ? 'crash' : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
