/** What a fuzz case is: the files it needs, the command line that runs it, and how it is run. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (this file is dist/scripts/fuzz/case.js once built). */
export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * Every kind, with its share of a campaign (how many of each cycle of cases
 * it gets). The shares follow cost: a blob mutation runs in about 2 ms, a
 * schema compiled by Ajv in about 25, a child process in about 300, so a
 * cycle of equal shares would spend its time on the slow kinds.
 */
export const KIND_INFO = {
  dtb: { share: 6, about: 'mutated and synthetic blobs (lint, dump, decompile)' },
  dts: { share: 6, about: 'token mutations of sources (lint, compile, dump)' },
  compile: { share: 4, about: 'compile and decompile with dtc\'s flags and odd ones, sources and blobs' },
  cpp: { share: 3, about: 'preprocessor: generated macro programs and cpp sources with directives inserted, cut, moved; hostile shapes' },
  args: { share: 3, about: 'odd command lines over good inputs' },
  folder: { share: 2, about: 'live-tree folders: odd names, links out, loops, FIFOs, special and huge files' },
  yaml: { share: 1, about: 'mutated bindings (check-binding, --schema, dump --schema)' },
  schema: { share: 1, about: 'hostile user schemas: $ref loops, backtracking patterns, $id collisions with built-ins' },
  output: { share: 1, about: '-o onto symlinks, FIFOs, devices, read-only folders, files the run read' },
  signal: { share: 1, about: 'SIGINT/SIGTERM to a CLI process while it writes -o (child process)' },
  pipe: { share: 1, about: 'standard output closed early (child process): the exit code must be the verdict\'s' },
  'cpp-diff': { share: 1, about: 'generated macro programs through GNU cpp + dtc and through ours: same blob (needs cpp and dtc)' },
} as const;

export type Kind = keyof typeof KIND_INFO;
export const ALL_KINDS = Object.keys(KIND_INFO) as Kind[];

/**
 * The default campaign: every kind that runs in-process. The process kinds
 * (a child per case, ~100× slower) and cpp-diff (needs GNU cpp and dtc) are
 * asked for by name, or with --kinds all.
 */
export const DEFAULT_KINDS: Kind[] = ['dtb', 'dts', 'compile', 'cpp', 'args', 'folder', 'yaml', 'schema'];

/** How a case is run. */
export type RunMode =
  /** run() in the worker thread: the fast path. */
  | 'in-process'
  /** A child process of the CLI: for inputs that could block a thread in a system call (FIFOs, /proc), or outputs onto them. */
  | 'process'
  /** A child process that gets `signal` once it starts writing its output (or after `delayMs`). */
  | 'signal'
  /** A child process whose standard output is closed after its first bytes; its exit code must match a full run's. */
  | 'pipe'
  /** Not the CLI: GNU cpp | dtc against our preprocessor and compiler. */
  | 'cpp-diff';

/** One run: files to create in a fresh folder, and the command line (paths relative to that folder). */
export interface Case {
  kind: Kind;
  what: string;
  files: Record<string, Uint8Array | string>;
  /** Symbolic links to make: path → target. */
  links?: Record<string, string>;
  /** Named pipes to make. */
  fifos?: string[];
  /** Character devices to make (as root only; skipped otherwise): path → the device's [major, minor]. */
  devices?: Record<string, [number, number]>;
  /** Sparse files to make (nothing written, any size): path → size. */
  sparse?: Record<string, number>;
  /** File modes to set after making the files: path → mode. */
  modes?: Record<string, number>;
  argv: string[];
  stdin?: Uint8Array;
  /** How it runs (default in-process). */
  mode?: RunMode;
  /**
   * The files the run may write (relative paths). Default: the values of
   * -o/--output that the command line names nowhere else. A path listed here
   * may change its content, not its type or mode.
   */
  outputs?: string[];
  /** Exit codes that are right for this case, and why (a case whose right answer is known, e.g. a refusal). */
  expect?: { codes: number[]; why: string };
  /** For mode 'signal'. */
  signal?: { name: 'SIGINT' | 'SIGTERM'; atWrite: boolean; delayMs: number };
  /** Text no report may contain (a secret outside the inputs: a file a link points to, the environment). */
  secrets?: string[];
  /** For mode 'pipe': close standard output before the first write, or after the first bytes. */
  pipe?: { atOnce: boolean };
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
