/**
 * `npm run bench -- --kernel DIR`: vmgenid-lint at kernel scale next to the
 * kernel's own flow, on a corpus made by scripts/fetch-kernel-corpus.sh DIR
 * --reference (the processed schema of dt-mk-schema is made there, once).
 *
 * The kernel's `make dtbs_check` runs dt-mk-schema once, then for each board
 * cpp, dtc and dt-validate. dt-validate takes ~10 s a board, so the flow is
 * timed on a sample of boards spread over the vendors (--sample N, default
 * 6) and scaled to all of them, and the report says so. Ours lints every
 * board in one call with every binding: cold (an empty cache folder) and
 * warm. One board: ours warm against dt-validate alone with the processed
 * schema; ours cold against dt-mk-schema alone. Each command runs once
 * (minutes each); peak memory by GNU time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow, kernelSource } from './kernel-corpus.js';
import { fmt, mib, quote, timeShell } from './bench-shell.js';

/** n boards spread evenly over the sorted list (so over the vendors' folders). */
function spread(boards: readonly string[], n: number): string[] {
  const k = Math.min(n, boards.length);
  return Array.from({ length: k }, (_, i) => boards[Math.floor((i * boards.length) / k)]!);
}


export function benchKernel(dir: string, bin: string, options: { sample: number; env?: NodeJS.ProcessEnv }): void {
  const env = options.env ?? process.env;
  const src = kernelSource(dir);
  const processed = join(dir, 'ref', 'processed.json');
  if (!src || !existsSync(processed)) {
    console.log(`\n(kernel corpus not found at ${dir}: make it with scripts/fetch-kernel-corpus.sh ${dir} --reference; skipped)`);
    return;
  }
  for (const tool of ['cpp', 'dtc', 'dt-validate', 'dt-mk-schema']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      console.log(`\n(${tool} not installed: the kernel comparison is skipped)`);
      return;
    }
  }
  const dts = join(src, 'arch', 'arm64', 'boot', 'dts');
  const prefixes = join(src, 'scripts', 'dtc', 'include-prefixes');
  const bindings = join(src, 'Documentation', 'devicetree', 'bindings');
  const boards = filesBelow(dts, '.dts');
  const sample = spread(boards, options.sample);
  const work = mkdtempSync(join(tmpdir(), 'vmgenid-bench-kernel-'));
  const node = process.execPath;
  try {
    const cacheEnv = { ...env, XDG_CACHE_HOME: join(work, 'cache') };
    const ours = (inputs: string, jobs = 1) => `${quote(node)} ${quote(bin)} --no-config --kernel ${quote(src)} --jobs ${jobs} -f json ${inputs} > /dev/null`;
    console.log(`\n## Linux kernel (${src}): ${boards.length} arm64 boards, ${bindings}\n`);

    // The kernel's flow, per board, on the sample.
    const perBoard: number[] = [];
    for (const board of sample) {
      const input = join(dts, board);
      const dtb = join(work, 'board.dtb');
      const line =
        `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I ${quote(prefixes)} ${quote(input)} 2>/dev/null` +
        ` | dtc -q -I dts -O dtb -b 0 -i ${quote(join(input, '..'))} -i ${quote(prefixes)} -o ${quote(dtb)} - 2>/dev/null` +
        ` && dt-validate -p ${quote(processed)} ${quote(dtb)} 2>/dev/null`;
      const r = timeShell(line);
      perBoard.push(r.ms);
      console.log(`  kernel flow, ${board}: ${fmt(r.ms)}`);
    }
    const mk = timeShell(`dt-mk-schema -j ${quote(bindings)} > /dev/null 2>&1`);
    const average = perBoard.reduce((a, b) => a + b, 0) / perBoard.length;
    const flow = mk.ms + average * boards.length;

    // Ours: one board cold and warm (the board, arm/juno, and the sample's first, a small one), then every board in one call.
    const singles = [...new Set([boards.includes('arm/juno.dts') ? 'arm/juno.dts' : sample[0]!, sample[0]!])];
    const oneBoard = singles.map((board) => {
      const input = join(dts, board);
      const dtb = join(work, 'one.dtb');
      timeShell(
        `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I ${quote(prefixes)} ${quote(input)} 2>/dev/null | dtc -q -I dts -O dtb -b 0 -i ${quote(join(input, '..'))} -i ${quote(prefixes)} -o ${quote(dtb)} - 2>/dev/null`,
      );
      const dtValidate = timeShell(`dt-validate -p ${quote(processed)} ${quote(dtb)} 2>/dev/null`);
      rmSync(join(work, 'cache'), { recursive: true, force: true });
      const cold = timeShell(ours(quote(input)), cacheEnv);
      const warm = timeShell(ours(quote(input)), cacheEnv);
      return { board, dtValidate, cold, warm };
    });
    rmSync(join(work, 'cache'), { recursive: true, force: true });
    const allCold = timeShell(ours(quote(dts)), cacheEnv);
    const allWarm = timeShell(ours(quote(dts)), cacheEnv);
    // Both cores: a worker per core, each reading the warm cache.
    const cores = availableParallelism();
    const allJobs = cores > 1 ? timeShell(ours(quote(dts), cores), cacheEnv) : null;

    console.log('\n| command | wall | peak memory |');
    console.log('|---|---:|---:|');
    console.log(`| dt-mk-schema -j (once) | ${fmt(mk.ms)} | ${mib(mk)} |`);
    console.log(`| cpp + dtc + dt-validate, one board (mean of ${sample.length}) | ${fmt(average)} | |`);
    console.log(`| the kernel's flow for all ${boards.length} boards (dt-mk-schema + ${boards.length} × the mean, scaled from the sample) | ${fmt(flow)} | |`);
    for (const o of oneBoard) {
      console.log(`| dt-validate -p processed.json, ${o.board} | ${fmt(o.dtValidate.ms)} | ${mib(o.dtValidate)} |`);
      console.log(`| vmgenid-lint --kernel ${o.board}, cold cache | ${fmt(o.cold.ms)} | ${mib(o.cold)} |`);
      console.log(`| vmgenid-lint --kernel ${o.board}, warm cache | ${fmt(o.warm.ms)} | ${mib(o.warm)} |`);
    }
    console.log(`| vmgenid-lint --kernel, all ${boards.length} boards in one call, cold cache | ${fmt(allCold.ms)} | ${mib(allCold)} |`);
    console.log(`| vmgenid-lint --kernel, all ${boards.length} boards in one call, warm cache | ${fmt(allWarm.ms)} | ${mib(allWarm)} |`);
    if (allJobs) console.log(`| vmgenid-lint --kernel --jobs ${cores}, all ${boards.length} boards in one call, warm cache | ${fmt(allJobs.ms)} | ${mib(allJobs)} (one process, its workers with it) |`);

    const check = (what: string, met: boolean, detail: string) => console.log(`- ${met ? '✓' : '✗'} ${what}: ${detail}`);
    console.log('\n### Kernel targets\n');
    check(
      `all ${boards.length} boards, one call (cold) vs the kernel's flow (scaled from ${sample.length} boards)`,
      flow / allCold.ms >= 50,
      `${(flow / allCold.ms).toFixed(1)}× faster (target ≥ 50×); warm ${(flow / allWarm.ms).toFixed(1)}×`,
    );
    check('all boards, peak memory', (allCold.mib ?? 0) < 2048, `${mib(allCold)} cold, ${mib(allWarm)} warm (target < 2 GiB)`);
    if (allJobs) {
      check(
        `all boards, --jobs ${cores} vs one thread (warm)`,
        allJobs.ms < allWarm.ms,
        `${(allWarm.ms / allJobs.ms).toFixed(2)}× faster, ${(flow / allJobs.ms).toFixed(1)}× the kernel's flow; peak ${mib(allJobs)}${(allJobs.mib ?? 0) >= 2048 ? ' (over 2 GiB: each worker holds its own bindings)' : ''}`,
      );
    }
    for (const o of oneBoard) {
      check(`${o.board}, warm cache vs dt-validate with a processed schema`, o.dtValidate.ms / o.warm.ms >= 5, `${(o.dtValidate.ms / o.warm.ms).toFixed(1)}× faster (target ≥ 5×)`);
      check(`${o.board}, cold cache vs dt-mk-schema alone`, o.cold.ms <= mk.ms, `${fmt(o.cold.ms)} against ${fmt(mk.ms)} (target: no slower)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
