/**
 * The fuzzer: seeded cases of many kinds (mutated blobs, sources, bindings,
 * hostile schemas, live folders, command lines, outputs, signals, closed
 * pipes), run through the CLI's run() in worker threads — or as child
 * processes where a case needs one — and judged by detectors (scripts/fuzz/
 * judge.ts, snapshot.ts). See USAGE below and RELIABILITY.md.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_KINDS, DEFAULT_KINDS, KIND_INFO, ROOT, type Kind } from './fuzz/case.js';
import { makeCase } from './fuzz/cases.js';
import { loadCorpus, SHARED_CORPUS } from './fuzz/corpus.js';
import { haveGnuTools } from './fuzz/cpp-diff.js';
import { runPool, type Found, type Progress } from './fuzz/pool.js';
import { caseRng, commandLine, saveFailure } from './fuzz/run.js';

const MIB = 1 << 20;

export const USAGE = `usage: npm run fuzz -- [options]

Runs seeded cases of the kinds below through the CLI and stops at the first failure (exit 1; 0 when
the time or the count runs out with nothing found). A failure is
  crash:   exit 70 or a code outside 0/1/2/130/143, a stack frame or JavaScript error name in the
           output, exit 2 saying nothing, raw ESC/CR/NUL in a report, a report larger than
           1 MiB + 64 bytes per input byte, an input changed, a leftover (temporary) file, an output
           whose type or mode changed, a wrong exit code where the right one is known;
  hang:    a case over its budget (2 s, 2 s per MiB of input above 1 MiB; 8 s for a child process),
           confirmed by running it again alone in a fresh worker;
  blow-up: a worker out of heap, or resident memory over the bound, confirmed the same way.
The failing case is saved (files, stdin, command line, README) in DIR/KIND-SEED-INDEX.
Inputs: the project's fixtures, bindings and generators, and ../shared/corpus when it is there.

options:
  --seconds N     stop after N seconds (default 60, or no limit with --cases)
  --cases N       stop after N cases
  --seed S        the campaign's seed (default: from the clock; printed)
  --kinds K,…     the kinds to run (default: ${DEFAULT_KINDS.join(',')}); "all" for every kind
  --case I        run only case I of the seed, say what it is and what happened (replay)
  --out DIR       where failing cases are saved (default: $TMPDIR/vmgenid-lint-fuzz)
  --keep-going    do not stop at the first failure: save one case per distinct failure, list them
  --workers N     worker threads (default: the number of CPUs, at most 2)
  --batch N       cases per message to a worker (default 50)
  --no-corpus     use the project's own inputs even when ../shared is there
  --cli FILE      the CLI module to test (default: dist/src/cli/main.js of this checkout; child
                  processes then run process.js beside it rather than bin/vmgenid-lint.js)
  --heap-mb N     a worker's old-generation heap limit (default 512)
  --rss-mb N      the process's resident-memory bound (default 3072)
  --child-rss-mb N  a child process's resident-memory bound (default 1024)
  -h, --help      this text

kinds (the share is how many of each cycle of cases a kind gets):
${ALL_KINDS.map((k) => `  ${k.padEnd(9)} ${String(KIND_INFO[k].share).padStart(2)}  ${KIND_INFO[k].about}`).join('\n')}
Case I of a seed is the same whatever --workers, --batch, --seconds or --cases: replay a failure with
--seed S --kinds (the same) --case I.`;

export interface Options {
  seconds: number | null;
  cases: number | null;
  seed: number;
  kinds: Kind[];
  only: number | null;
  out: string;
  keepGoing: boolean;
  workers: number;
  batch: number;
  noCorpus: boolean;
  cli: string | null;
  heapMb: number;
  rssMb: number;
  childRssMb: number;
}

export function parseArgs(argv: string[]): Options {
  const o: Options = {
    seconds: null,
    cases: null,
    seed: Date.now() % 0x100000000 >>> 0,
    kinds: [...DEFAULT_KINDS],
    only: null,
    out: join(tmpdir(), 'vmgenid-lint-fuzz'),
    keepGoing: false,
    workers: Math.max(1, Math.min(2, availableParallelism())),
    batch: 50,
    noCorpus: false,
    cli: null,
    heapMb: 512,
    rssMb: 3072,
    childRssMb: 1024,
  };
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
      case '--cases':
        o.cases = Math.floor(num(flag, value()));
        break;
      case '--seed':
        o.seed = num(flag, value()) >>> 0;
        break;
      case '--kinds': {
        const v = value() ?? '';
        const ks = v === 'all' ? [...ALL_KINDS] : v === 'default' ? [...DEFAULT_KINDS] : v.split(',').filter(Boolean);
        for (const k of ks) if (!(ALL_KINDS as string[]).includes(k)) throw new Error(`unknown kind ${k} (one of ${ALL_KINDS.join(', ')}, or all)`);
        if (ks.length === 0) throw new Error('--kinds needs a list');
        o.kinds = ks as Kind[];
        break;
      }
      case '--case':
        o.only = Math.floor(num(flag, value()));
        break;
      case '--out':
        o.out = resolve(value() ?? '');
        break;
      case '--keep-going':
        o.keepGoing = true;
        break;
      case '--workers':
        o.workers = Math.max(1, Math.floor(num(flag, value())));
        break;
      case '--batch':
        o.batch = Math.max(1, Math.floor(num(flag, value())));
        break;
      case '--no-corpus':
        o.noCorpus = true;
        break;
      case '--cli':
        o.cli = resolve(value() ?? '');
        break;
      case '--heap-mb':
        o.heapMb = num(flag, value());
        break;
      case '--rss-mb':
        o.rssMb = num(flag, value());
        break;
      case '--child-rss-mb':
        o.childRssMb = num(flag, value());
        break;
      default:
        throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  if (o.seconds === null && o.cases === null) o.seconds = 60;
  return o;
}

/** The cycle of kinds: each kind as many times as its share, interleaved so a short run meets every kind. */
export function scheduleOf(kinds: readonly Kind[]): Kind[] {
  const left = new Map(kinds.map((k) => [k, KIND_INFO[k].share as number]));
  const out: Kind[] = [];
  while ([...left.values()].some((n) => n > 0)) {
    for (const k of kinds) {
      const n = left.get(k)!;
      if (n > 0) {
        out.push(k);
        left.set(k, n - 1);
      }
    }
  }
  return out;
}

/** A failure's shape without its numbers, so --keep-going keeps one case of each. */
function signature(f: Found): string {
  return `${f.kind} ${f.failure} ${(f.outcome.problem ?? '').split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 120)}`;
}

function rate(cases: number, ms: number): string {
  return ms > 0 ? `${Math.round((cases * 1000) / ms)}/s` : '-';
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const o = parseArgs(argv);
  if (o.kinds.includes('cpp-diff') && !haveGnuTools()) throw new Error('the cpp-diff kind needs GNU cpp and dtc on PATH');
  if (!o.noCorpus && !existsSync(SHARED_CORPUS)) console.log(`fuzz: no conformance corpus at ${SHARED_CORPUS}; seeding from the project's fixtures, bindings and generators`);
  const corpus = await loadCorpus({ wide: true, noCorpus: o.noCorpus });
  const schedule = scheduleOf(o.kinds);
  const cli = o.cli ?? join(ROOT, 'dist/src/cli/main.js');
  if (!existsSync(cli)) throw new Error(`no CLI module at ${cli}`);
  const limit = o.only !== null ? 'one case' : [o.seconds !== null ? `${o.seconds} s` : '', o.cases !== null ? `${o.cases} cases` : ''].filter(Boolean).join(' or ');
  console.log(
    `fuzz: seed ${o.seed}, ${limit}, ${o.workers} worker${o.workers === 1 ? '' : 's'}, kinds ${o.kinds.join(',')}${o.cli ? `, CLI ${cli}` : ''}; corpus ${corpus.dts.length} sources (${corpus.cpp.length} preprocessed), ${corpus.dtbs.length} blobs, ${corpus.yaml.length} bindings`,
  );
  const started = Date.now();
  const deadline = o.seconds !== null ? started + o.seconds * 1000 : Infinity;
  let nextIndex = o.only ?? 0;
  const end = o.only !== null ? o.only + 1 : o.cases ?? Infinity;
  const next = (n: number): number[] => {
    if (Date.now() >= deadline) return [];
    const out: number[] = [];
    while (out.length < n && nextIndex < end) out.push(nextIndex++);
    return out;
  };
  const found: Found[] = [];
  const seen = new Map<string, number>();
  const onFound = (f: Found): boolean => {
    const sig = signature(f);
    seen.set(sig, (seen.get(sig) ?? 0) + 1);
    if (seen.get(sig)! > 1) return true;
    found.push(f);
    const c = f.index >= 0 ? makeCase(f.kind, caseRng(o.seed, f.index), corpus) : null;
    const dir = c ? saveFailure(o.out, o.seed, f.index, c, `${f.failure}: ${f.outcome.problem}`, f.outcome) : '(no case)';
    console.log(`fuzz: ${f.failure.toUpperCase()} in case ${f.index} (${f.kind}): ${f.outcome.problem.split('\n').slice(0, 4).join(' | ').slice(0, 600)}`);
    if (c) console.log(`fuzz:   what: ${c.what.slice(0, 300)}\nfuzz:   saved to ${dir} (replay: --seed ${o.seed} --kinds ${o.kinds.join(',')} --case ${f.index})`);
    return o.keepGoing;
  };
  const progress: Progress = { stats: new Map(), slowOnce: [], peakRss: 0 };
  const total = () => [...progress.stats.values()].reduce((n, s) => n + s.cases, 0);
  const ticker = setInterval(() => {
    const n = total();
    console.log(`fuzz: ${((Date.now() - started) / 1000).toFixed(0)} s, ${n} cases (${rate(n, Date.now() - started)}), ${found.length} failure${found.length === 1 ? '' : 's'}`);
  }, 30_000);
  const setup = { cli, cliGiven: o.cli !== null, seed: o.seed, schedule, noCorpus: o.noCorpus, childRssMb: o.childRssMb };
  try {
    await runPool(setup, { workers: o.only !== null ? 1 : o.workers, heapMb: o.heapMb, rssMb: o.rssMb, batch: o.batch }, next, onFound, progress);
  } finally {
    clearInterval(ticker);
  }
  const seconds = (Date.now() - started) / 1000;
  if (o.only !== null) {
    const c = makeCase(schedule[o.only % schedule.length]!, caseRng(o.seed, o.only), corpus);
    console.log(`case ${o.only} (${c.kind}, run ${c.mode ?? 'in-process'}): ${c.what.slice(0, 300)}\n  ${commandLine(c).slice(0, 500)}\n  ${found.length === 0 ? `ok, ${progress.stats.get(c.kind)?.maxMs ?? 0} ms` : `${found[0]!.failure}: ${found[0]!.outcome.problem}`}`);
  }
  const n = total();
  console.log(`fuzz: by kind: cases; per second of one worker's time; per CPU-second of the process${o.workers > 1 ? ' (both workers\' CPU: exact with --workers 1)' : ''}; slowest case`);
  for (const [k, s] of [...progress.stats].sort((a, b) => b[1].cases - a[1].cases)) {
    console.log(`fuzz:   ${k.padEnd(9)} ${String(s.cases).padStart(9)}  ${rate(s.cases, s.ms).padStart(7)}  ${rate(s.cases, s.cpuMs).padStart(7)}  slowest ${s.maxMs} ms (case ${s.maxIndex})`);
  }
  for (const line of progress.slowOnce) console.log(`fuzz: ${line}`);
  const duplicates = [...seen.values()].reduce((a, b) => a + b, 0) - found.length;
  const verdict = found.length === 0 ? 'no failure' : `FAILED: ${found.length} distinct failure${found.length === 1 ? '' : 's'}${duplicates > 0 ? ` (and ${duplicates} more cases failing the same way)` : ''}`;
  console.log(`fuzz: summary: seed ${o.seed}, ${seconds.toFixed(0)} s, ${n} cases (${rate(n, seconds * 1000)} on ${o.workers} worker${o.workers === 1 ? '' : 's'}), ${verdict}; peak RSS ${Math.round(progress.peakRss / MIB)} MiB`);
  return found.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Workers blocked in a system call (a FIFO nobody writes) would keep the process alive.
      process.exit(code);
    },
    (err: unknown) => {
      console.error(`fuzz: ${(err as Error)?.message ?? String(err)}`);
      process.exit(2);
    },
  );
}
