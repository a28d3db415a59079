/** What a fuzz case is: the files it needs and the command line that runs it. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (this file is dist/scripts/fuzz/case.js once built). */
export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Every kind of case; robustness-fuzz.ts runs the first five, fuzz.ts all of them. */
export const ALL_KINDS = ['dtb', 'dts', 'yaml', 'folder', 'args', 'cpp', 'compile'] as const;
export type Kind = (typeof ALL_KINDS)[number];


/** One run: files to create in a fresh folder, and the command line (paths relative to that folder). */
export interface Case {
  kind: Kind;
  what: string;
  files: Record<string, Uint8Array | string>;
  /** Symbolic links to make: path → target. */
  links?: Record<string, string>;
  argv: string[];
  stdin?: Uint8Array;
}

export function walkFiles(dir: string, pred: (name: string) => boolean): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p, pred));
    else if (pred(e.name)) out.push(p);
  }
  return out;
}

