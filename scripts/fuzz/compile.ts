/**
 * The compile subcommand: sources (mutated or not) to a blob (`compile -O
 * dtb`, with dtc's flags from the conformance corpus or odd ones), and blobs
 * (mutated or not) back to source (`compile -I dtb -O dts`, `--from dtb`).
 */
import { join } from 'node:path';
import type { Rng } from '../rng.js';
import { SHARED_CORPUS, type Corpus } from './corpus.js';
import type { Case } from './case.js';
import { mutateBlob } from './dtb.js';
import { mutateDts } from './dts.js';

const ODD_FLAGS = [
  ['-@'],
  ['-H', 'legacy'],
  ['-H', 'both'],
  ['-b', '0xffffffff'],
  ['-b', '-1'],
  ['-p', '0'],
  ['-p', '4096'],
  ['-p', '0x100000'],
  ['-S', '0'],
  ['-S', '1'],
  ['-S', '0x10000'],
  ['-R', '0'],
  ['-R', '64'],
  ['-a', '1'],
  ['-a', '3'],
  ['-a', '0'],
  ['-a', '0x1000'],
  ['-q'],
];

/** dtc's flags as the compile subcommand spells them (-i DIR is its -I DIR). */
function ourFlags(flags: string[]): string[] {
  return flags.map((f, i) => (f === '-i' ? '-I' : flags[i - 1] === '-i' ? join(SHARED_CORPUS, 'dtc-tests', f) : f));
}

export function compileCase(rng: Rng, corpus: Corpus): Case {
  const flags: string[] = [];
  for (let k = rng.int(0, 2); k > 0; k--) flags.push(...(corpus.dtcFlags.length > 0 && rng.chance(0.5) ? ourFlags(rng.pick(corpus.dtcFlags)) : rng.pick(ODD_FLAGS)));
  const out = rng.chance(0.2) ? ['-o', 'out'] : [];
  if (rng.chance(0.5)) {
    const src = rng.pick(corpus.dts);
    const m = rng.chance(0.7) ? mutateDts(rng, corpus, src) : { what: src.path, text: src.text, includeDirs: [src.path.replace(/\/[^/]*$/, ''), ...src.includeDirs] };
    const inc = m.includeDirs.flatMap((d) => ['-I', d]);
    const argv = ['compile', ...rng.pick([['-O', 'dtb'], [], ['-O', 'dtb', '--from', 'dts'], ['-O', 'dts']]), ...inc, ...flags, ...out, 'in.dts'];
    const bytes = Buffer.from(m.text, 'latin1');
    if (rng.chance(0.1)) return { kind: 'compile', what: m.what + ' (stdin)', files: {}, argv: argv.map((a) => (a === 'in.dts' ? '-' : a)), stdin: bytes };
    return { kind: 'compile', what: m.what, files: { 'in.dts': bytes }, argv };
  }
  const m = rng.chance(0.7) ? mutateBlob(rng, corpus) : (({ name, bytes }) => ({ what: name, bytes }))(rng.pick(corpus.dtbs));
  const how = rng.pick([
    ['-I', 'dtb', '-O', 'dts'],
    ['--from', 'dtb', '-O', 'dts'],
    ['--from', 'dtb', '-O', 'dtb'],
    ['-O', 'dtb'],
    ['--from', 'dts', '-O', 'dts'],
  ]);
  const argv = ['compile', ...how, ...flags, ...out, 'in.dtb'];
  if (rng.chance(0.1)) return { kind: 'compile', what: m.what + ' (stdin)', files: {}, argv: argv.map((a) => (a === 'in.dtb' ? '-' : a)), stdin: m.bytes };
  return { kind: 'compile', what: m.what, files: { 'in.dtb': m.bytes }, argv };
}
