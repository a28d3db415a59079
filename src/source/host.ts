import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

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

/** A file's bytes, read in chunks; null when there are more than MAX_INPUT_BYTES. */
function readBounded(path: string): Uint8Array | null {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return new Uint8Array(Buffer.concat(chunks, total));
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_INPUT_BYTES) return null;
    }
  } finally {
    closeSync(fd);
  }
}

/** A host reading the real file system, read-only. */
export const nodeFileHost: FileHost = {
  readBytes(path: string) {
    try {
      const st = statSync(path);
      if (st.isDirectory()) return { error: 'Is a directory' };
      if (st.size > MAX_INPUT_BYTES) return { error: `file is larger than ${MAX_INPUT_BYTES} bytes` };
      if (st.isFile()) return new Uint8Array(readFileSync(path));
      // A pipe or a device does not know its size (and /dev/zero never ends): read up to the limit.
      const bytes = readBounded(path);
      return bytes ?? { error: `file is larger than ${MAX_INPUT_BYTES} bytes` };
    } catch (err) {
      return { error: describe(err) };
    }
  },
};

/** Bytes as a latin1 string: one character per byte, as dtc's lexer sees them. */
export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
