/**
 * Odd command lines over good inputs. Never `/` as an input: a lint of `/`
 * walks the host's every folder (seconds, and FIFOs that block a thread).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import type { Corpus } from './corpus.js';


export function argsCase(rng: Rng, corpus: Corpus): Case {
  const dtb = rng.pick(corpus.dtbs).bytes;
  const good = readFileSync(join(ROOT, 'fixtures/example/board.dts'));
  const files = { 'in.dtb': dtb, 'in.dts': good, 'sub/x.dts': good };
  const pool = [
    '--rule', 'vmgenid-node-name', '--rule=vmgenid-node-name', '--rule', '=', '--rule', 'x=y', '--rule', 'vmgenid-node-name=', '--rule', '=off',
    '-o', 'sub', '-o', 'in.dts', '-o', 'in.dtb', '-o', 'missing/dir/out', '-o', '', '-o', '-',
    '--max-warnings', '-1', '--max-warnings', '0x', '--max-warnings', '99999999999', '--max-warnings', '08',
    '--format', 'sarif', '-f', 'github', '-f', 'json', '-f', 'nope',
    '-', '-', 'in.dtb', 'in.dts', 'sub', 'sub/', 'missing.dts', '', '--all', '-q', '--verbose', '--schema', 'sub', '--schema', 'in.dts', '--schema', 'missing.yaml',
    '-I', '', '-D', '', '-D', '=', '-D', 'X=', '-U', '', '--cpp', '--no-cpp', '-I', 'in.dts',
    'compile', 'dump', 'check-binding', 'list-checks', '--node', '', '--node', '/proc/vmgenid-lint-fuzz/none', // a node path no output option can create as a file
    '--node', 'relative',
    '-O', 'dts', '-O', 'dtb', '--from', 'dtb', '--from', 'dts', '-p', '0xffffffff', '-S', '0xffffffff', '-a', '0', '-a', '3', '-a', '0x80000000', '-R', '0xffffffff', '-b', '0xffffffff', '-@', '-H', 'both',
    '--docs', '--help', '-V', '--', '--unknown',
  ];
  const argv: string[] = [];
  const n = rng.int(1, 7);
  for (let k = 0; k < n; k++) argv.push(rng.pick(pool));
  if (rng.chance(0.7)) argv.push(rng.pick(['in.dts', 'in.dtb', '-']));
  return { kind: 'args', what: 'args', files, argv, stdin: rng.chance(0.5) ? dtb : good };
}
