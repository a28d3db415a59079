/**
 * Robustness fuzzer for the CLI: seeded mutations of real inputs (blobs,
 * sources, bindings, /proc/device-tree-style folders, command lines) run
 * through `run()` in a worker thread, with a 10 s watchdog. A run fails when
 * it throws (exit 70 in the real process), exits with a code other than
 * 0/1/2, prints a stack frame or a JavaScript error name, exits 2 saying
 * nothing, changes one of its input files, or does not finish in time.
 *
 * Usage: node dist/scripts/robustness-fuzz.js SEED COUNT [KIND…] [--out DIR]
 * KIND is dtb, dts, yaml, folder or args (default: all, in turn).
 * Failing cases are kept in DIR (default ./robustness-fuzz-failures), one
 * folder each, with the files and the command line that reproduce them.
 *
 * The case generators and the runner live in scripts/fuzz/, shared with
 * scripts/fuzz.ts (`npm run fuzz`: a time-boxed campaign over more inputs
 * that stops at the first failure).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Case, Kind } from './fuzz/case.js';
import { makeCase } from './fuzz/cases.js';
import { loadCorpus } from './fuzz/corpus.js';
import { caseRng, runCase, saveFailure, type Outcome } from './fuzz/run.js';

export { buildFdt } from './fuzz/dtb.js';
export { judge } from './fuzz/run.js';
export { makeCase };

const TIMEOUT_MS = 10_000;
export const KINDS: readonly Kind[] = ['dtb', 'dts', 'yaml', 'folder', 'args'];

interface WorkerJob {
  seed: number;
  from: number;
  count: number;
  kinds: Kind[];
}

type WorkerMessage = { type: 'start'; index: number; kind: Kind; what: string } | { type: 'done'; index: number; kind: Kind; what: string; outcome: Outcome; c: Case };

async function workerMain(job: WorkerJob): Promise<void> {
  const { run } = await import('../src/cli/main.js');
  const corpus = await loadCorpus();
  for (let i = job.from; i < job.count; i++) {
    const kind = job.kinds[i % job.kinds.length]!;
    const c = makeCase(kind, caseRng(job.seed, i), corpus);
    parentPort!.postMessage({ type: 'start', index: i, kind, what: c.what } satisfies WorkerMessage);
    const outcome = await runCase(c, run);
    parentPort!.postMessage({ type: 'done', index: i, kind, what: c.what, outcome: { ...outcome, stdout: outcome.problem ? outcome.stdout : '', stderr: outcome.problem ? outcome.stderr : '' }, c: outcome.problem ? c : { ...c, files: {} } } satisfies WorkerMessage);
  }
}

async function main(argv: string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  const outDir = resolve(outIdx >= 0 ? argv[outIdx + 1]! : 'robustness-fuzz-failures');
  const rest = outIdx >= 0 ? [...argv.slice(0, outIdx), ...argv.slice(outIdx + 2)] : argv;
  const seed = Number(rest[0] ?? 1);
  const count = Number(rest[1] ?? 100);
  const kinds = (rest.slice(2).length > 0 ? rest.slice(2) : [...KINDS]) as Kind[];
  for (const k of kinds) if (!KINDS.includes(k)) throw new Error(`unknown kind ${k} (one of ${KINDS.join(', ')})`);
  const corpus = await loadCorpus();
  const perKind = new Map<Kind, number>();
  const failures: string[] = [];
  let next = 0;
  const started = Date.now();
  while (next < count) {
    let current: { index: number; kind: Kind; what: string } | null = null;
    next = await new Promise<number>((resolveNext) => {
      const worker = new Worker(fileURLToPath(import.meta.url), {
        workerData: { seed, from: next, count, kinds } satisfies WorkerJob,
        resourceLimits: { maxOldGenerationSizeMb: 3072 },
        stdout: true,
        stderr: true,
      });
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          const c = current!;
          failures.push(`${c.kind} #${c.index}: timeout (> ${TIMEOUT_MS / 1000} s): ${c.what}`);
          perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
          saveFailure(outDir, seed, c.index, makeCase(c.kind, caseRng(seed, c.index), corpus), 'timeout', {});
          void worker.terminate();
          resolveNext(c.index + 1);
        }, TIMEOUT_MS);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'start') {
          current = m;
          arm();
          return;
        }
        if (timer) clearTimeout(timer);
        perKind.set(m.kind, (perKind.get(m.kind) ?? 0) + 1);
        if (m.outcome.problem) {
          failures.push(`${m.kind} #${m.index}: ${m.outcome.problem.split('\n').slice(0, 3).join(' | ')} :: ${m.what.slice(0, 200)} :: ${m.c.argv.join(' ').slice(0, 200)}`);
          saveFailure(outDir, seed, m.index, m.c, m.outcome.problem, m.outcome);
        }
        if ((m.index + 1) % 100 === 0) process.stderr.write(`${m.index + 1}/${count} (${((Date.now() - started) / 1000).toFixed(0)} s, ${failures.length} failures)\n`);
      });
      worker.on('error', (err) => {
        if (timer) clearTimeout(timer);
        const c = current;
        failures.push(`${c?.kind} #${c?.index}: worker crashed: ${err.message} :: ${c?.what}`);
        resolveNext((c?.index ?? next) + 1);
      });
      worker.on('exit', (code) => {
        if (timer) clearTimeout(timer);
        if (code !== 0 && current && !failures.some((f) => f.startsWith(`${current!.kind} #${current!.index}:`))) {
          failures.push(`${current.kind} #${current.index}: worker exited ${code} :: ${current.what}`);
        }
        resolveNext(current ? current.index + 1 : count);
      });
    });
  }
  for (const f of failures) console.log(f);
  console.log(`${count} runs (${[...perKind].map(([k, n]) => `${k} ${n}`).join(', ')}), ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failures.length > 0 ? 1 : 0;
}

if (isMainThread) {
  if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (err) => {
        console.error(err);
        process.exitCode = 2;
      },
    );
  }
} else {
  await workerMain(workerData as WorkerJob);
}

