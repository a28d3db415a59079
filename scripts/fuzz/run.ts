/**
 * Running a case: its folder made, the CLI's run() called in this thread
 * (the fast path) or a child process started (child.ts), the outcome judged
 * by the detectors, and a failing case kept.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, rmdirSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import { Capture, judge } from './judge.js';
import { compareSnapshots, outputsOf, snapshot, type Snapshot } from './snapshot.js';

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  problem: string | null;
  ms: number;
}

export type RunFn = (argv: string[], io: CliIo) => Promise<number>;

const IS_ROOT = process.getuid?.() === 0;

export function materialize(dir: string, c: Case): void {
  for (const [path, data] of Object.entries(c.files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
  for (const [path, target] of Object.entries(c.links ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(target, join(dir, path));
  }
  for (const path of c.fifos ?? []) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    execFileSync('mkfifo', [join(dir, path)]);
  }
  // A device node of our own, in the case's folder: the real /dev/null is never an output.
  for (const [path, [major, minor]] of Object.entries(c.devices ?? {})) {
    if (!IS_ROOT) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    execFileSync('mknod', [join(dir, path), 'c', String(major), String(minor)]);
  }
  for (const [path, size] of Object.entries(c.sparse ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), '');
    truncateSync(join(dir, path), size);
  }
  for (const [path, mode] of Object.entries(c.modes ?? {})) chmodSync(join(dir, path), mode);
}

/** The bytes a case gives its run: its files, its standard input, and the outside files it names. */
export function inputBytes(c: Case): number {
  let size = c.stdin?.length ?? 0;
  for (const data of Object.values(c.files)) size += data.length;
  for (const a of c.argv) {
    if (!isAbsolute(a)) continue;
    try {
      const s = statSync(a);
      if (s.isFile()) size += s.size;
    } catch {
      // not a file
    }
  }
  return size;
}

/** The case's command line with its own files' names made absolute (workers cannot chdir). */
export function absoluteArgv(c: Case, dir: string): string[] {
  const local = new Set(
    [...Object.keys(c.files), ...Object.keys(c.links ?? {}), ...(c.fifos ?? []), ...Object.keys(c.devices ?? {}), ...Object.keys(c.sparse ?? {}), ...(c.outputs ?? []), 'missing.dts', 'missing.yaml', 'missing'].map((p) => p.split('/')[0]!),
  );
  // Whatever follows -o is written: always inside the case's folder, never the working folder; and the
  // same word elsewhere on the line (`-o x - x`) names the same file, as it would in the folder itself.
  c.argv.forEach((a, i) => {
    if (i > 0 && ['-o', '--output'].includes(c.argv[i - 1]!) && a !== '' && !a.startsWith('-') && !a.startsWith('/')) local.add(a.split('/')[0]!);
  });
  return c.argv.map((a, i) =>
    local.has(a.split('/')[0]!) || (i > 0 && ['-o', '--output'].includes(c.argv[i - 1]!) && a !== '-' && !a.startsWith('/'))
      ? join(dir, a) + (a.endsWith('/') ? '/' : '')
      : a,
  );
}

/**
 * Run one case through run() in this thread, in the folder `dir` (made
 * here, removed after). `onStarted` is called once the files are written,
 * just before run(); `ms` is run()'s time alone.
 */
export async function runInProcess(c: Case, dir: string, run: RunFn, onStarted?: () => void): Promise<Outcome> {
  mkdirSync(dir, { recursive: true });
  try {
    materialize(dir, c);
    const before = snapshot(dir);
    const stdout = new Capture();
    const stderr = new Capture();
    const io: CliIo = {
      stdout: (chunk) => stdout.add(chunk),
      stderr: (t) => stderr.add(t),
      readStdin: () => c.stdin ?? new Uint8Array(),
      stdoutIsTTY: false,
      env: {},
    };
    const argv = absoluteArgv(c, dir);
    onStarted?.();
    const start = Date.now();
    let code: number | null;
    let problem: string | null = null;
    try {
      code = await run(argv, io);
    } catch (err) {
      code = 70;
      problem = `internal error: ${(err as Error)?.stack ?? String(err)}`.slice(0, 2000);
    }
    const ms = Date.now() - start;
    const toFile = argv.includes('-o') || argv.includes('--output') || argv.some((a) => a.startsWith('--output='));
    problem ??= judge(c, { code, stdout: stdout.text, stderr: stderr.text, stdoutBytes: stdout.bytes, stderrBytes: stderr.bytes, toFile }, inputBytes(c));
    const after = snapshot(dir);
    problem ??= compareSnapshots(before, after, outputsOf(c));
    removeCaseFolder(dir, after);
    return { code, stdout: stdout.text, stderr: stderr.text, problem, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Remove a case's folder by its snapshot, deepest first: a third of rmSync's time, which walks it again. */
function removeCaseFolder(dir: string, entries: Snapshot): void {
  try {
    for (const path of [...entries.keys()].sort((a, b) => b.length - a.length)) {
      if (entries.get(path)!.type === 'folder') rmdirSync(join(dir, path));
      else unlinkSync(join(dir, path));
    }
    rmdirSync(dir);
  } catch {
    // Something the snapshot did not see (made after it): rmSync in the caller's finally.
  }
}

/**
 * Where cases make their folders: a memory file system when there is one
 * (/dev/shm), as making and removing a folder on a journalled disk costs more
 * than a small case's whole run.
 */
export function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // none
  }
  return tmpdir();
}

/** The shell command that reproduces a case from inside its saved folder. */
export function commandLine(c: Case): string {
  const quoted = c.argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return `node ${join(ROOT, 'bin/vmgenid-lint.js')} ${quoted}${c.stdin ? ' < stdin' : ''}`;
}

/** Keep a failing case in OUTDIR/KIND-SEED-INDEX: its files, stdin, the command line (README, command.sh). Returns the folder. */
export function saveFailure(outDir: string, seed: number, index: number, c: Case, problem: string, out: Partial<Outcome>): string {
  const dir = join(outDir, `${c.kind}-${seed}-${index}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    materialize(dir, c);
  } catch (err) {
    writeFileSync(join(dir, 'MATERIALIZE-ERROR'), String(err));
  }
  if (c.stdin) writeFileSync(join(dir, 'stdin'), c.stdin);
  writeFileSync(join(dir, 'command.sh'), `#!/bin/sh\ncd "$(dirname "$0")" && ${commandLine(c)}\n`, { mode: 0o755 });
  writeFileSync(
    join(dir, 'README'),
    `${problem}\n\nkind: ${c.kind} (run ${c.mode ?? 'in-process'}${c.signal ? `, ${c.signal.name} ${c.signal.atWrite ? 'when the output is opened' : `after ${c.signal.delayMs} ms`}` : ''})\nwhat: ${c.what}\n\nreproduce (in this folder):\n  ${commandLine(c)}\n\nstdout:\n${(out.stdout ?? '').slice(0, 4000)}\nstderr:\n${(out.stderr ?? '').slice(0, 4000)}\n`,
  );
  return dir;
}

/** Deterministic case i of a seed: its own generator, so a case can be replayed alone. */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}
