/**
 * The nothing-lost detector: a case's folder before and after its run. Only
 * the run's outputs may change, and only in content (not type or mode);
 * anything new that is not an output is a leftover (a temporary file).
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { Case } from './case.js';

/**
 * One entry: its type and mode, and what changes when it is written or
 * replaced (inode, size, modification time in ns) or a link's target.
 * Nothing is read: a snapshot costs a stat per entry.
 */
interface Entry {
  type: string;
  mode: number;
  what: string;
}

export type Snapshot = Map<string, Entry>;

function typeOf(s: BigIntStats): string {
  if (s.isSymbolicLink()) return 'symbolic link';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'folder';
  if (s.isFIFO()) return 'FIFO';
  if (s.isCharacterDevice()) return 'character device';
  if (s.isBlockDevice()) return 'block device';
  return 'socket';
}

/** Every entry below `dir`, by path relative to it; links are not followed, nothing is opened. */
export function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(dir, rel));
    } catch {
      return;
    }
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(dir, path);
      const s = lstatSync(full, { bigint: true, throwIfNoEntry: false });
      if (!s) continue;
      const type = typeOf(s);
      const what = type === 'symbolic link' ? readlinkSync(full) : type === 'folder' ? '' : `${s.ino}:${s.size}:${s.mtimeNs}`;
      out.set(path, { type, mode: Number(s.mode & 0o7777n), what });
      if (type === 'folder') walk(path);
    }
  };
  walk('');
  return out;
}

const OUTPUT_FLAGS = new Set(['-o', '--output']);

/** The -o/--output values of a command line. */
function outputValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (i > 0 && OUTPUT_FLAGS.has(argv[i - 1]!)) out.push(a);
    else if (a.startsWith('--output=')) out.push(a.slice('--output='.length));
  });
  return out;
}

/** The paths a case's run may write: its declared outputs, else the -o values its command line names nowhere else. */
export function outputsOf(c: Case): Set<string> {
  if (c.outputs) return new Set(c.outputs);
  const values = outputValues(c.argv);
  const named = (p: string) => c.argv.filter((a) => a === p || a === `${p}/`).length;
  return new Set(values.filter((v) => named(v) === values.filter((x) => x === v).length).map((v) => v.replace(/^\.\//, '')));
}

/** What changed that should not have, or null. */
export function compareSnapshots(before: Snapshot, after: Snapshot, outputs: Set<string>): string | null {
  for (const [path, was] of before) {
    const now = after.get(path);
    if (!now) return `${was.type} ${path} was removed`;
    if (now.type !== was.type) return `${path}: a ${was.type} became a ${now.type}`;
    if (now.mode !== was.mode) return `${path}: mode ${was.mode.toString(8)} became ${now.mode.toString(8)}`;
    if (now.what !== was.what && !outputs.has(path)) return was.type === 'symbolic link' ? `${path}: the link now points to ${now.what}` : `input ${path} changed`;
  }
  for (const path of after.keys()) {
    if (!before.has(path) && !outputs.has(path)) return `leftover ${after.get(path)!.type} ${path}`;
  }
  return null;
}
