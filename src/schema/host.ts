/** Where schema files come from: a file host that can list folders, and the built-in schema folder. */
import { readdirSync, statSync } from 'node:fs';
import { isReadableEntry } from '../source/folder-entry.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileHost } from '../source/host.js';

/** A FileHost that can also list a directory's YAML files (recursively). */
export interface SchemaHost extends FileHost {
  /** Paths of the `.yaml` files under `dir`, sorted; an error when `dir` can't be read. */
  listYaml?(dir: string): string[] | { error: string };
  /** Whether `path` is a directory. */
  isDirectory?(path: string): boolean;
}

/** Real-filesystem host for schemas. */
export function nodeSchemaHost(base: FileHost): SchemaHost {
  return {
    readBytes: (p) => base.readBytes(p),
    isDirectory(p) {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    listYaml(dir) {
      try {
        const out: string[] = [];
        const walk = (d: string): void => {
          for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const p = join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith('.yaml') && isReadableEntry(e, p)) out.push(p);
          }
        };
        walk(dir);
        return out;
      } catch (err) {
        return { error: (err as Error).message };
      }
    },
  };
}

/** `<project>/schemas`, found relative to this module (dist/src/schema/ or src/schema/). */
export function builtinSchemaDir(): string {
  return fileURLToPath(new URL('../../../schemas/', import.meta.url)).replace(/[\\/]$/, '');
}
