import { closeSync, openSync, readSync } from 'node:fs';

/**
 * How the front ends reach files. Injected so that tests and the CLI decide
 * (stdin, virtual files); the library itself never touches `process`.
 */
export interface FileHost {
  /** The file's bytes, or an error message (`No such file or directory`, …). */
  readBytes(path: string): Uint8Array | { error: string };
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    default:
      return (err as Error)?.message ?? String(err);
  }
}

/** Largest input file we read, in bytes: a devicetree is never near this. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Where reads start: most sources fit, and are then copied out once. */
const SCRATCH = Buffer.allocUnsafe(1 << 16);

/**
 * The bytes of an open file, read to its end; null when there are more than
 * MAX_INPUT_BYTES. Read, not stat'ed first: a pipe or a device does not know
 * its size (and /dev/zero never ends), and making Node's Stats object for
 * every input cost more than the read itself.
 */
function readToEnd(fd: number): Uint8Array | null {
  const full: Uint8Array[] = [];
  let buf = SCRATCH;
  let filled = 0;
  let total = 0;
  for (;;) {
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) break;
    filled += n;
    total += n;
    if (total > MAX_INPUT_BYTES) return null;
    if (filled === buf.length) {
      full.push(buf === SCRATCH ? new Uint8Array(SCRATCH) : buf);
      buf = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_INPUT_BYTES + 1));
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

/** A host reading the real file system, read-only. */
export const nodeFileHost: FileHost = {
  readBytes(path: string) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      return { error: describe(err) };
    }
    try {
      // A folder opens, and fails on the first read (EISDIR).
      return readToEnd(fd) ?? { error: `file is larger than ${MAX_INPUT_BYTES} bytes` };
    } catch (err) {
      return { error: describe(err) };
    } finally {
      closeSync(fd);
    }
  },
};

/** Bytes as a latin1 string: one character per byte, as dtc's lexer sees them. */
export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
