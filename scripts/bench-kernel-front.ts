/**
 * `npm run bench -- --kernel DIR`, the compiler's half: Linux's real boards
 * through our front end next to `cpp | dtc`, on a corpus made by
 * scripts/fetch-kernel-corpus.sh DIR --reference.
 *
 * - The ten arm64 boards with the most nodes (counted in the reference
 *   blobs): `vmgenid-lint compile` against `cpp | dtc` (both preprocess), and
 *   `vmgenid-lint --all` (the core schemas) on the preprocessed source against
 *   `dtc` alone on it. Our blob is compared with dtc's byte for byte.
 * - Every arm64 board linted in one call (no bindings, the kernel's include
 *   folder) against `cpp | dtc` once per board in one shell loop, as
 *   `make dtbs` runs them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { filesBelow } from './kernel-corpus.js';
import { fmt, mib, quote, ratio, timeInTurns, type Run } from './bench-shell.js';

/** The number of nodes in a flattened tree (its FDT_BEGIN_NODE tokens). */
export function dtbNodeCount(blob: Uint8Array): number {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const start = view.getUint32(8);
  const end = start + view.getUint32(36);
  let nodes = 0;
  for (let at = start; at < end; ) {
    const token = view.getUint32(at);
    at += 4;
    if (token === 1) {
      nodes++;
      at = (blob.indexOf(0, at) + 4) & ~3;
    } else if (token === 3) {
      const length = view.getUint32(at);
      at += 8 + ((length + 3) & ~3);
    } else if (token === 9) break;
  }
  return nodes;
}

export interface FrontEndOptions {
  src: string;
  bin: string;
  work: string;
  env: NodeJS.ProcessEnv;
  rounds: number;
  /** Report a target: met or not, and why. */
  check(what: string, met: boolean, detail: string): void;
}

export function benchKernelFrontEnd(dir: string, o: FrontEndOptions): void {
  const { src, bin, work, env } = o;
  const dts = join(src, 'arch', 'arm64', 'boot', 'dts');
  const prefixes = join(src, 'scripts', 'dtc', 'include-prefixes');
  const node = quote(process.execPath);
  const boards = filesBelow(dts, '.dts');
  const cppLine = (board: string) => `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I ${quote(prefixes)} ${quote(join(dts, board))} 2>/dev/null`;
  const dtcFlags = (board: string) => `-q -I dts -O dtb -b 0 -i ${quote(dirname(join(dts, board)))} -i ${quote(prefixes)}`;
  // Ours runs in the kernel's folder: every file a board includes is inside the include fence.
  const ours = (args: string) => `cd ${quote(src)} && ${node} ${quote(bin)} ${args}`;

  const refDtb = join(dir, 'ref', 'dtb');
  if (existsSync(refDtb)) {
    const largest = boards
      .map((board) => ({ board, blob: join(refDtb, board.replace(/\.dts$/, '.dtb')) }))
      .filter((b) => existsSync(b.blob))
      .map((b) => ({ board: b.board, nodes: dtbNodeCount(readFileSync(b.blob)) }))
      .sort((a, b) => b.nodes - a.nodes || a.board.localeCompare(b.board))
      .slice(0, 10);
    console.log(`\n### The ten arm64 boards with the most nodes (median of ${o.rounds}, in turns)\n`);
    console.log('| board | nodes | cpp \\| dtc | vmgenid-lint compile | | dtc alone (preprocessed) | vmgenid-lint --all (preprocessed) | | blob |');
    console.log('|---|---:|---:|---:|---|---:|---:|---|---|');
    let compileMet = 0;
    let allMet = 0;
    const sums = { cppDtc: 0, compile: 0, dtc: 0, all: 0 };
    let peak = 0;
    for (const { board, nodes } of largest) {
      const pre = join(work, 'pre', board);
      mkdirSync(dirname(pre), { recursive: true });
      writeFileSync(pre, execFileSync('sh', ['-c', cppLine(board)], { maxBuffer: 1 << 28 }));
      const theirs = join(work, 'theirs.dtb');
      const mine = join(work, 'ours.dtb');
      const t: Record<'cppDtc' | 'compile' | 'dtc' | 'all', Run> = timeInTurns(
        {
          cppDtc: `${cppLine(board)} | dtc ${dtcFlags(board)} -o ${quote(theirs)} -`,
          compile: ours(`compile -I ${quote(prefixes)} -b 0 -o ${quote(mine)} ${quote(join(dts, board))}`),
          dtc: `dtc ${dtcFlags(board)} -o /dev/null ${quote(pre)}`,
          all: ours(`--no-config --all -q -f json -I ${quote(dirname(join(dts, board)))} ${quote(pre)} > /dev/null`),
        },
        o.rounds,
        env,
      );
      const same = readFileSync(theirs).equals(readFileSync(mine));
      for (const k of ['cppDtc', 'compile', 'dtc', 'all'] as const) sums[k] += t[k].ms;
      if (t.compile.ms <= t.cppDtc.ms) compileMet++;
      if (t.all.ms <= t.dtc.ms) allMet++;
      peak = Math.max(peak, t.all.mib ?? 0, t.compile.mib ?? 0);
      console.log(
        `| ${board} | ${nodes} | ${fmt(t.cppDtc.ms)} | ${fmt(t.compile.ms)} | ${ratio(t.compile.ms, t.cppDtc.ms)} | ${fmt(t.dtc.ms)} | ${fmt(t.all.ms)}, ${mib(t.all)} | ${ratio(t.all.ms, t.dtc.ms)} | ${same ? 'identical' : 'DIFFERS'} |`,
      );
    }
    o.check('the ten largest Linux boards: compile vs cpp | dtc', compileMet === largest.length, `${compileMet} of ${largest.length} no slower; all ten together ${ratio(sums.compile, sums.cppDtc)}`);
    o.check('the ten largest Linux boards: --all vs dtc alone (preprocessed)', allMet === largest.length, `${allMet} of ${largest.length} no slower; all ten together ${ratio(sums.all, sums.dtc)}; peak ${peak.toFixed(0)} MiB`);
  } else {
    console.log(`\n(no reference blobs in ${refDtb}: the largest boards are not timed)`);
  }

  const list = join(work, 'boards.txt');
  writeFileSync(list, boards.join('\n') + '\n');
  const loop =
    `cd ${quote(dts)} && while read b; do ` +
    `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I ${quote(prefixes)} "$b" 2>/dev/null | ` +
    `dtc -q -I dts -O dtb -b 0 -i "$(dirname "$b")" -i ${quote(prefixes)} -o ${quote(join(work, 'loop.dtb'))} - 2>/dev/null; ` +
    `done < ${quote(list)}`;
  const tree = timeInTurns(
    {
      loop,
      ours: ours(`--no-config -f json -I ${quote(prefixes)} ${quote(dts)} > /dev/null`),
    },
    Math.max(1, Math.ceil(o.rounds / 2)),
    env,
  );
  console.log(`\n### Every arm64 board (${boards.length}), no bindings\n`);
  console.log('| command | wall | peak memory |');
  console.log('|---|---:|---:|');
  console.log(`| cpp \\| dtc, once per board in one shell loop | ${fmt(tree.loop.ms)} | ${mib(tree.loop)} |`);
  console.log(`| vmgenid-lint -I include-prefixes, all boards in one call | ${fmt(tree.ours.ms)} | ${mib(tree.ours)} |`);
  o.check(`all ${boards.length} boards in one call vs cpp | dtc per board`, tree.loop.ms / tree.ours.ms >= 2, `${ratio(tree.ours.ms, tree.loop.ms)} (target ≥ 2× faster)`);
  o.check('all boards in one call, peak memory', (tree.ours.mib ?? Infinity) < 256, `${mib(tree.ours)} (target < 256 MiB)`);
}
