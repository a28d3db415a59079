/**
 * `npm run bench`: how fast we are next to the reference tools, measured in
 * one script on the same inputs and reported as ratios (never as a timed
 * unit test). Inputs: the 57 real boards of ../shared/corpus/real/tf-a (or
 * the bundled example when the corpus is absent).
 *
 * - compile: our compiler in-process on every board vs `cpp | dtc` per board
 *   (and vs `dtc` alone on the preprocessed text, the fairer comparison);
 * - lint: `vmgenid-lint --all` on the blobs vs `dt-validate` with the same
 *   bindings, one process each, as a user runs them.
 * A tool that is not installed is skipped with a message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { preprocess } from '../src/cpp/index.js';
import { compileDtsText } from '../src/compiler.js';
import { writeDtb } from '../src/dtb/write.js';
import { bytesToLatin1, nodeFileHost } from '../src/source/host.js';

interface Board {
  name: string;
  input: string;
  includeDirs: string[];
}

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = join(root, 'bin', 'vmgenid-lint.js');

function boards(corpus: string): Board[] {
  const dir = join(corpus, 'real', 'tf-a');
  const manifest = join(dir, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return [{ name: 'example', input: join(root, 'fixtures/example/board.dts'), includeDirs: [] }];
  const [header, ...rows] = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
  const cols = header!.split('\t');
  return rows
    .map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i]!, v])))
    .filter((r) => r['outcome'] === 'ok')
    .map((r) => ({ name: r['case']!, input: join(dir, r['input']!), includeDirs: r['include_dirs']!.split(/\s+/).map((d) => join(dir, d)) }));
}

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Best of `rounds` timings of `fn`, in milliseconds (the minimum is the least noisy estimate). */
function best(rounds: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

function ratio(ours: number, theirs: number): string {
  return ours <= theirs ? `${(theirs / ours).toFixed(2)}x faster` : `${(ours / theirs).toFixed(2)}x slower`;
}

function main(): void {
  const corpus = resolve(process.argv[2] ?? join(root, '../shared/corpus'));
  const list = boards(corpus);
  const work = mkdtempSync(join(tmpdir(), 'vmgenid-bench-'));
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  console.log(`bench: ${list.length} board(s), best of ${rounds} rounds`);

  // Preprocessed texts, for the dtc-only comparison and for our compiler alone.
  const pre = list.map((b) => {
    const text = bytesToLatin1(readFileSync(b.input));
    const out = preprocess(b.input, text, { host: nodeFileHost, includeDirs: b.includeDirs });
    const path = join(work, `${b.name}.pp.dts`);
    writeFileSync(path, out.output, 'latin1');
    return { ...b, text, pp: out.output, ppPath: path, dtb: join(work, `${b.name}.dtb`) };
  });

  const oursCpp = best(rounds, () => {
    for (const b of pre) preprocess(b.input, b.text, { host: nodeFileHost, includeDirs: b.includeDirs });
  });
  const oursCompile = best(rounds, () => {
    for (const b of pre) {
      const r = compileDtsText(b.input, b.pp, { host: nodeFileHost });
      if (r.tree) writeFileSync(b.dtb, writeDtb(r.tree));
    }
  });
  console.log(`ours (in-process): preprocess ${oursCpp.toFixed(1)} ms, compile+write ${oursCompile.toFixed(1)} ms`);
  if (has('dtc')) {
    const dtcOnly = best(rounds, () => {
      for (const b of pre) execFileSync('dtc', ['-q', '-f', '-O', 'dtb', '-o', join(work, 'dtc.dtb'), b.ppPath], { stdio: 'ignore' });
    });
    console.log(`dtc (a process per board) ${dtcOnly.toFixed(1)} ms: our compiler is ${ratio(oursCompile, dtcOnly)}`);
    if (has('cpp')) {
      const cppDtc = best(rounds, () => {
        for (const b of pre) {
          const args = ['-nostdinc', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', ...b.includeDirs.flatMap((d) => ['-I', d]), b.input];
          const text = execFileSync('cpp', args, { stdio: ['ignore', 'pipe', 'ignore'] });
          execFileSync('dtc', ['-q', '-f', '-O', 'dtb', '-o', join(work, 'dtc.dtb')], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
        }
      });
      console.log(`cpp | dtc ${cppDtc.toFixed(1)} ms: our preprocessor + compiler are ${ratio(oursCpp + oursCompile, cppDtc)}`);
    }
  } else {
    console.log('dtc: not installed (apt-get install device-tree-compiler); compile comparison skipped');
  }

  // Lint: whole runs as a user makes them, all blobs in one invocation each.
  const blobs = pre.map((b) => b.dtb).filter((p) => existsSync(p));
  const oursLint = best(rounds, () => {
    spawnSync(process.execPath, [bin, '--all', '-q', ...blobs], { stdio: 'ignore' });
  });
  console.log(`vmgenid-lint --all on ${blobs.length} blobs (one process): ${oursLint.toFixed(1)} ms`);
  if (has('dt-validate') && has('dt-mk-schema')) {
    const bindings = join(work, 'bindings', 'rng');
    mkdirSync(bindings, { recursive: true });
    for (const f of readdirSync(join(root, 'schemas/rng'))) copyFileSync(join(root, 'schemas/rng', f), join(bindings, f));
    const schema = join(work, 'processed-schema.json');
    writeFileSync(schema, execFileSync('dt-mk-schema', ['-j', join(work, 'bindings')], { stdio: ['ignore', 'pipe', 'ignore'] }));
    const theirs = best(rounds, () => {
      spawnSync('dt-validate', ['-s', schema, ...blobs], { stdio: 'ignore' });
    });
    console.log(`dt-validate on the same blobs (one process): ${theirs.toFixed(1)} ms: vmgenid-lint is ${ratio(oursLint, theirs)}`);
  } else {
    console.log('dt-validate: not installed (apt-get install dt-schema); lint comparison skipped');
  }
}

main();
