/**
 * Whether a file descriptor is a terminal, answered without node:tty when the
 * answer is plain. node:tty brings in Node's net and stream modules, about
 * 10 ms of a 100 ms start, and most runs write to a pipe, a file or
 * /dev/null (a pre-commit hook, CI, a benchmark).
 */
import { fstatSync } from 'node:fs';
import { importByUrl } from '../import-by-url.js';

/** Linux's major device number of the memory devices (/dev/null, /dev/zero…): never a terminal. */
const LINUX_MEMORY_DEVICES = 1;

function linuxMajor(rdev: number): number {
  return Math.floor(rdev / 256) & 0xfff;
}

export async function isTerminal(fd: number): Promise<boolean> {
  let stats;
  try {
    stats = fstatSync(fd);
  } catch {
    return false;
  }
  // Files, pipes and sockets are not terminals; only a character device may be.
  if (!stats.isCharacterDevice()) return false;
  if (process.platform === 'linux' && linuxMajor(stats.rdev) === LINUX_MEMORY_DEVICES) return false;
  // By URL: in the bundle, under its code cache, a plain import() cannot run (src/import-by-url.ts).
  const { isatty } = await importByUrl<typeof import('node:tty')>(new URL('node:tty'));
  return isatty(fd);
}
