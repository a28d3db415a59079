/** Running a case through the CLI's run() in this thread, judging the outcome, and keeping a failing case. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';


export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  problem: string | null;
  ms: number;
}

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
}

/** The case's files that its command reads (an -o target named nowhere else may be written). */
function inputsOf(c: Case): string[] {
  const outputs = new Set(c.argv.filter((_, i) => i > 0 && (c.argv[i - 1] === '-o' || c.argv[i - 1] === '--output')));
  return Object.keys(c.files).filter((p) => !outputs.has(p) || c.argv.filter((a) => a === p).length > 1);
}

function hashInputs(dir: string, c: Case): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of inputsOf(c)) {
    try {
      out.set(path, createHash('sha1').update(readFileSync(join(dir, path))).digest('hex'));
    } catch {
      out.set(path, 'unreadable');
    }
  }
  return out;
}

/** What is wrong with a finished run, or null. */
export function judge(code: number | null, stdout: string, stderr: string, toFile = false): string | null {
  const text = stdout + '\n' + stderr;
  if (code === 70 || code === null) return `internal error (exit ${code})`;
  if (![0, 1, 2].includes(code)) return `exit ${code}`;
  if (/^\s{4}at /m.test(stderr) || /\n {4}at \S+ \(/.test(text)) return 'stack trace';
  const m = /RangeError|TypeError|ReferenceError|SyntaxError: |Cannot read properties|Maximum call stack|is not a function|undefined is not|out of memory/.exec(text);
  if (m) return `JavaScript error in output: ${m[0]}`;
  if (code === 2 && !toFile && stdout.trim() === '' && stderr.trim() === '') return 'exit 2 without a message';
  return null;
}

/**
 * Run one case in a fresh temporary folder. `onStarted` is called once the
 * files are written, just before run(); `ms` is run()'s time alone.
 */
export async function runCase(c: Case, run: (argv: string[], io: CliIo) => Promise<number>, onStarted?: () => void): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-robust-'));
  let start = Date.now();
  try {
    materialize(dir, c);
    const before = hashInputs(dir, c);
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (chunk: string | Uint8Array) => {
        if (stdout.length < 1 << 20) stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
      },
      stderr: (t: string) => {
        if (stderr.length < 1 << 20) stderr += t;
      },
      readStdin: () => c.stdin ?? new Uint8Array(),
      stdoutIsTTY: false,
      env: {},
    };
    // Workers cannot chdir: names of the case's files become absolute paths.
    const local = new Set([...Object.keys(c.files), ...Object.keys(c.links ?? {}), 'missing.dts', 'missing.yaml', 'missing'].map((p) => p.split('/')[0]!));
    // Whatever follows -o is written: always inside the case's folder, never the working folder.
    const argv = c.argv.map((a, i) =>
      local.has(a.split('/')[0]!) || (i > 0 && ['-o', '--output'].includes(c.argv[i - 1]!) && a !== '-' && !a.startsWith('/'))
        ? join(dir, a) + (a.endsWith('/') ? '/' : '')
        : a,
    );
    let code: number | null;
    let problem: string | null;
    onStarted?.();
    start = Date.now();
    try {
      code = await run(argv, io);
      problem = judge(code, stdout, stderr, argv.includes('-o') || argv.includes('--output'));
    } catch (err) {
      code = 70;
      problem = `internal error: ${(err as Error)?.stack ?? String(err)}`.slice(0, 2000);
    }
    if (!problem) {
      const after = hashInputs(dir, c);
      for (const [p, h] of before) if (after.get(p) !== h) problem = `input ${p} changed`;
    }
    return { code, stdout, stderr, problem, ms: Date.now() - start };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  materialize(dir, c);
  if (c.stdin) writeFileSync(join(dir, 'stdin'), c.stdin);
  writeFileSync(join(dir, 'command.sh'), `#!/bin/sh\ncd "$(dirname "$0")" && ${commandLine(c)}\n`, { mode: 0o755 });
  writeFileSync(
    join(dir, 'README'),
    `${problem}\n\nwhat: ${c.what}\n\nreproduce (in this folder):\n  ${commandLine(c)}\n\nstdout:\n${(out.stdout ?? '').slice(0, 4000)}\nstderr:\n${(out.stderr ?? '').slice(0, 4000)}\n`,
  );
  return dir;
}

/** Deterministic case i of a seed: its own generator, so a case can be replayed alone. */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

