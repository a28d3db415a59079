/**
 * The cpp-diff kind: a generated macro-heavy program (program.ts) through GNU
 * `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp` piped into
 * `dtc -q -f -O dtb`, and through our preprocessor, compiler and blob writer.
 * The blobs must be identical; when GNU cpp fails ours must fail, and when
 * dtc refuses GNU's output our compiler must refuse ours.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Rng } from '../rng.js';
import type { Case } from './case.js';
import { generateProgram } from './program.js';
import type { Outcome } from './run.js';

type Result = { kind: 'cpp-fail'; detail: string } | { kind: 'dtc-fail'; detail: string } | { kind: 'blob'; blob: Buffer };

/** True when GNU cpp and dtc are on PATH. */
export function haveGnuTools(): boolean {
  return ['cpp', 'dtc'].every((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
}

export function cppDiffCase(rng: Rng): Case {
  const seed = rng.int(1, 0x7fffffff);
  const p = generateProgram(seed);
  return { kind: 'cpp-diff', what: `generated program ${seed}`, files: p.files, argv: [...p.defines.map((d) => `-D${d}`), 'main.dts'], mode: 'cpp-diff' };
}

function runGnu(dir: string, defines: string[]): Result {
  const cpp = spawnSync('cpp', ['-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', '-I', dir, ...defines, join(dir, 'main.dts')], { encoding: 'latin1', maxBuffer: 1 << 28 });
  if (cpp.status !== 0) return { kind: 'cpp-fail', detail: cpp.stderr };
  const dtc = spawnSync('dtc', ['-q', '-f', '-O', 'dtb', '-o', '-', '-'], { input: Buffer.from(cpp.stdout, 'latin1'), maxBuffer: 1 << 28 });
  if (dtc.status !== 0) return { kind: 'dtc-fail', detail: dtc.stderr.toString('latin1') };
  return { kind: 'blob', blob: dtc.stdout };
}

/** Our side, from the modules beside the CLI under test (`cli` is its main.js). */
async function runOurs(cli: string, dir: string, defines: string[]): Promise<Result> {
  const src = dirname(dirname(cli));
  const load = <T>(rel: string) => import(pathToFileURL(join(src, rel)).href) as Promise<T>;
  const { preprocess } = await load<typeof import('../../src/cpp/index.js')>('cpp/index.js');
  const { compileDtsText } = await load<typeof import('../../src/compiler.js')>('compiler.js');
  const { writeDtb } = await load<typeof import('../../src/dtb/write.js')>('dtb/write.js');
  const { bytesToLatin1, nodeFileHost } = await load<typeof import('../../src/source/host.js')>('source/host.js');
  const path = join(dir, 'main.dts');
  const bytes = nodeFileHost.readBytes(path);
  if (!(bytes instanceof Uint8Array)) return { kind: 'cpp-fail', detail: bytes.error };
  const defs = defines.map((d): [string, string] => {
    const body = d.slice(2);
    const i = body.indexOf('=');
    return i < 0 ? [body, '1'] : [body.slice(0, i), body.slice(i + 1)];
  });
  const r = preprocess(path, bytesToLatin1(bytes), { host: nodeFileHost, includeDirs: [dir], defines: defs });
  if (!r.ok) return { kind: 'cpp-fail', detail: r.diagnostics.find((x) => x.severity === 'error')?.message ?? 'failed' };
  const c = compileDtsText('<stdin>', r.output, { host: nodeFileHost });
  if (!c.tree) return { kind: 'dtc-fail', detail: c.diagnostics.map((d) => d.message).join('; ') };
  return { kind: 'blob', blob: Buffer.from(writeDtb(c.tree)) };
}

function describe(r: Result): string {
  return r.kind === 'blob' ? 'a blob' : `${r.kind} (${r.detail.trim().split('\n')[0]})`;
}

export async function runCppDiff(c: Case, dir: string, cli: string): Promise<Outcome> {
  mkdirSync(dir, { recursive: true });
  const start = Date.now();
  try {
    for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
    const defines = c.argv.filter((a) => a.startsWith('-D'));
    const gnu = runGnu(dir, defines);
    let ours: Result;
    try {
      ours = await runOurs(cli, dir, defines);
    } catch (err) {
      return { code: 70, stdout: '', stderr: '', problem: `internal error: ${(err as Error)?.stack ?? String(err)}`.slice(0, 2000), ms: Date.now() - start };
    }
    let problem: string | null = null;
    if (gnu.kind !== ours.kind) problem = `GNU: ${describe(gnu)}; ours: ${describe(ours)}`;
    else if (gnu.kind === 'blob' && ours.kind === 'blob' && !gnu.blob.equals(ours.blob)) problem = 'blobs differ from GNU cpp + dtc';
    return { code: 0, stdout: '', stderr: '', problem, ms: Date.now() - start };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
