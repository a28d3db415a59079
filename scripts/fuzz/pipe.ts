/**
 * Standard output closed early (`| head -c1`, or a reader that is gone
 * before the first write): the run's exit code must still be its verdict's,
 * which a full run in the worker gives first. Reports of every size and
 * format, with findings (exit 1), clean (exit 0) and broken input (exit 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import { sized } from './scale.js';

/** A board with `n` vmgenid nodes lacking reg: errors, one report line or thousands. */
export function badBoard(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => `\tvmgenid@${(i * 16).toString(16)} { compatible = "microsoft,vmgenid"; };`);
  return ['/dts-v1/;', '/ {', '\t#address-cells = <1>;', '\t#size-cells = <1>;', ...nodes, '};', ''].join('\n');
}

export function pipeCase(rng: Rng): Case {
  const which = rng.int(0, 3);
  const n = sized(rng, [1, 10, 300, 3000]);
  const input =
    which === 0 ? { text: readFileSync(join(ROOT, 'fixtures/example/board.dts'), 'latin1'), what: 'the example board' }
    : which === 1 ? { text: '/dts-v1/;\n/ { x = <1; };\n', what: 'a syntax error' }
    : { text: badBoard(n), what: `${n} vmgenid nodes without reg` };
  const argv = rng.pick([['in.dts'], ['-f', 'json', 'in.dts'], ['-f', 'sarif', 'in.dts'], ['-f', 'github', 'in.dts'], ['--all', 'in.dts'], ['--max-warnings', '0', 'in.dts'], ['--verbose', 'in.dts'], ['dump', 'in.dts'], ['compile', '-O', 'dts', 'in.dts'], ['list-checks', '--docs']]);
  const atOnce = rng.chance(0.5);
  return { kind: 'pipe', what: `${input.what}, ${argv.join(' ')}, stdout closed ${atOnce ? 'before the first write' : 'after the first bytes'}`, files: { 'in.dts': input.text }, argv, mode: 'pipe', pipe: { atOnce } };
}
