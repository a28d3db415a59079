import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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
}

/**
 * Write a file atomically: to a temporary name in the same folder, flushed,
 * then renamed over the target, so a reader never sees half a file and a
 * failure leaves nothing behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  // Say it plainly rather than let the rename fail with the temporary file's name.
  if (isDirectory(path)) throw new Error('it is a directory; give a file name');
  const dir = dirname(resolve(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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
