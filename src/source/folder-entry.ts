import type { Dirent } from 'node:fs';
import { statSync } from 'node:fs';

/**
 * Whether a folder walk takes this entry as a file to read: a regular file,
 * or a link (a broken one is taken, to be reported when read), but never a
 * FIFO, socket or device, whose opening can block a run for ever.
 */
export function isReadableEntry(entry: Dirent, path: string): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    const st = statSync(path);
    return st.isFile() || st.isDirectory();
  } catch {
    return true;
  }
}
