/**
 * `npm run conformance -- ../shared/corpus`: compile the conformance corpus
 * with our compiler and compare with dtc's outputs recorded in its manifests.
 * Prints `N passed, N failed` per corpus, with the failing cases' names, and
 * exits 1 on any failure not listed in scripts/known-failures.txt.
 *
 * `npm run conformance -- --kernel DIR`: the same for a kernel corpus made by
 * scripts/fetch-kernel-corpus.sh DIR --reference: every arm64 board of
 * DIR/linux-source-*, preprocessed and compiled as the kernel's Makefile does
 * (the include prefixes folder, `-b 0`), against DIR/ref/dtb/<board>.dtb.
 */
import { readManifest } from './manifest.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compileDtsText, type CompileOptions } from '../src/compiler.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb, type WriteDtbOptions } from '../src/dtb/write.js';
import { writeDts } from '../src/dtb/dts-write.js';
import { InputError } from '../src/source/diagnostic.js';
import { bytesToLatin1, nodeFileHost, type FileHost } from '../src/source/host.js';
import { fencedFileHost, includeFence } from '../src/source/include-policy.js';
import type { PhandleFormat } from '../src/tree/resolve.js';
import { preprocessCorpusCase } from './corpus-cpp.js';
import { filesBelow, kernelSource } from './kernel-corpus.js';

interface Outcome {
  name: string;
  ok: boolean;
  why?: string;
}


function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** dtc's command-line flags of a manifest row, as our options. */
function parseFlags(flags: string, baseDir: string): { compile: Partial<CompileOptions>; write: WriteDtbOptions } {
  const compile: Partial<CompileOptions> = { includeDirs: [] };
  const write: WriteDtbOptions = {};
  const words = flags === '-' ? [] : flags.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const arg = () => words[++i]!;
    switch (w) {
      case '-@':
        compile.symbols = true;
        break;
      case '-H':
        compile.phandleFormat = arg() as PhandleFormat;
        break;
      case '-b':
        compile.bootCpuid = Number(arg());
        break;
      case '-p':
        write.padding = Number(arg());
        break;
      case '-S':
        write.minSize = Number(arg());
        break;
      case '-R':
        write.reserveSlots = Number(arg());
        break;
      case '-i':
        (compile.includeDirs as string[]).push(resolve(baseDir, arg()));
        break;
      default:
        throw new Error(`conformance: unknown flag ${w} in manifest`);
    }
  }
  return { compile, write };
}

/**
 * The host the CLI compiles with, fenced as if the corpus folder were the
 * repository checked out (it holds no .git): every case must compile under
 * the include policy exactly as dtc compiled it.
 */
function corpusHost(root: string, input: string, includeDirs: readonly string[]): FileHost {
  return fencedFileHost(includeFence([input], includeDirs, false, root));
}

function compileFile(path: string, text: string, compile: Partial<CompileOptions>, write: WriteDtbOptions, host: FileHost): Uint8Array | string {
  try {
    const result = compileDtsText(path, text, { host, ...compile });
    if (!result.tree) return result.diagnostics.map((d) => d.message).join('; ') || 'refused';
    return writeDtb(result.tree, write);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
}

function dtcTests(corpus: string): Outcome[] {
  const dir = join(corpus, 'dtc-tests');
  const outcomes: Outcome[] = [];
  for (const row of readManifest(join(dir, 'MANIFEST.tsv'))) {
    const name = row['case']!;
    const input = join(dir, row['input']!);
    const { compile, write } = parseFlags(row['flags']!, dir);
    const source = nodeFileHost.readBytes(input);
    const host = corpusHost(dir, input, compile.includeDirs ?? []);
    const got = source instanceof Uint8Array ? compileFile(input, bytesToLatin1(source), compile, write, host) : source.error;
    if (row['outcome'] === 'fatal') {
      outcomes.push(typeof got === 'string' ? { name, ok: true } : { name, ok: false, why: 'compiled, but dtc refuses it' });
    } else if (typeof got === 'string') {
      outcomes.push({ name, ok: false, why: `refused: ${got}` });
    } else {
      const same = sha256(got) === row['sha256'];
      outcomes.push(same ? { name, ok: true } : { name, ok: false, why: 'blob differs from dtc' });
    }
  }
  return outcomes;
}

/**
 * dtc's blobs → our reader and DTS writer (must equal dtc's decompilation) →
 * our compiler with the case's flags (must give the blob back).
 */
function roundTrips(corpus: string): { decompile: Outcome[]; roundTrip: Outcome[] } {
  const dir = join(corpus, 'dtc-tests');
  const decompile: Outcome[] = [];
  const roundTrip: Outcome[] = [];
  for (const row of readManifest(join(dir, 'MANIFEST.tsv'))) {
    if (row['outcome'] === 'fatal') continue;
    const name = row['case']!;
    const blobPath = join(dir, 'expected', `${name}.dtb`);
    if (!existsSync(blobPath)) continue;
    const blob = new Uint8Array(readFileSync(blobPath));
    let dts: string;
    try {
      const tree = readDtb(blob, blobPath);
      dts = writeDts(tree);
    } catch (err) {
      const why = err instanceof InputError ? err.message : String(err);
      decompile.push({ name, ok: false, why });
      roundTrip.push({ name, ok: false, why });
      continue;
    }
    const expectedDts = join(dir, 'expected', `${name}.dts`);
    if (existsSync(expectedDts)) {
      const same = readFileSync(expectedDts, 'latin1') === dts;
      decompile.push(same ? { name, ok: true } : { name, ok: false, why: 'DTS differs from dtc -O dts' });
    }
    // The blob's header options (-b, -p, -S, -R) are not in DTS: give them again.
    const { compile, write } = parseFlags(row['flags']!, dir);
    const again = compileFile(`${name}.dts`, dts, { ...compile, includeDirs: [] }, write, corpusHost(dir, blobPath, []));
    if (typeof again === 'string') roundTrip.push({ name, ok: false, why: `recompile refused: ${again}` });
    else roundTrip.push(sha256(again) === sha256(blob) ? { name, ok: true } : { name, ok: false, why: 'DTB → DTS → DTB differs' });
  }
  return { decompile, roundTrip };
}

function realBoards(corpus: string): Outcome[] {
  const dir = join(corpus, 'real', 'tf-a');
  const outcomes: Outcome[] = [];
  for (const row of readManifest(join(dir, 'MANIFEST.tsv'))) {
    const name = row['case']!;
    const input = join(dir, row['input']!);
    const includeDirs = row['include_dirs']!.split(/\s+/).map((d) => join(dir, d));
    const host = corpusHost(dir, input, includeDirs);
    const pre = preprocessCorpusCase(input, includeDirs, host);
    if (typeof pre !== 'string' && 'error' in pre) {
      outcomes.push({ name, ok: false, why: `preprocessor: ${pre.error}` });
      continue;
    }
    const text = typeof pre === 'string' ? pre : pre.text;
    const got = compileFile(input, text, { includeDirs: [] }, {}, host);
    if (row['outcome'] !== 'ok') {
      outcomes.push(typeof got === 'string' ? { name, ok: true } : { name, ok: false, why: 'compiled, but dtc refuses it' });
    } else if (typeof got === 'string') {
      outcomes.push({ name, ok: false, why: `refused: ${got}` });
    } else {
      outcomes.push(sha256(got) === row['sha256'] ? { name, ok: true } : { name, ok: false, why: 'blob differs from dtc' });
    }
  }
  return outcomes;
}

function kernelBoardOutcomes(dir: string): Outcome[] {
  const src = kernelSource(dir)!;
  const refDir = join(dir, 'ref', 'dtb');
  const prefixes = join(src, 'scripts', 'dtc', 'include-prefixes');
  const outcomes: Outcome[] = [];
  for (const board of filesBelow(join(src, 'arch', 'arm64', 'boot', 'dts'), '.dts')) {
    const input = join(src, 'arch', 'arm64', 'boot', 'dts', board);
    const expected = join(refDir, board.replace(/\.dts$/, '.dtb'));
    const host = corpusHost(src, input, [prefixes]);
    const pre = preprocessCorpusCase(input, [prefixes], host);
    if (typeof pre !== 'string' && 'error' in pre) {
      outcomes.push({ name: board, ok: false, why: `preprocessor: ${pre.error}` });
      continue;
    }
    const text = typeof pre === 'string' ? pre : pre.text;
    const got = compileFile(input, text, { includeDirs: [dirname(input), prefixes], bootCpuid: 0 }, {}, host);
    if (!existsSync(expected)) {
      outcomes.push(typeof got === 'string' ? { name: board, ok: true } : { name: board, ok: false, why: 'compiled, but dtc refuses it' });
    } else if (typeof got === 'string') {
      outcomes.push({ name: board, ok: false, why: `refused: ${got}` });
    } else {
      outcomes.push(sha256(got) === sha256(readFileSync(expected)) ? { name: board, ok: true } : { name: board, ok: false, why: 'blob differs from dtc' });
    }
  }
  return outcomes;
}

function knownFailures(): Set<string> {
  const path = new URL('../../scripts/known-failures.txt', import.meta.url);
  if (!existsSync(path)) return new Set();
  return new Set(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean),
  );
}

function report(title: string, outcomes: Outcome[], known: Set<string>): number {
  const failed = outcomes.filter((o) => !o.ok);
  console.log(`${title}: ${outcomes.length - failed.length} passed, ${failed.length} failed`);
  let unexpected = 0;
  for (const f of failed) {
    const key = `${title}/${f.name}`;
    const isKnown = known.has(key);
    if (!isKnown) unexpected++;
    console.log(`  FAIL ${f.name}: ${f.why ?? ''}${isKnown ? ' (known)' : ''}`);
  }
  return unexpected;
}

function main(): void {
  const kernelAt = process.argv.indexOf('--kernel');
  if (kernelAt >= 0) {
    const dir = resolve(process.argv[kernelAt + 1] ?? '../kernel-6.1');
    if (!kernelSource(dir) || !existsSync(join(dir, 'ref', 'dtb'))) {
      console.log(`conformance: no kernel corpus at ${dir} (make one with scripts/fetch-kernel-corpus.sh ${dir} --reference); skipped`);
      return;
    }
    if (report('kernel-arm64', kernelBoardOutcomes(dir), knownFailures()) > 0) process.exitCode = 1;
    return;
  }
  const corpus = resolve(process.argv[2] ?? '../shared/corpus');
  if (!existsSync(join(corpus, 'dtc-tests', 'MANIFEST.tsv'))) {
    console.log(`conformance: no corpus at ${corpus}; skipped`);
    return;
  }
  const known = knownFailures();
  let unexpected = 0;
  unexpected += report('dtc-tests', dtcTests(corpus), known);
  const { decompile, roundTrip } = roundTrips(corpus);
  unexpected += report('decompile', decompile, known);
  unexpected += report('round-trip', roundTrip, known);
  if (existsSync(join(corpus, 'real', 'tf-a', 'MANIFEST.tsv'))) unexpected += report('real', realBoards(corpus), known);
  if (unexpected > 0) {
    console.log(`conformance: ${unexpected} unexpected failure(s)`);
    process.exitCode = 1;
  }
}

main();
