/**
 * The preprocessor front end: sources that use #include/#define/#if (real
 * boards, fixtures, and program.ts's generated macro-heavy programs) with
 * directives inserted, cut and shuffled, plus synthetic hostile shapes
 * (include cycles, exponential macro expansion, deep #if nesting, huge
 * argument lists, runaway expressions).
 */
import { relative } from 'node:path';
import { generateProgram } from './program.js';
import type { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import type { Corpus } from './corpus.js';
import { mutateDts } from './dts.js';
import { sized } from './scale.js';

/** Directive and macro lines to insert between lines. */
export const CPP_LINES = [
  '#include "in.dts"',
  '#include "h.h"',
  '#include <in.dts>',
  '#include __FILE__',
  '#include',
  '#include "',
  '#include <',
  '#include <>',
  '#include ""',
  '#include "/"',
  '#include "/dev/zero"',
  '#include "nonexistent.h"',
  '#include_next <h.h>',
  '#define X X',
  '#define X Y\n#define Y X',
  '#define F(x) F(x) F(x)',
  '#define F(x, x) x',
  '#define F(',
  '#define F(x',
  '#define F(...) __VA_ARGS__ __VA_OPT__(',
  '#define F(x...) #x ## x',
  '#define ## x',
  '#define defined 1',
  '#define __FILE__ 1',
  '#define __LINE__ __LINE__',
  '#define S(x) #x',
  'S(")',
  'S(\'',
  'F(',
  'F(((((',
  'X',
  '#undef',
  '#undef X Y',
  '#if',
  '#if (',
  '#if 1 /',
  '#if 1 / 0',
  '#if 1 % 0',
  '#if -9223372036854775807 - 1 / -1',
  '#if (-9223372036854775807 - 1) % -1',
  '#if 99999999999999999999999999',
  '#if 1 << 64',
  '#if 1 ? 2',
  '#if defined(',
  '#if defined X Y',
  "#if 'ab'",
  "#if '\\777'",
  '#if __has_include(',
  '#if __has_include("in.dts")',
  '#ifdef',
  '#ifndef',
  '#elif 1',
  '#elif',
  '#else',
  '#else junk',
  '#endif',
  '#endif junk',
  '#line 0',
  '#line 4294967296',
  '#line 1 "x\\"',
  '#line x',
  '#error boom',
  '#warning careful',
  '#pragma once',
  '#',
  '# 1 "x"',
  '#nonsense',
  '??=define T 1',
  '\\',
  'a \\\r\nb',
  '/* #if */',
  '"#endif"',
  "'",
];

function lines(text: string): string[] {
  return text.split('\n');
}

/** A shape no real source has, at a scale: text to insert, and its name. */
function hostile(rng: Rng): { text: string; what: string } {
  switch (rng.int(0, 9)) {
    case 0: {
      const depth = sized(rng, [rng.pick([4, 8, 12]), 16, 24, 28, 32, 40]);
      const defs = ['#define M0 1'];
      for (let k = 1; k <= depth; k++) defs.push(`#define M${k} M${k - 1} M${k - 1}`);
      return { text: defs.join('\n') + `\n/ { p = <M${depth}>; };`, what: `macro doubling ${depth} deep` };
    }
    case 1: {
      const depth = sized(rng, [rng.pick([4, 8, 12]), 16, 24, 32]);
      const defs = ['#define G0(x) x x'];
      for (let k = 1; k <= depth; k++) defs.push(`#define G${k}(x) G${k - 1}(x x)`);
      return { text: defs.join('\n') + `\n/ { p = <G${depth}(1)>; };`, what: `function-like doubling ${depth} deep` };
    }
    case 2: {
      const depth = sized(rng, [100, 1000, 10000, 100000]);
      return { text: '#if 1\n'.repeat(depth) + 'x\n' + '#endif\n'.repeat(rng.chance(0.8) ? depth : depth - 1), what: `#if nested ${depth}` };
    }
    case 3: {
      const n = sized(rng, [100, 1000, 50000, 200000]);
      return { text: '#if ' + '('.repeat(n) + '1' + ')'.repeat(rng.chance(0.8) ? n : n - 1) + '\n#endif', what: `#if with ${n} parentheses` };
    }
    case 4: {
      const n = sized(rng, [100, 1000, 100000]);
      return { text: Array.from({ length: n }, (_, k) => `#define D${k} D${k + 1} + 1`).join('\n') + `\n/ { p = <(D0)>; };`, what: `${n} chained macros` };
    }
    case 5: {
      const n = sized(rng, [100, 10000, 300000]);
      return { text: '#define F(...) <__VA_ARGS__>\n/ { p = F(' + '1,'.repeat(n) + '1); };', what: `${n} macro arguments` };
    }
    case 6: {
      const n = sized(rng, [100, 1000, 100000]);
      return { text: '#define ID(x) x\n/ { p = <' + 'ID('.repeat(n) + '1' + ')'.repeat(n) + '>; };', what: `macro calls nested ${n}` };
    }
    case 7: {
      const n = sized(rng, [100, 1000, 100000, 1000000]);
      return { text: '#if 1 ' + '+ 1 '.repeat(n) + '\n#endif', what: `#if of ${n} terms` };
    }
    case 8: {
      const n = sized(rng, [100, 1000, 100000]);
      return { text: '#define C(a, b) a ## b\n/ { p = <' + 'C('.repeat(n) + '1' + ', 2)'.repeat(n) + '>; };', what: `token pastes nested ${n}` };
    }
    default: {
      const n = sized(rng, [100, 10000, 500000]);
      return { text: 'x \\\n'.repeat(n) + 'y', what: `${n} line continuations` };
    }
  }
}

export function cppCase(rng: Rng, corpus: Corpus): Case {
  const files: Record<string, string | Uint8Array> = {};
  let text: string;
  let includeDirs: string[];
  let what: string;
  const defines: string[] = [];
  const from = corpus.cpp.length > 0 ? rng.int(0, 2) : 0;
  if (from === 0) {
    // A generated macro-heavy program (its headers go next to it).
    const p = generateProgram(rng.int(1, 0x7fffffff));
    // Beside the source for "…" includes, and in inc/ (a search folder) for <…> ones.
    for (const [name, body] of Object.entries(p.files)) if (name !== 'main.dts') files[name] = files[`inc/${name}`] = body;
    text = p.files['main.dts'] ?? '';
    includeDirs = ['inc'];
    defines.push(...p.defines);
    what = 'generated program';
  } else if (from === 1) {
    const src = rng.pick(corpus.cpp);
    const m = rng.chance(0.3) ? mutateDts(rng, corpus, src) : null;
    text = m ? m.text : src.text;
    includeDirs = m ? m.includeDirs : [src.path.replace(/\/[^/]*$/, ''), ...src.includeDirs];
    what = m ? m.what : relative(ROOT, src.path);
  } else {
    const src = rng.pick(corpus.cpp);
    text = src.text;
    includeDirs = [src.path.replace(/\/[^/]*$/, ''), ...src.includeDirs];
    what = relative(ROOT, src.path);
  }
  const notes: string[] = [];
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    const ls = lines(text);
    const i = rng.int(0, ls.length);
    switch (rng.int(0, 7)) {
      case 0:
      case 1:
      case 2: {
        const ins = rng.pick(CPP_LINES);
        ls.splice(i, 0, ins);
        notes.push(`insert ${JSON.stringify(ins)}@${i}`);
        break;
      }
      case 3: {
        // Drop or duplicate a directive line.
        const ds = ls.map((l, j) => (/^\s*#/.test(l) ? j : -1)).filter((j) => j >= 0);
        if (ds.length === 0) break;
        const j = rng.pick(ds);
        if (rng.chance(0.5)) ls.splice(j, 1);
        else ls.splice(rng.int(0, ls.length), 0, ls[j]!);
        notes.push(`move directive@${j}`);
        break;
      }
      case 4: {
        // Cut a directive line short.
        const ds = ls.map((l, j) => (/^\s*#/.test(l) ? j : -1)).filter((j) => j >= 0);
        if (ds.length === 0) break;
        const j = rng.pick(ds);
        ls[j] = ls[j]!.slice(0, rng.int(0, ls[j]!.length));
        notes.push(`cut directive@${j}`);
        break;
      }
      case 5: {
        const h = hostile(rng);
        ls.splice(i, 0, h.text);
        notes.push(`${h.what}@${i}`);
        break;
      }
      case 6: {
        // A header that includes itself, or the main file, or a chain back.
        files['h.h'] = rng.pick(['#include "h.h"\n', '#include "in.dts"\n', '#include "g.h"\nx\n', '#ifndef H\n#define H\n#include "h.h"\n#endif\n', '#if\n', '#define F(x) x\n#include "h.h"\n']);
        files['g.h'] = '#include "h.h"\n';
        ls.splice(i, 0, '#include "h.h"');
        notes.push(`include h.h (${JSON.stringify(files['h.h']).slice(0, 40)})@${i}`);
        break;
      }
      default:
        defines.push(rng.pick(['X', 'X=X', 'F(x)=F(x)', 'F(=1', '=1', '', 'A=#', 'defined', '__FILE__=1', 'M=' + 'M '.repeat(1000), 'Y="', "Z='", 'W=\\']));
        notes.push(`-D ${defines[defines.length - 1]}`);
    }
    text = ls.join('\n');
  }
  const inc = includeDirs.flatMap((d) => ['-I', d]);
  const defs = defines.flatMap((d) => ['-D', d]);
  const argv = rng.pick([
    [...inc, ...defs, 'in.dts'],
    [...inc, ...defs, '--cpp', '--all', 'in.dts'],
    ['compile', ...inc, ...defs, 'in.dts'],
    ['compile', ...inc, ...defs, '-O', 'dts', 'in.dts'],
    ['dump', ...inc, ...defs, 'in.dts'],
    [...inc, ...defs, '-f', 'json', 'in.dts'],
  ]);
  files['in.dts'] = Buffer.from(text, 'latin1');
  const label = `${what}: ${notes.join(', ')}`;
  if (rng.chance(0.1)) {
    const stdin = files['in.dts'] as Uint8Array;
    delete files['in.dts'];
    return { kind: 'cpp', what: label + ' (stdin)', files, argv: argv.map((a) => (a === 'in.dts' ? '-' : a)), stdin };
  }
  return { kind: 'cpp', what: label, files, argv };
}
