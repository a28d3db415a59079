/** Token-level mutations of devicetree sources. */
import { dirname, relative } from 'node:path';
import type { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import type { Corpus, Source } from './corpus.js';
import { sized } from './scale.js';


export const TOKEN_RE = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[a-z]+|\/[a-z-]+\/|0[xX][0-9a-fA-F]+|[A-Za-z0-9_,.#@+-]+|\s+|./g;

export const INSERTIONS = [
  '/delete-node/ &{/};',
  '/delete-node/ vmgenid;',
  '/delete-property/ compatible;',
  '&{/} { x; };',
  '&{/a/b/c} { };',
  '&{/',
  'lbl: lbl: ',
  'l1: l2: l3: ',
  '&nolabel { };',
  '&lbl { };',
  '/bits/ 64 <0xffffffffffffffff 1>',
  '/bits/ 8 <256>',
  '/bits/ 7 <1>',
  '/bits/ 99999999999 <1>',
  '<0xffffffffffffffffffffffff>',
  '<99999999999999999999999999>',
  '<(1 / 0)>',
  '<(1 % 0)>',
  '<(-9223372036854775808 / -1)>',
  '<(1 << 64)>',
  '<(1 << 999999999)>',
  '"unterminated',
  '/* unterminated',
  "'",
  '\0',
  '\xff\xfe\xc3(',
  '\r\n',
  '\r',
  '[00 0',
  '[zz]',
  '/incbin/("in.dts", 0xffffffff, 1)',
  '/incbin/("/dev/zero")',
  '/incbin/("nonexistent")',
  '/include/ "in.dts"',
  '/include/ "/"',
  '#include "in.dts"',
  '#include <>',
  '#if',
  '#define X X X',
  '#define F(x) F(F(x))',
  'F(X)',
  '/memreserve/ 0xffffffffffffffff 0xffffffffffffffff;',
  '/memreserve/ 0 0;',
  '/plugin/;',
  '/dts-v1/;',
  '/omit-if-no-ref/',
  'phandle = <0xffffffff>;',
  'phandle = <0>;',
  'phandle = <&{/}>;',
  'interrupt-parent = <&{/}>;',
  'reg = <>;',
  '#address-cells = <0xffffffff>;',
  '#size-cells = <3>;',
  '#address-cells = <99>;',
  '#interrupt-cells = <0x7fffffff>;',
  'ranges = <0 0 0 0xffffffff 0xffffffff 0xffffffff>;',
  'interrupts = <0 0xffffffff 0xffffffff>;',
  'interrupts-extended = <&{/} 1>;',
  'compatible = "microsoft,vmgenid";',
  'compatible = <1>;',
  'compatible = "";',
  'status = <1>;',
  'vmgenid@ffffffffffffffffffff { compatible = "microsoft,vmgenid"; reg = <0 0>; };',
  'a@ { };',
  '@ { };',
  '#address-cells',
];

export function tokensOf(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

/** Token mutations of a source (picked from the corpus unless given), with the folders its includes need. */
export function mutateDts(rng: Rng, corpus: Corpus, given?: Source): { what: string; text: string; includeDirs: string[] } {
  const src = given ?? rng.pick(corpus.dts);
  let toks = tokensOf(src.text);
  const notes: string[] = [];
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    const i = rng.int(0, Math.max(0, toks.length - 1));
    switch (rng.int(0, 9)) {
      case 0:
        toks.splice(i, rng.int(1, 3));
        notes.push(`delete@${i}`);
        break;
      case 1:
        toks.splice(i, 0, ...toks.slice(i, i + rng.int(1, 8)));
        notes.push(`dup@${i}`);
        break;
      case 2: {
        const j = rng.int(0, toks.length - 1);
        [toks[i], toks[j]] = [toks[j]!, toks[i]!];
        notes.push(`swap ${i},${j}`);
        break;
      }
      case 3:
      case 4:
      case 5: {
        const ins = rng.pick(INSERTIONS);
        toks.splice(i, 0, ins);
        notes.push(`insert ${JSON.stringify(ins)}@${i}`);
        break;
      }
      case 6: {
        const depth = sized(rng, [100, 1000, 5000, 30000]);
        toks.splice(i, 0, 'n { '.repeat(depth) + '}; '.repeat(depth));
        notes.push(`nest ${depth}@${i}`);
        break;
      }
      case 7: {
        const what = rng.pick(['line', 'number', 'string', 'cells', 'parens']);
        const len = sized(rng, [rng.pick([100, 1000]), 10000, 200000, 2000000]);
        const s =
          what === 'line'
            ? 'x'.repeat(len)
            : what === 'number'
              ? '<' + '9'.repeat(len) + '>'
              : what === 'string'
                ? '"' + 'a'.repeat(len) + '"'
                : what === 'cells'
                  ? '<' + '1 '.repeat(len / 2) + '>'
                  : '<' + '('.repeat(len / 10) + '1' + ')'.repeat(len / 10) + '>';
        toks.splice(i, 0, s);
        notes.push(`long ${what} ${len}@${i}`);
        break;
      }
      case 8:
        toks = toks.map((t) => t.replace(/\n/g, '\r\n'));
        notes.push('CRLF');
        break;
      default: {
        const t = toks[i] ?? '';
        toks[i] = t.slice(0, rng.int(0, t.length));
        notes.push(`cut token@${i}`);
      }
    }
  }
  return { what: `${relative(ROOT, src.path)}: ${notes.join(', ')}`, text: toks.join(''), includeDirs: [dirname(src.path), ...src.includeDirs] };
}

export function dtsCase(rng: Rng, corpus: Corpus): Case {
  const m = mutateDts(rng, corpus);
  const inc = m.includeDirs.flatMap((d) => ['-I', d]);
  const argv = rng.pick([
    [...inc, 'in.dts'],
    [...inc, '--all', 'in.dts'],
    ['compile', ...inc, 'in.dts'],
    ['compile', ...inc, '-O', 'dts', 'in.dts'],
    ['dump', ...inc, 'in.dts'],
    [...inc, '-f', 'sarif', 'in.dts'],
    [...inc, '--no-cpp', 'in.dts'],
  ]);
  const bytes = Buffer.from(m.text, 'latin1');
  if (rng.chance(0.1)) return { kind: 'dts', what: m.what + ' (stdin)', files: {}, argv: argv.map((a) => (a === 'in.dts' ? '-' : a)), stdin: bytes };
  return { kind: 'dts', what: m.what, files: { 'in.dts': bytes }, argv };
}

