import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * How the front ends reach files. Injected so that tests and the CLI decide
 * (stdin, virtual files, which files a source may include); the library
 * itself never touches `process`.
 */
export interface FileHost {
  /** The file's bytes, or an error message (`No such file or directory`, …). */
  readBytes(path: string): Uint8Array | { error: string };
}

/** The message for a failed file operation, as a C tool would word it. */
export function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return NOT_FOUND;
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    case 'ENXIO':
      return 'No such device or address';
    default:
      return (err as Error)?.message ?? String(err);
  }
}

export const NOT_FOUND = 'No such file or directory';

/** Whether a read failed only because nothing is there (so a search goes on to the next folder). */
export function isNotFound(error: string): boolean {
  return error === NOT_FOUND || error === 'Not a directory';
}

/** What a file that is neither a regular file nor a folder is, for messages. */
export function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Largest input file we read, in bytes: a devicetree is never near this. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** A regular file whose size says it is over the limit: refused without a byte read. */
export function tooLargeBySize(size: number): string {
  return `file is larger than ${MAX_INPUT_BYTES} bytes (MAX_INPUT_BYTES): it has ${size}, refused unread`;
}

/** A stream (pipe, device, /proc file) that does not say its size: read up to the limit, then given up on. */
export function tooLargeWhileReading(what = 'file'): string {
  return `${what} is larger than ${MAX_INPUT_BYTES} bytes (MAX_INPUT_BYTES): reading stopped there`;
}

/** Where reads start: most sources fit, and are then copied out once. */
const SCRATCH = Buffer.allocUnsafe(1 << 16);

/** For waiting on a non-blocking descriptor without spinning. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * The bytes of an open file, read to its end; null as soon as there are more
 * than MAX_INPUT_BYTES (a pipe, /dev/zero or a /proc file says no size, so
 * the limit is kept while reading, and memory never grows past it).
 */
function readToEnd(fd: number): Uint8Array | null {
  const full: Uint8Array[] = [];
  let buf = SCRATCH;
  let filled = 0;
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, filled, buf.length - filled, null);
    } catch (err) {
      // A standard input its parent left non-blocking has nothing yet: wait a little, without spinning.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(PAUSE, 0, 0, 5);
      continue;
    }
    if (n === 0) break;
    filled += n;
    total += n;
    if (total > MAX_INPUT_BYTES) return null;
    if (filled === buf.length) {
      full.push(buf === SCRATCH ? new Uint8Array(SCRATCH) : buf);
      buf = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_INPUT_BYTES + 1 - total));
      filled = 0;
    }
  }
  // A copy of exactly the bytes read: the scratch buffer is used again, and views of it would keep it all.
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of full) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  bytes.set(buf.subarray(0, filled), at);
  return bytes;
}

/**
 * The bytes of an open descriptor, bounded by MAX_INPUT_BYTES: a regular
 * file whose size is over the limit is refused before a byte is read (its
 * size is asked of the open descriptor, so it is the file that is read); a
 * pipe, a device or a /proc file (size 0) is read until the limit is passed.
 * `what` names it in the message ("standard input").
 */
export function readDescriptor(fd: number, what = 'file'): Uint8Array | { error: string } {
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: 'Is a directory' };
    if (st.isFile() && st.size > MAX_INPUT_BYTES) return { error: tooLargeBySize(st.size) };
    return readToEnd(fd) ?? { error: tooLargeWhileReading(what) };
  } catch (err) {
    return { error: describeError(err) };
  }
}

/**
 * A host reading the real file system, read-only, any file the name leads
 * to: for the inputs the user names (a FIFO such as `<(cat board.dts)`
 * included). What a source may bring in is decided by include-policy.ts.
 */
export const nodeFileHost: FileHost = {
  readBytes(path: string) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      return { error: describeError(err) };
    }
    try {
      return readDescriptor(fd);
    } finally {
      closeSync(fd);
    }
  },
};

/** Bytes as a latin1 string: one character per byte, as dtc's lexer sees them. */
export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
