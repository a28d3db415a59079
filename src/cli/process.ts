/**
 * The bridge from the real process to `run()`: standard streams, a closed
 * pipe ending quietly with the verdict's exit code, and any unexpected
 * failure reported without a stack trace (set VMGENID_LINT_DEBUG=1 to see
 * one).
 */
import { workerThreads } from '../lazy-worker-threads.js';
import { readDescriptor } from '../source/host.js';
import { run } from './main.js';
import { LINT_WORKER } from './lint-jobs.js';
import type { CliIo } from './io.js';
import { causeOf, writeAllTo } from './output-file.js';
import { isTerminal } from './terminal.js';

class PipeClosed extends Error {}

/** Standard output failed for another reason than a reader that left (a full disk, a closed descriptor). */
class StdoutFailed extends Error {}

function writeAll(fd: number, chunk: string | Uint8Array): void {
  try {
    writeAllTo(fd, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw new PipeClosed();
    throw err;
  }
}

export async function main(): Promise<void> {
  // Started as a --jobs worker (cli/lint-jobs.ts), which says so in its argv: serve the command that started it.
  if (process.argv[2] === LINT_WORKER) {
    const { isMainThread, parentPort, workerData } = workerThreads();
    const { isWorkerSetup, runLintWorker } = await import('./lint-worker.js');
    if (!isMainThread && parentPort && isWorkerSetup(workerData)) return runLintWorker(workerData, parentPort);
  }
  // A reader that closed the pipe (`| head -c1`) has all it wanted: the rest of the output is dropped,
  // and the run still ends with its verdict (1 for findings, 2 for bad input), not 0.
  let stdoutClosed = false;
  const io: CliIo = {
    stdout: (chunk) => {
      if (stdoutClosed) return;
      try {
        writeAll(1, chunk);
      } catch (err) {
        if (!(err instanceof PipeClosed)) throw new StdoutFailed(causeOf(err));
        stdoutClosed = true;
      }
    },
    stderr: (text) => {
      try {
        writeAll(2, text);
      } catch {
        // Nowhere left to report to.
      }
    },
    readStdin: () => readDescriptor(0, 'standard input'),
    // Not process.stdout.isTTY: making the stdout stream loads Node's stream modules, and we write with writeSync.
    stdoutIsTTY: await isTerminal(1),
    env: process.env,
    stdinPath: '/dev/stdin',
  };
  try {
    process.exitCode = await run(process.argv.slice(2), io);
  } catch (err) {
    if (err instanceof StdoutFailed) {
      io.stderr(`vmgenid-lint: error: cannot write to standard output: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    io.stderr(`vmgenid-lint: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env['VMGENID_LINT_DEBUG']) io.stderr(`${(err as Error)?.stack}\n`);
    process.exitCode = 70;
  }
}
