/**
 * A time-boxed fuzzing campaign over the CLI: seeded mutations of the
 * conformance corpus (../shared/corpus: dtc test sources and blobs, real
 * boards) and the project's fixtures and bindings, run through `run()` in a
 * worker thread. It stops at the first
 *   crash   — an exception escaping run() (exit 70), an exit code other than
 *             0/1/2, a stack trace or JavaScript error name in the output,
 *             exit 2 saying nothing, or an input file changed;
 *   hang    — run() taking more than 2 s for an input under 1 MiB (2 s per
 *             MiB above that), confirmed by a second run in a fresh worker;
 *   blow-up — the worker dying on its heap limit (ERR_WORKER_OUT_OF_MEMORY)
 *             or the process's resident memory passing a bound, confirmed
 *             the same way;
 * and saves the case (its files, stdin, command line) to a folder it names,
 * exiting 1. Exit 0 when the time runs out with nothing found.
 *
 * Usage: node dist/scripts/fuzz.js [--seconds N] [--seed S] [--kinds K,K…]
 *          [--out DIR] [--case I] [--heap-mb N] [--rss-mb N]
 *   --seconds  how long to run (default 60)
 *   --seed     the campaign's seed (default: from the clock; printed)
 *   --kinds    dtb, dts, cpp, compile, yaml, folder, args (default: all, in turn)
 *   --out      where a failing case is saved (default: $TMPDIR/vmgenid-lint-fuzz)
 *   --case     run only case I of the seed, and say what it did (replay)
 *   --heap-mb  the worker's old-generation heap limit (default 512)
 *   --rss-mb   the resident-memory bound (default 2048)
 * Case I of a seed is the same whatever the other options, so a failure is
 * replayed with `--seed S --case I`.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ALL_KINDS, type Case, type Kind } from './fuzz/case.js';
import { makeCase } from './fuzz/cases.js';
import { loadCorpus, SHARED_CORPUS } from './fuzz/corpus.js';
import { caseRng, commandLine, saveFailure, type Outcome } from './fuzz/run.js';
import type { FromWorker, ToWorker } from './fuzz/worker.js';

const MIB = 1 << 20;
const WORKER_FILE = fileURLToPath(new URL('./fuzz/worker.js', import.meta.url));

interface Options {
  seconds: number;
  seed: number;
  kinds: Kind[];
  out: string;
  only: number | null;
  heapMb: number;
  rssMb: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 60, seed: Date.now() % 0x100000000 >>> 0, kinds: [...ALL_KINDS], out: join(tmpdir(), 'vmgenid-lint-fuzz'), only: null, heapMb: 512, rssMb: 2048 };
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${name} needs a number, not ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--seconds':
        o.seconds = num(flag, value());
        break;
      case '--seed':
        o.seed = num(flag, value()) >>> 0;
        break;
      case '--kinds': {
        const ks = (value() ?? '').split(',').filter(Boolean);
        for (const k of ks) if (!(ALL_KINDS as readonly string[]).includes(k)) throw new Error(`unknown kind ${k} (one of ${ALL_KINDS.join(', ')})`);
        if (ks.length === 0) throw new Error('--kinds needs a list');
        o.kinds = ks as Kind[];
        break;
      }
      case '--out':
        o.out = resolve(value() ?? '');
        break;
      case '--case':
        o.only = num(flag, value());
        break;
      case '--heap-mb':
        o.heapMb = num(flag, value());
        break;
      case '--rss-mb':
        o.rssMb = num(flag, value());
        break;
      default:
        throw new Error(`unknown option ${a} (usage: fuzz [--seconds N] [--seed S] [--kinds K,K…] [--out DIR] [--case I] [--heap-mb N] [--rss-mb N])`);
    }
  }
  return o;
}

/** The time a case may take: 2 s, and 2 s per MiB of input above 1 MiB. */
export function budgetMs(c: Case): number {
  let size = c.stdin?.length ?? 0;
  for (const data of Object.values(c.files)) size += data.length;
  return Math.max(2000, Math.ceil((2000 * size) / MIB));
}

type Verdict = { kind: 'ok'; outcome: Outcome } | { kind: 'crash' | 'hang' | 'blow-up'; detail: string; outcome?: Outcome };

/** A worker thread that runs cases one at a time, under a watchdog and a memory bound. */
class Runner {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private pending: ((v: Verdict) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private poll: NodeJS.Timeout | null = null;
  private current: { index: number; budget: number; started: number } | null = null;
  peakRss = 0;

  constructor(private readonly heapMb: number, private readonly rssMb: number) {}

  private start(): Promise<void> {
    const worker = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb }, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    this.ready = new Promise<void>((resolveReady, rejectReady) => {
      const startup = setTimeout(() => rejectReady(new Error('the worker did not start within 120 s')), 120_000);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          clearTimeout(startup);
          resolveReady();
        } else if (m.type === 'started' && this.current?.index === m.index) {
          this.current.started = Date.now();
          this.timer = setTimeout(() => this.settle({ kind: 'hang', detail: `no result after ${this.current!.budget} ms (budget for this input size)` }, true), this.current.budget);
        } else if (m.type === 'done' && this.current?.index === m.index) {
          const o = m.outcome;
          if (o.problem) this.settle({ kind: 'crash', detail: o.problem, outcome: o }, false);
          else if (o.ms > this.current.budget) this.settle({ kind: 'hang', detail: `took ${o.ms} ms (budget ${this.current.budget} ms)`, outcome: o }, false);
          else this.settle({ kind: 'ok', outcome: o }, false);
        }
      });
      worker.on('error', (err: Error & { code?: string }) => {
        clearTimeout(startup);
        rejectReady(err);
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') this.settle({ kind: 'blow-up', detail: `the worker ran out of heap (limit ${this.heapMb} MiB old generation): ${err.message}` }, true);
        else this.settle({ kind: 'crash', detail: `the worker died: ${err.stack ?? err.message}` }, true);
      });
      worker.on('exit', (code) => {
        clearTimeout(startup);
        if (this.worker === worker) {
          this.worker = null;
          this.settle({ kind: 'crash', detail: `the worker exited (code ${code})` }, false);
        }
      });
    });
    return this.ready;
  }

  private settle(v: Verdict, kill: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.poll) clearInterval(this.poll);
    this.timer = this.poll = null;
    const p = this.pending;
    this.pending = null;
    this.current = null;
    if (kill || v.kind !== 'ok') this.stop();
    p?.(v);
  }

  stop(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }

  async run(index: number, c: Case): Promise<Verdict> {
    if (!this.worker) await this.start();
    else await this.ready;
    return new Promise<Verdict>((resolveRun) => {
      this.pending = resolveRun;
      this.current = { index, budget: budgetMs(c), started: Date.now() };
      this.poll = setInterval(() => {
        const rss = process.memoryUsage.rss();
        if (rss > this.peakRss) this.peakRss = rss;
        if (rss > this.rssMb * MIB) this.settle({ kind: 'blow-up', detail: `resident memory ${Math.round(rss / MIB)} MiB passed the bound of ${this.rssMb} MiB` }, true);
      }, 50);
      this.worker!.postMessage({ type: 'case', index, c } satisfies ToWorker);
    });
  }
}

const USAGE = `usage: npm run fuzz -- [--seconds N] [--seed S] [--kinds K,K…] [--out DIR] [--case I] [--heap-mb N] [--rss-mb N]

Mutates the project's fixtures and bindings (and ../shared/corpus when present) and runs the CLI on
each case in a worker thread; it stops at the first crash, hang or memory blow-up, saves the case and
exits 1 (0 when the time runs out with nothing found). Replay a case with --seed S --case I.
  --seconds N   how long to run (default 60)
  --seed S      the campaign's seed (default: from the clock; printed)
  --kinds K,…   ${ALL_KINDS.join(', ')} (default: all, in turn)
  --out DIR     where a failing case is saved (default: $TMPDIR/vmgenid-lint-fuzz)
  --case I      run only case I of the seed, and say what it did
  --heap-mb N   the worker's old-generation heap limit (default 512)
  --rss-mb N    the resident-memory bound (default 2048)`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const o = parseArgs(argv);
  if (!existsSync(SHARED_CORPUS)) console.log(`fuzz: no conformance corpus at ${SHARED_CORPUS}; mutating the project's fixtures and bindings only`);
  const corpus = await loadCorpus({ wide: true });
  console.log(
    `fuzz: seed ${o.seed}, ${o.only !== null ? `case ${o.only}` : `${o.seconds} s`}, kinds ${o.kinds.join(',')}; corpus ${corpus.dts.length} sources (${corpus.cpp.length} preprocessed), ${corpus.dtbs.length} blobs, ${corpus.yaml.length} bindings`,
  );
  const runner = new Runner(o.heapMb, o.rssMb);
  const perKind = new Map<Kind, number>(o.kinds.map((k) => [k, 0]));
  const counts = () => [...perKind].map(([k, n]) => `${k} ${n}`).join(', ');
  const started = Date.now();
  let lastReport = started;
  let cases = 0;
  let slowOnce = 0;
  let maxMs = 0;
  const caseOf = (i: number): Case => makeCase(o.kinds[i % o.kinds.length]!, caseRng(o.seed, i), corpus);
  const deadline = started + o.seconds * 1000;
  try {
    for (let i = o.only ?? 0; o.only !== null ? i === o.only : Date.now() < deadline; i++) {
      const c = caseOf(i);
      let v = await runner.run(i, c);
      if (v.kind === 'hang' || v.kind === 'blow-up') {
        // The machine may have been busy: a hang or blow-up counts only if a fresh worker repeats it.
        const again = await runner.run(i, c);
        if (again.kind === 'ok') {
          slowOnce++;
          console.log(`fuzz: case ${i} (${c.kind}) ${v.kind} once (${v.detail}) but not on a second run; going on`);
          v = again;
        } else v = again;
      }
      cases++;
      perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
      if (v.kind === 'ok') maxMs = Math.max(maxMs, v.outcome.ms);
      if (o.only !== null) console.log(`case ${i} (${c.kind}): ${c.what.slice(0, 300)}\n  ${commandLine(c).slice(0, 500)}\n  ${v.kind === 'ok' ? `ok, exit ${v.outcome.code}, ${v.outcome.ms} ms` : `${v.kind}: ${v.detail}`}`);
      if (v.kind !== 'ok') {
        const dir = saveFailure(o.out, o.seed, i, c, `${v.kind}: ${v.detail}`, v.outcome ?? {});
        console.log(`fuzz: ${v.kind.toUpperCase()} in case ${i} (${c.kind}): ${v.detail.split('\n').slice(0, 4).join(' | ').slice(0, 600)}`);
        console.log(`fuzz: what: ${c.what.slice(0, 300)}`);
        console.log(`fuzz: saved to ${dir} (replay: --seed ${o.seed} --case ${i})`);
        console.log(`fuzz: summary: seed ${o.seed}, ${((Date.now() - started) / 1000).toFixed(0)} s, ${cases} cases (${counts()}), FAILED: ${v.kind} in case ${i}`);
        return 1;
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        console.log(`fuzz: ${((lastReport - started) / 1000).toFixed(0)} s, ${cases} cases (${counts()})`);
      }
    }
  } finally {
    runner.stop();
  }
  console.log(
    `fuzz: summary: seed ${o.seed}, ${((Date.now() - started) / 1000).toFixed(0)} s, ${cases} cases (${counts()}), no failure; slowest case ${maxMs} ms, ${slowOnce} slow once but not twice, peak RSS ${Math.round(runner.peakRss / MIB)} MiB`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`fuzz: ${(err as Error)?.message ?? String(err)}`);
      process.exitCode = 2;
    },
  );
}
