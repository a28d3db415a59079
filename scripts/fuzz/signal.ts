/**
 * SIGINT or SIGTERM to a CLI process while it writes its output (the moment
 * a new entry appears in its folder), or after a random delay: no temporary
 * file may be left, the target is the old file or the whole new one, and the
 * exit code is 130/143 (or the run's own, when it finished first).
 */
import type { Rng } from '../rng.js';
import type { Case } from './case.js';
import type { Corpus } from './corpus.js';
import { badBoard } from './pipe.js';

export function signalCase(rng: Rng, corpus: Corpus): Case {
  const src = rng.pick(corpus.dts.filter((s) => !s.path.includes('/robustness/')));
  const name = rng.pick(['SIGINT', 'SIGTERM'] as const);
  const atWrite = rng.chance(0.7);
  const delayMs = rng.int(0, 800);
  const existing = rng.chance(0.5);
  // A large output takes a while to write: padding for a blob, many findings for a report.
  const argv = rng.pick([
    ['compile', '-p', String(rng.pick([0, 1 << 20, 32 << 20])), '-o', 'out', 'in.dts'],
    ['compile', '-O', 'dts', '-o', 'out', 'in.dts'],
    ['-o', 'out', 'bad.dts'],
    ['-f', 'sarif', '-o', 'out', 'bad.dts'],
  ]);
  const files: Case['files'] = { 'in.dts': src.text, 'bad.dts': badBoard(rng.pick([10, 3000])) };
  if (existing) files['out'] = 'the previous output\n';
  return {
    kind: 'signal',
    what: `${name} ${atWrite ? 'when the output is opened' : `after ${delayMs} ms`}: ${argv.join(' ')}${existing ? ' (over an existing file)' : ''}; in.dts from ${src.path}`,
    files,
    argv: [...argv.slice(0, -1), ...(argv.at(-1) === 'in.dts' ? src.includeDirs.concat([src.path.replace(/\/[^/]*$/, '')]).flatMap((d) => ['-I', d]) : []), argv.at(-1)!],
    mode: 'signal',
    signal: { name, atWrite, delayMs },
    outputs: ['out'],
  };
}
