/**
 * The compiled-binding cache for a user's `--schema` bindings, between runs:
 * what a run on the same binding files would otherwise work out again.
 *
 * - `index.json`: the bindings loaded and fixed up (no YAML parsed on a warm
 *   run: one JSON.parse), the load's diagnostics, and which bindings cannot
 *   be compiled at all;
 * - `v-<id hash>.js` / `s-<id hash>.js`: one per binding validator (select),
 *   written when a run first compiles it: Ajv's standalone code, or the
 *   diagnostic that said why it did not compile. A warm run on a board whose
 *   bindings were compiled before does not run Ajv.
 *
 * They sit in `<root>/<key>/`, the key a hash of the code and options that
 * compile bindings and of every binding file (path and bytes): another
 * binding set, an edited file or another build of the tool is another
 * folder. Each file is a header line (format, key, length and SHA-256 of the
 * body) and its body; a file whose header does not match what it holds is
 * ignored and written again, as is anything that does not parse. Files are
 * written through a temporary file and a rename, so a reader never sees half
 * of one; a folder that cannot be written to leaves the run uncached.
 *
 * The hashes find damage, not malice: the records are code this tool runs,
 * so the folder is as trusted as the tool's own files (made for the user
 * alone; not to be shared with less trusted jobs, such as a CI cache that
 * builds of strangers' pull requests can write).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Bumped when what the cache holds changes shape. */
export const CACHE_FORMAT = 1;
const MAGIC = 'vmgenid-lint-cache';
/** Key folders kept (the most recently used): one per binding set a user lints with. */
export const MAX_CACHED_SETS = 8;
export const INDEX_FILE = 'index.json';

/**
 * The cache folder for an environment: `$XDG_CACHE_HOME/vmgenid-lint` (an
 * absolute XDG_CACHE_HOME, as the XDG spec says a relative one is ignored),
 * else `$HOME/.cache/vmgenid-lint`; null with neither.
 */
export function cacheRoot(env: Readonly<Record<string, string | undefined>>): string | null {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'vmgenid-lint');
  const home = env['HOME'];
  if (home && isAbsolute(home)) return join(home, '.cache', 'vmgenid-lint');
  return null;
}

/** A SHA-256 over parts, each framed by its length (so no two lists of parts hash alike by running together). */
export class CacheKey {
  private readonly h = createHash('sha256');

  add(part: string | Uint8Array): this {
    const length = typeof part === 'string' ? Buffer.byteLength(part) : part.length;
    this.h.update(`${typeof part === 'string' ? 's' : 'b'}${length}:`);
    this.h.update(part);
    return this;
  }

  digest(): string {
    return this.h.digest('hex');
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A file name for a binding's record: its `$id` hashed (ids hold '/', ':' and worse). */
export function recordName(kind: 'v' | 's', id: string): string {
  return `${kind}-${sha256(id).slice(0, 32)}.js`;
}

/** What the cache did in a run, for tests and timing notes. */
export interface CacheStats {
  /** The index was read (a warm run) or written. */
  index: 'hit' | 'miss' | 'off';
  /** Records read and used. */
  recordHits: number;
  /** Records written. */
  recordWrites: number;
  /** Files found damaged or not matching and ignored (rebuilt). */
  damaged: number;
}

/** One binding set's folder in the cache. */
export class BindingCache {
  readonly dir: string;
  readonly stats: CacheStats = { index: 'miss', recordHits: 0, recordWrites: 0, damaged: 0 };
  /** False once a write failed: the rest of the run does not try again. */
  private writable = true;

  constructor(
    readonly root: string,
    readonly key: string,
  ) {
    this.dir = join(root, key.slice(0, 32));
  }

  /** The body of `name` when the file is whole and made for this key; null otherwise (missing or damaged). */
  read(name: string): string | null {
    let text: string;
    try {
      text = readFileSync(join(this.dir, name), 'utf8');
    } catch {
      return null;
    }
    const eol = text.indexOf('\n');
    const header = eol < 0 ? [] : text.slice(0, eol).split(' ');
    const body = eol < 0 ? '' : text.slice(eol + 1);
    if (
      header.length !== 5 ||
      header[0] !== MAGIC ||
      header[1] !== String(CACHE_FORMAT) ||
      header[2] !== this.key ||
      header[3] !== String(body.length) ||
      header[4] !== sha256(body)
    ) {
      this.stats.damaged++;
      return null;
    }
    return body;
  }

  /** Write `name` whole or not at all; false when it could not be written (the run goes on uncached). */
  write(name: string, body: string): boolean {
    if (!this.writable) return false;
    const path = join(this.dir, name);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      // The user's alone: what it holds is code this tool runs.
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(tmp, `${MAGIC} ${CACHE_FORMAT} ${this.key} ${body.length} ${sha256(body)}\n${body}`, { mode: 0o600 });
      renameSync(tmp, path);
      return true;
    } catch {
      this.writable = false;
      try {
        rmSync(tmp, { force: true });
      } catch {
        // Nothing more to do.
      }
      return false;
    }
  }

  /** Mark this set as used now (pruning keeps the most recently used). */
  touch(): void {
    const now = new Date();
    try {
      utimesSync(join(this.dir, INDEX_FILE), now, now);
    } catch {
      // A read-only cache still serves.
    }
  }

  /** Remove all but the MAX_CACHED_SETS most recently used sets (this one among them). */
  prune(): void {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return;
    }
    const sets: { dir: string; used: number }[] = [];
    for (const name of names) {
      if (!/^[0-9a-f]{32}$/.test(name)) continue;
      const dir = join(this.root, name);
      let used = 0;
      try {
        used = statSync(join(dir, INDEX_FILE)).mtimeMs;
      } catch {
        // A set without an index is a half-made one: oldest.
      }
      if (dir !== this.dir) sets.push({ dir, used });
    }
    sets.sort((a, b) => b.used - a.used);
    for (const { dir } of sets.slice(MAX_CACHED_SETS - 1)) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // Another run's, or not ours to remove: left.
      }
    }
  }
}
