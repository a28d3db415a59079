/**
 * The campaign's workers: each takes batches of case indices and runs them;
 * a watchdog here reads where each worker is (a shared array) and ends one
 * whose case overruns its budget. A hang or a memory blow-up counts only when
 * a fresh worker, running that case alone, repeats it (the machine may have
 * been busy); crashes are deterministic and count at once.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Kind } from './case.js';
import type { Failure } from './child-run.js';
import type { Outcome } from './run.js';
import { slowness, SLOT, SLOT_COUNT, type KindStats, type WorkerSetup } from './protocol.js';
import type { FromWorker, ToWorker } from './worker.js';

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));
const MIB = 1 << 20;

export interface Found {
  index: number;
  kind: Kind;
  failure: Failure;
  outcome: Partial<Outcome> & { problem: string };
}

/** How a batch ended: all of it run, or the worker gone at `died.index` (every index before it was run). */
type BatchEnd = { stats: Record<string, KindStats>; died: null } | { stats: null; died: Found };

/** One worker thread, started on demand, restarted after it dies. */
class WorkerHandle {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly slots = new SharedArrayBuffer(SLOT_COUNT * 8);
  private readonly view = new Float64Array(this.slots);
  private finish: ((end: BatchEnd) => void) | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly setup: Omit<WorkerSetup, 'slots'>,
    private readonly heapMb: number,
    private readonly onFailure: (f: Found) => void,
  ) {}

  private start(): Promise<void> {
    this.view.fill(0);
    this.view[SLOT.slowness] = slowness();
    const worker = new Worker(WORKER_FILE, { workerData: { ...this.setup, slots: this.slots } satisfies WorkerSetup, resourceLimits: { maxOldGenerationSizeMb: this.heapMb }, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    const died = (failure: Failure, problem: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const index = this.view[SLOT.index]!;
      const kind = this.setup.schedule[index % this.setup.schedule.length]!;
      this.end({ stats: null, died: { index, kind, failure, outcome: { problem } } });
    };
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolveReady();
        else if (m.type === 'failure') this.onFailure({ index: m.index, kind: m.kind, failure: m.failure, outcome: { ...m.outcome, problem: m.outcome.problem ?? '' } });
        else if (m.type === 'batch-done') this.end({ stats: m.stats, died: null });
      });
      worker.on('error', (err: Error & { code?: string }) => {
        rejectReady(err);
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') died('blow-up', `the worker ran out of heap (limit ${this.heapMb} MiB old generation)`);
        else died('crash', `the worker died: ${err.stack ?? err.message}`);
      });
      worker.on('exit', (code) => {
        rejectReady(new Error(`the worker exited (code ${code}) before it was ready`));
        died('crash', `the worker exited (code ${code})`);
      });
    });
    return this.ready;
  }

  private end(e: BatchEnd): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    const f = this.finish;
    this.finish = null;
    f?.(e);
  }

  /** Run these cases; resolves when all have run or the worker is gone. */
  async run(indices: number[]): Promise<BatchEnd> {
    if (!this.worker) await this.start();
    else await this.ready;
    const worker = this.worker!;
    return new Promise<BatchEnd>((resolveBatch) => {
      this.finish = resolveBatch;
      this.watchdog = setInterval(() => {
        const started = this.view[SLOT.started]!;
        this.view[SLOT.slowness] = slowness();
        const budget = this.view[SLOT.budget]! * this.view[SLOT.slowness]!;
        if (started > 0 && Date.now() - started > budget) {
          this.stop();
          const index = this.view[SLOT.index]!;
          this.end({ stats: null, died: { index, kind: this.setup.schedule[index % this.setup.schedule.length]!, failure: 'hang', outcome: { problem: `no result after ${Math.round(budget)} ms (budget for this input size${this.view[SLOT.slowness]! > 1 ? `, ×${this.view[SLOT.slowness]!.toFixed(1)} for the machine's load` : ''})` } } });
        }
      }, 100);
      worker.postMessage({ type: 'batch', indices } satisfies ToWorker);
    });
  }

  stop(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}

export interface PoolOptions {
  workers: number;
  heapMb: number;
  rssMb: number;
  batch: number;
}

export interface Progress {
  stats: Map<Kind, KindStats>;
  slowOnce: string[];
  peakRss: number;
}

/**
 * Run the cases `next()` hands out (null: no more) on `workers` threads.
 * `onFound` gets each confirmed failure and says whether to go on.
 */
export async function runPool(setup: Omit<WorkerSetup, 'slots'>, o: PoolOptions, next: (n: number) => number[], onFound: (f: Found) => boolean, progress: Progress): Promise<void> {
  let stopped = false;
  const handles: WorkerHandle[] = [];
  const add = (stats: Record<string, KindStats>) => {
    for (const [k, s] of Object.entries(stats)) {
      const t = progress.stats.get(k as Kind) ?? { cases: 0, ms: 0, cpuMs: 0, maxMs: 0, maxIndex: -1 };
      t.cases += s.cases;
      t.ms += s.ms;
      t.cpuMs += s.cpuMs;
      if (s.maxMs > t.maxMs) {
        t.maxMs = s.maxMs;
        t.maxIndex = s.maxIndex;
      }
      progress.stats.set(k as Kind, t);
    }
  };
  const count = (index: number) => {
    const kind = setup.schedule[index % setup.schedule.length]!;
    const t = progress.stats.get(kind) ?? { cases: 0, ms: 0, cpuMs: 0, maxMs: 0, maxIndex: -1 };
    t.cases++;
    progress.stats.set(kind, t);
  };
  const report = (f: Found) => {
    if (stopped) return;
    if (!onFound(f)) {
      stopped = true;
      for (const h of handles) h.stop();
    }
  };
  /** A hang or blow-up again in a fresh worker, alone: confirmed. */
  const confirm = async (f: Found): Promise<void> => {
    let again: Found | null = null;
    const fresh = new WorkerHandle(setup, o.heapMb, (g) => (again ??= g));
    const end = await fresh.run([f.index]);
    fresh.stop();
    if (end.died) again = end.died;
    if (again) report(again);
    else progress.slowOnce.push(`case ${f.index} (${f.kind}): ${f.failure} once (${f.outcome.problem}), not on a second run`);
  };
  const rssPoll = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > progress.peakRss) progress.peakRss = rss;
    if (rss > o.rssMb * MIB) {
      report({ index: -1, kind: setup.schedule[0]!, failure: 'blow-up', outcome: { problem: `resident memory ${Math.round(rss / MIB)} MiB passed the bound of ${o.rssMb} MiB` } });
    }
  }, 200);
  const lane = async () => {
    let pendingConfirm: Found[] = [];
    const handle = new WorkerHandle(setup, o.heapMb, (f) => {
      if (f.failure === 'crash') report(f);
      else pendingConfirm.push(f);
    });
    handles.push(handle);
    try {
      while (!stopped) {
        const batch = next(o.batch);
        if (batch.length === 0) break;
        let rest = batch;
        while (rest.length > 0 && !stopped) {
          const end = await handle.run(rest);
          for (const f of pendingConfirm) await confirm(f);
          pendingConfirm = [];
          if (end.died === null) {
            add(end.stats);
            break;
          }
          // Every case before the one it died on has run (their times are lost with the worker).
          const at = rest.indexOf(end.died.index);
          if (at < 0) {
            // Gone before its first case: nothing to replay, and it would die again.
            report({ ...end.died, failure: 'crash' });
            stopped = true;
            break;
          }
          for (const i of rest.slice(0, at + 1)) count(i);
          rest = rest.slice(at + 1);
          if (stopped) break;
          if (end.died.failure === 'crash') report(end.died);
          else await confirm(end.died);
        }
      }
    } finally {
      handle.stop();
    }
  };
  try {
    await Promise.all(Array.from({ length: o.workers }, lane));
  } finally {
    clearInterval(rssPoll);
    stopped = true;
    for (const h of handles) h.stop();
  }
}
