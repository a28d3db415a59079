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

/** Options of the CLI that take the next word as their value. */
const VALUE_OPTIONS = new Set(['-I', '--include', '-D', '--define', '-U', '--undefine', '--schema', '--base', '--config', '-f', '--format', '--rule', '--max-warnings', '--node', '-O', '--out-format', '--from', '-p', '--pad', '-S', '--space', '-a', '--align', '-R', '--reserve', '-b', '--boot-cpu', '-H', '--phandle']);

/**
 * The paths a case's run may write: its declared outputs, else the values of
 * -o/--output (each flag takes the next word, whatever it looks like: in
 * `-o -o in.dts` the output is a file named -o) that the command line names
 * nowhere else.
 */
export function outputsOf(c: Case): Set<string> {
  if (c.outputs) return new Set(c.outputs);
  const values = new Map<string, number>();
  const taken = new Set<number>();
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (OUTPUT_FLAGS.has(a) && i + 1 < c.argv.length) {
      taken.add(i).add(i + 1);
      values.set(c.argv[i + 1]!, i + 1);
      i++;
    } else if (a.startsWith('--output=')) {
      taken.add(i);
      values.set(a.slice('--output='.length), i);
    }
  }
  // Elsewhere as an input: a positional word, not an option (-I) nor an option's value (`-D in.dts` names a
  // macro; a --schema value before a subcommand belongs to a command that never reads it). Whether an
  // option's value is read is for the output kind, which knows its case, to judge.
  const valueOf = (i: number) => i > 0 && VALUE_OPTIONS.has(c.argv[i - 1]!);
  const elsewhere = (p: string) => !p.startsWith('-') && c.argv.some((a, i) => !taken.has(i) && !valueOf(i) && (a === p || a === `${p}/`));
  return new Set([...values.keys()].filter((v) => !elsewhere(v)).map((v) => v.replace(/^\.\//, '')));
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
