/**
 * Writing `-o FILE` so that nothing is destroyed:
 *
 * - a regular file, or a path where nothing is yet, is written atomically: a
 *   temporary file in the folder of the real target (a symbolic link is
 *   followed, and stays a link), flushed, given the old file's permission
 *   bits and owner (where the user may), then renamed over it. A reader
 *   never sees half a file; a failure or a signal leaves the old file and no
 *   temporary one (interrupt.ts);
 * - a device or a FIFO (/dev/null, a named pipe) is opened and written in
 *   place: renaming over it would put a regular file where the device was;
 * - an open descriptor's name (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is
 *   that descriptor, written as it is (a file opened to append keeps its
 *   start);
 * - a folder or a socket is refused.
 *
 * Errors are OutputErrors whose message is the cause in words (permission
 * denied on which folder, disk full, read-only file system, which part of
 * the path is not a folder), never a temporary file's name.
 */
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, normalize, resolve } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import { holdTemp, releaseTemp, turnEventLoop } from './interrupt.js';
import type { CliIo } from './io.js';

/** An output that cannot be written; the message is the cause, for "FILE: error: cannot write: …". */
export class OutputError extends Error {}

/**
 * Test-only: milliseconds to wait between the temporary file's write and the
 * rename, so that a test can send a signal while the temporary file exists
 * (test/hostile-outputs.test.ts). Read from the run's environment; unset in
 * any real use.
 */
export const PAUSE_BEFORE_RENAME_ENV = 'VMGENID_LINT_TEST_PAUSE_BEFORE_RENAME_MS';

/** Written this much at a time, with the event loop turned between, so that a signal is acted on mid-write. */
const CHUNK_BYTES = 1 << 20;

/** How many symbolic links a path may pass through, as the kernel counts (its ELOOP limit). */
const MAX_LINKS = 40;

/** Write `-o FILE`; when it cannot be, say why ("FILE: error: cannot write: CAUSE") and return false. */
export async function writeOutputSaying(path: string, data: string | Uint8Array, io: CliIo): Promise<boolean> {
  try {
    await writeOutput(path, data, io.env);
    return true;
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    io.stderr(`${path}: error: cannot write: ${err.message}\n`);
    return false;
  }
}

export async function writeOutput(path: string, data: string | Uint8Array, env: Record<string, string | undefined> = {}): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // Resolved as they stand, '' would name the working folder and 'out/' the file 'out'.
  if (path === '') throw new OutputError('the file name is empty');
  if (path.endsWith('/')) throw new OutputError('it ends in /, which names a directory; give a file name');
  const fd = descriptorNamed(path);
  if (fd !== null) return writeInPlace(fd, bytes);
  const target = targetOf(path);
  if (target.stats && !target.stats.isFile()) {
    if (target.stats.isSocket()) throw new OutputError('it is a socket; give a file, a device or a FIFO');
    let out: number;
    try {
      out = openSync(path, 'w');
    } catch (err) {
      throw new OutputError(causeOf(err));
    }
    try {
      return writeInPlace(out, bytes);
    } finally {
      closeSync(out);
    }
  }
  const pause = Number(env[PAUSE_BEFORE_RENAME_ENV] ?? 0);
  await writeAtomically(target.real, target.stats, bytes, pause > 0 ? pause : 0);
}

/** The descriptor a path names (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N), or null. */
function descriptorNamed(path: string): number | null {
  const p = normalize(path);
  if (p === '/dev/stdout') return 1;
  if (p === '/dev/stderr') return 2;
  const m = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d{1,9})$/.exec(p);
  return m ? Number(m[1]) : null;
}

interface Target {
  /** The file to write: the path with its links followed. */
  real: string;
  /** What is there now (links followed), or null for nothing yet. */
  stats: Stats | null;
}

function targetOf(path: string): Target {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { real: newFileAt(path), stats: null };
    if (code === 'ENOTDIR') throw new OutputError(folderProblem(dirname(path)) ?? causeOf(err));
    throw new OutputError(causeOf(err));
  }
  if (stats.isDirectory()) throw new OutputError('it is a directory; give a file name');
  if (!stats.isFile()) return { real: path, stats };
  try {
    return { real: realpathSync.native(path), stats };
  } catch (err) {
    throw new OutputError(causeOf(err));
  }
}

/**
 * Where a new file for `path` goes: at the end of its chain of symbolic
 * links (a dangling link gets its file made where it points), in the real
 * folder that holds it.
 */
function newFileAt(path: string): string {
  let p = resolve(path);
  for (let links = 0; ; links++) {
    let isLink = false;
    try {
      isLink = lstatSync(p).isSymbolicLink();
    } catch {
      // Nothing there: this is the new file's path.
    }
    if (!isLink) break;
    if (links === MAX_LINKS) throw new OutputError('too many levels of symbolic links');
    p = resolve(dirname(p), readlinkSync(p));
  }
  const folder = dirname(p);
  try {
    return join(realpathSync.native(folder), basename(p));
  } catch (err) {
    throw new OutputError(folderProblem(folder) ?? causeOf(err));
  }
}

/** Why files cannot be made in `folder`: the first part of it that is missing or not a folder; null when none is. */
function folderProblem(folder: string): string | null {
  const chain: string[] = [];
  for (let at = folder; ; at = dirname(at)) {
    chain.unshift(at);
    if (dirname(at) === at || at === '.') break;
  }
  for (const at of chain) {
    let stats: Stats;
    try {
      stats = statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return `the folder ${at} does not exist`;
      if (code === 'EACCES') return `permission denied: cannot reach the folder ${at}`;
      return null;
    }
    if (!stats.isDirectory()) return `${at} is not a folder`;
  }
  return null;
}

async function writeAtomically(real: string, old: Stats | null, bytes: Uint8Array, pauseMs: number): Promise<void> {
  const folder = dirname(real);
  const temp = join(folder, `.${basename(real)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  // Held before it exists: a signal from here on waits for the handler, which removes it.
  holdTemp(temp);
  let fd: number | null = null;
  let created = false;
  try {
    try {
      // Private until its mode is set: the old file may have been readable by its owner alone.
      fd = openSync(temp, 'wx', old ? 0o600 : 0o666);
      created = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new OutputError(`permission denied: cannot create a file in the folder ${folder}`);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new OutputError(folderProblem(folder) ?? causeOf(err));
      throw new OutputError(causeOf(err));
    }
    if (old) keepOwnerAndMode(fd, old);
    for (let at = 0; at < bytes.length; ) {
      const end = Math.min(at + CHUNK_BYTES, bytes.length);
      while (at < end) at += writeSync(fd, bytes, at, end - at);
      await turnEventLoop();
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    renameSync(temp, real);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    // Only what this run made: 'wx' refused a name that was already taken.
    if (created) rmSync(temp, { force: true });
    throw err instanceof OutputError ? err : new OutputError(causeOf(err));
  } finally {
    await releaseTemp(temp);
  }
}

/**
 * The replaced file's owner and permission bits, for the new one. The owner
 * only where the user may give it (root; a group the user is in); set-id
 * bits are not carried over, as the kernel clears them when a file is
 * written by someone other than root.
 */
function keepOwnerAndMode(fd: number, old: Stats): void {
  try {
    fchownSync(fd, old.uid, old.gid);
  } catch {
    try {
      fchownSync(fd, -1, old.gid);
    } catch {
      // The new file is the user's own.
    }
  }
  fchmodSync(fd, old.mode & 0o777);
}

/** All of `bytes` to a descriptor, however many writes it takes (a non-blocking one says EAGAIN when full); other errors are thrown. */
export function writeAllTo(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

/** A device, a FIFO or an open descriptor: written as it is. A reader that left (EPIPE) ends the write quietly, as for standard output. */
function writeInPlace(fd: number, bytes: Uint8Array): void {
  try {
    writeAllTo(fd, bytes);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw new OutputError(causeOf(err));
  }
}

/** An error's cause in words, without the paths Node puts in its messages (a temporary file's among them). */
export function causeOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'EISDIR':
      return 'it is a directory; give a file name';
    case 'ENXIO':
      return 'nothing is behind it to write to (no device, or a socket)';
    case 'EBADF':
      return 'that descriptor is not open for writing';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
  }
  if (typeof e?.errno === 'number') {
    const known = getSystemErrorMap().get(e.errno);
    if (known) return known[1];
  }
  return e?.code ?? 'unknown error';
}
