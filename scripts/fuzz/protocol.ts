/** What the campaign's main thread and its workers share: the setup, the watchdog's slots, the counts, the time budgets. */
import { availableParallelism, loadavg } from 'node:os';
import type { Case, Kind } from './case.js';
import { inputBytes } from './run.js';

export interface WorkerSetup {
  /** The CLI module under test (dist/src/cli/main.js, or a copy). */
  cli: string;
  /** --cli was given: child processes run that copy's process.js, not bin/. */
  cliGiven: boolean;
  seed: number;
  /** Case i is of kind schedule[i % schedule.length]. */
  schedule: Kind[];
  /** Fixtures and generators only, even when ../shared is there. */
  noCorpus: boolean;
  childRssMb: number;
  /** A SharedArrayBuffer of SLOT_COUNT float64s: where the worker is. */
  slots: SharedArrayBuffer;
}

/**
 * The watchdog's view of a worker: the case it runs, when it started (0:
 * between cases), its budget; and, written by the main thread, how much the
 * machine's load stretches every budget.
 */
export const SLOT = { index: 0, started: 1, budget: 2, slowness: 3 } as const;
export const SLOT_COUNT = 4;

/**
 * How much slower than an idle machine a case runs now: the load average per
 * CPU, at least 1. Budgets are for a CPU of one's own; on a shared machine a
 * 1 s case can take 5 s of wall time, and that is not a hang.
 */
export function slowness(): number {
  return Math.max(1, loadavg()[0]! / availableParallelism());
}

export interface KindStats {
  cases: number;
  /** Time spent on the kind's cases, making them included. */
  ms: number;
  /** The process's CPU time meanwhile (the kind's own with one worker; child processes not counted). */
  cpuMs: number;
  /** The slowest run, and its case. */
  maxMs: number;
  maxIndex: number;
}

const MIB = 1 << 20;

/** The time an in-process case may take: 2 s, and 2 s per MiB of input above 1 MiB. */
export function budgetMs(c: Case): number {
  return Math.max(2000, Math.ceil((2000 * inputBytes(c)) / MIB));
}

/** A child process's time: start-up (a few hundred ms, more on a busy machine) and the run's 2 s. */
export const CHILD_BUDGET_MS = 8000;
