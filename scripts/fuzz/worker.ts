/**
 * A campaign's worker thread: it makes the cases of the batches it is given
 * (from the seed, so nothing but indices crosses threads) and runs them one
 * after another, in-process through run() or as child processes. Where it is
 * goes in a shared array, read by the main thread's watchdog, so a case costs
 * no message; a failure is posted at once, the counts once per batch.
 */
import { getHeapStatistics } from 'node:v8';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { ROOT, type Case, type Kind } from './case.js';
import { makeCase } from './cases.js';
import { runAsChild, type ChildCommand, type Failure } from './child-run.js';
import { loadCorpus } from './corpus.js';
import { runCppDiff } from './cpp-diff.js';
import { caseRng, runInProcess, scratchRoot, type Outcome, type RunFn } from './run.js';
import { budgetMs, CHILD_BUDGET_MS, SLOT, type KindStats, type WorkerSetup } from './protocol.js';

export type ToWorker = { type: 'batch'; indices: number[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failure'; index: number; kind: Kind; failure: Failure; outcome: Outcome }
  | { type: 'batch-done'; stats: Record<string, KindStats>; heapUsed: number };

const setup = workerData as WorkerSetup;
const slots = new Float64Array(setup.slots);
const { run } = (await import(pathToFileURL(setup.cli).href)) as { run: RunFn };
const corpus = await loadCorpus({ wide: true, noCorpus: setup.noCorpus });
const childCommand: ChildCommand = setup.cliGiven
  ? { node: process.execPath, args: [fileURLToPath(new URL('./child.js', import.meta.url)), join(dirname(setup.cli), 'process.js')] }
  : { node: process.execPath, args: [join(ROOT, 'bin/vmgenid-lint.js')] };
const scratch = mkdtempSync(join(scratchRoot(), 'vmgenid-fuzz-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// Warm up, so that a case's time is its own and not the loading of the schemas.
const quiet = { stdout: () => {}, stderr: () => {}, readStdin: () => new Uint8Array(), stdoutIsTTY: false, env: {} };
const board = join(ROOT, 'fixtures/example/board.dts');
await run([board], quiet);
await run(['--all', board], quiet);
await run(['compile', board], quiet);
await run(['dump', board], quiet);
await run(['check-binding', join(ROOT, 'schemas/rng/vmgenid.yaml')], quiet); // compiles the meta-schemas once

function caseOf(index: number): Case {
  return makeCase(setup.schedule[index % setup.schedule.length]!, caseRng(setup.seed, index), corpus);
}

async function runOne(index: number, c: Case): Promise<{ outcome: Outcome; failure: Failure | null }> {
  const dir = join(scratch, String(index));
  const mode = c.mode ?? 'in-process';
  const budget = mode === 'in-process' ? budgetMs(c) : CHILD_BUDGET_MS;
  slots[SLOT.index] = index;
  slots[SLOT.budget] = mode === 'in-process' ? budget : budget + 10_000; // a child is timed here; the watchdog only guards the thread
  slots[SLOT.started] = Date.now();
  let outcome: Outcome;
  let failure: Failure | null = null;
  if (mode === 'in-process') {
    outcome = await runInProcess(c, dir, run, () => (slots[SLOT.started] = Date.now()));
    const stretched = budget * (slots[SLOT.slowness] || 1);
    if (outcome.problem) failure = 'crash';
    else if (outcome.ms > stretched) {
      failure = 'hang';
      outcome.problem = `took ${outcome.ms} ms (budget ${Math.round(stretched)} ms)`;
    }
  } else if (mode === 'cpp-diff') {
    outcome = await runCppDiff(c, dir, setup.cli);
    if (outcome.problem) failure = 'crash';
  } else {
    const r = await runAsChild(c, dir, childCommand, { budgetMs: budget * (slots[SLOT.slowness] || 1), rssMb: setup.childRssMb }, run);
    ({ failure, ...outcome } = r);
  }
  slots[SLOT.started] = 0;
  return { outcome, failure };
}

parentPort!.on('message', async (m: ToWorker) => {
  const stats: Record<string, KindStats> = {};
  for (const index of m.indices) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let c: Case;
    let r: { outcome: Outcome; failure: Failure | null };
    try {
      c = caseOf(index);
      r = await runOne(index, c);
    } catch (err) {
      // The fuzzer's own fault (making the case's files, say), not the CLI's.
      c ??= { kind: setup.schedule[index % setup.schedule.length]!, what: '', files: {}, argv: [] };
      r = { outcome: { code: null, stdout: '', stderr: '', problem: `fuzzer error (not the CLI's): ${(err as Error)?.stack ?? String(err)}`, ms: 0 }, failure: 'crash' };
    }
    const s = (stats[c.kind] ??= { cases: 0, ms: 0, cpuMs: 0, maxMs: 0, maxIndex: -1 });
    const cpu = process.cpuUsage(cpu0);
    s.cases++;
    s.ms += performance.now() - t0;
    s.cpuMs += (cpu.user + cpu.system) / 1000;
    if (r.outcome.ms > s.maxMs) {
      s.maxMs = r.outcome.ms;
      s.maxIndex = index;
    }
    if (r.failure) parentPort!.postMessage({ type: 'failure', index, kind: c.kind, failure: r.failure, outcome: r.outcome } satisfies FromWorker);
  }
  parentPort!.postMessage({ type: 'batch-done', stats, heapUsed: getHeapStatistics().used_heap_size } satisfies FromWorker);
});
parentPort!.postMessage({ type: 'ready' } satisfies FromWorker);
