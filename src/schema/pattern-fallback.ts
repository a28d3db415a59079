/**
 * Matching a user pattern RE2 cannot run (lookahead, backreferences,
 * property escapes) with JavaScript's backtracking engine, under a time
 * budget that is really enforced: the match runs in a worker thread while
 * this thread waits on a shared word (Atomics.wait) for at most the time
 * left; a worker still busy then is terminated (V8 stops a running regular
 * expression for that). A backtracking pattern can therefore cost at most
 * FALLBACK_MATCH_BUDGET_MS per match and FALLBACK_RUN_BUDGET_MS in a whole
 * run, and a match that did not finish is an error, never a verdict.
 *
 * The worker starts on the first such match (most runs never need one),
 * and is unref'd: it never keeps the process alive.
 */
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../lazy-worker-threads.js';
import { PatternBudgetError } from './pattern-budget.js';

export { PatternBudgetError };

/** The longest one match may take. */
export const FALLBACK_MATCH_BUDGET_MS = 1000;
/** All fallback matches of a run together: a hostile input cannot multiply the budget by its number of strings. */
export const FALLBACK_RUN_BUDGET_MS = 5000;
/** How long the worker may take to start (not counted in the budgets: a loaded machine starts it slowly). */
const WORKER_START_MS = 30000;

// Slot 0 of the shared word: 0 while waiting, then the answer.
const PENDING = 0;
const MATCH = 1;
const NO_MATCH = 2;
const BAD_PATTERN = 3;
const READY = 4;

/** The worker's code (CommonJS, evaluated): it answers through the shared word and does nothing else. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const word = new Int32Array(workerData);
const cache = new Map();
parentPort.on('message', ({ pattern, subject }) => {
  let answer;
  try {
    let re = cache.get(pattern);
    if (!re) { re = new RegExp(pattern, 'u'); cache.set(pattern, re); }
    answer = re.test(subject) ? ${MATCH} : ${NO_MATCH};
  } catch {
    answer = ${BAD_PATTERN};
  }
  Atomics.store(word, 0, answer);
  Atomics.notify(word, 0);
});
Atomics.store(word, 0, ${READY});
Atomics.notify(word, 0);
`;

let worker: Worker | null = null;
let word: Int32Array | null = null;
let spentMs = 0;

function startWorker(): void {
  const shared = new SharedArrayBuffer(4);
  word = new Int32Array(shared);
  worker = new (workerThreads().Worker)(WORKER_SOURCE, { eval: true, workerData: shared });
  worker.unref();
  if (Atomics.wait(word, 0, PENDING, WORKER_START_MS) === 'timed-out' || Atomics.load(word, 0) !== READY) {
    stopWorker();
    throw new Error('the pattern worker did not start');
  }
}

function stopWorker(): void {
  void worker?.terminate();
  worker = null;
  word = null;
}

/** Whether `pattern` (a valid JavaScript `u` pattern) matches somewhere in `subject`, within the budgets; throws PatternBudgetError otherwise. */
export function fallbackTest(pattern: string, subject: string): boolean {
  const left = Math.min(FALLBACK_MATCH_BUDGET_MS, FALLBACK_RUN_BUDGET_MS - spentMs);
  if (left <= 0) {
    throw new PatternBudgetError(pattern, subject.length, `the run's ${FALLBACK_RUN_BUDGET_MS} ms for patterns RE2 cannot run is spent`);
  }
  if (!worker) startWorker();
  Atomics.store(word!, 0, PENDING);
  const start = performance.now();
  worker!.postMessage({ pattern, subject });
  const waited = Atomics.wait(word!, 0, PENDING, left);
  spentMs += performance.now() - start;
  if (waited === 'timed-out') {
    stopWorker();
    throw new PatternBudgetError(pattern, subject.length, `matching took more than ${Math.round(left)} ms`);
  }
  const answer = Atomics.load(word!, 0);
  if (answer === BAD_PATTERN) throw new PatternBudgetError(pattern, subject.length, 'the pattern does not compile');
  return answer === MATCH;
}

/** For tests: forget the time spent (each test is a run of its own). */
export function resetFallbackBudget(): void {
  spentMs = 0;
}
