import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What the CLI needs from its surroundings. `run()` takes one, so tests drive
 * the CLI in-process with captured output; bin/ passes the real process.
 */
export interface CliIo {
  stdout(chunk: string | Uint8Array): void;
  stderr(text: string): void;
  /** Standard input, read whole up to MAX_INPUT_BYTES (only called when an input is `-`). */
  readStdin(): Uint8Array | { error: string };
  /** Whether stdout is a terminal (colours, refusing to dump a blob on it). */
  stdoutIsTTY: boolean;
  env: Record<string, string | undefined>;
  /**
   * A path that names the file standard input comes from, when it is one
   * (`/dev/stdin` for the real process), so that `- < board.dtb -o board.dtb`
   * is refused as writing over an input; absent in-process.
   */
  stdinPath?: string;
}

/** True when two paths name the same file (so an output would overwrite an input). */
export function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  if (real(a) === real(b)) return true;
  // A hard link has its own path: compare the files themselves.
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.isFile() && sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}
