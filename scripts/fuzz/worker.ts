/**
 * The campaign's worker thread: runs the cases the main thread sends through
 * the CLI's run(), one at a time, and reports when each starts and ends.
 * It warms up first (a lint and a compile of the example board), so a case's
 * time is its own and not the loading of the schemas.
 */
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { ROOT, type Case } from './case.js';
import { runCase, type Outcome } from './run.js';

export type ToWorker = { type: 'case'; index: number; c: Case };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'started'; index: number }
  | { type: 'done'; index: number; outcome: Outcome; heapUsed: number };

const { run } = await import('../../src/cli/main.js');
const quiet = { stdout: () => {}, stderr: () => {}, readStdin: () => new Uint8Array(), stdoutIsTTY: false, env: {} };
const board = join(ROOT, 'fixtures/example/board.dts');
await run([board], quiet);
await run(['--all', board], quiet);
await run(['compile', board], quiet);
parentPort!.postMessage({ type: 'ready' } satisfies FromWorker);
parentPort!.on('message', (m: ToWorker) => {
  void runCase(m.c, run, () => parentPort!.postMessage({ type: 'started', index: m.index } satisfies FromWorker)).then((outcome) => {
    // Only a failing run's output goes back (it is saved with the case).
    const slim = outcome.problem ? outcome : { ...outcome, stdout: '', stderr: '' };
    parentPort!.postMessage({ type: 'done', index: m.index, outcome: slim, heapUsed: getHeapStatistics().used_heap_size } satisfies FromWorker);
  }, (err: unknown) => {
    const outcome: Outcome = { code: null, stdout: '', stderr: '', problem: `fuzzer error (not the CLI's): ${(err as Error)?.stack ?? String(err)}`, ms: 0 };
    parentPort!.postMessage({ type: 'done', index: m.index, outcome, heapUsed: 0 } satisfies FromWorker);
  });
});
