/**
 * node:worker_threads, loaded when first used. Loading it brings some twenty
 * of Node's internal modules (streams, message ports) with it, a measurable
 * part of every start, and only `--jobs` and a user pattern RE2 cannot run
 * need it.
 */
import { createRequire } from 'node:module';

type WorkerThreads = typeof import('node:worker_threads');

let loaded: WorkerThreads | null = null;

export function workerThreads(): WorkerThreads {
  return (loaded ??= createRequire(import.meta.url)('node:worker_threads') as WorkerThreads);
}
