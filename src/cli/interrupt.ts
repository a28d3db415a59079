/**
 * Temporary files and the signals that would strand them. While a temporary
 * output file exists, SIGINT, SIGTERM and SIGHUP remove it and end the run
 * with 128 + the signal's number (130, 143, 129: what a shell reports for a
 * run the signal killed). At every other moment no handler is installed and
 * the signal's default action ends the run at once.
 *
 * Why only then: a JavaScript signal handler runs only when the event loop
 * turns. Installed for good, it would leave a run blocked in a synchronous
 * read (a standard input that never ends) or open (a FIFO nobody reads)
 * deaf to Ctrl-C. The writer (output-file.ts) turns the loop between chunks
 * and once more after the rename, so a signal that came while the file was
 * written is acted on promptly, and the handler is still there to act.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const held = new Set<string>();

function onSignal(signal: NodeJS.Signals): void {
  for (const path of held) rmSync(path, { force: true });
  held.clear();
  process.exit(128 + constants.signals[signal]);
}

/** From now until `releaseTemp(path)`, a signal removes `path` before it ends the run. */
export function holdTemp(path: string): void {
  if (held.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  held.add(path);
}

/**
 * `path` no longer needs removing (renamed, or removed). A signal that came
 * during the last synchronous step is delivered first, while the handler is
 * still installed; then the signals get their default action back.
 */
export async function releaseTemp(path: string): Promise<void> {
  await turnEventLoop();
  held.delete(path);
  if (held.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * Let pending signals reach their handlers. Two turns: called from an I/O
 * callback, the first immediate runs in the same iteration, after its poll
 * phase (where libuv reads the signals); the second runs after the next one.
 */
export async function turnEventLoop(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
