/**
 * Robustness fuzzer for the CLI: seeded mutations of real inputs (blobs,
 * sources, bindings, /proc/device-tree-style folders, command lines) run
 * through `run()` in a worker thread, with a 10 s watchdog. A run fails when
 * it throws (exit 70 in the real process), exits with a code other than
 * 0/1/2, prints a stack frame or a JavaScript error name, exits 2 saying
 * nothing, changes one of its input files, or does not finish in time.
 *
 * Usage: node dist/scripts/robustness-fuzz.js SEED COUNT [KIND…] [--out DIR]
 * KIND is dtb, dts, yaml, folder or args (default: all, in turn).
 * Failing cases are kept in DIR (default ./robustness-fuzz-failures), one
 * folder each, with the files and the command line that reproduce them.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type Document } from 'yaml';
import { Rng } from './rng.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TIMEOUT_MS = 10_000;
export const KINDS = ['dtb', 'dts', 'yaml', 'folder', 'args'] as const;
export type Kind = (typeof KINDS)[number];

// ---------------------------------------------------------------- cases

/** One run: files to create in a fresh folder, and the command line (paths relative to that folder). */
export interface Case {
  kind: Kind;
  what: string;
  files: Record<string, Uint8Array | string>;
  /** Symbolic links to make: path → target. */
  links?: Record<string, string>;
  argv: string[];
  stdin?: Uint8Array;
}

function walkFiles(dir: string, pred: (name: string) => boolean): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p, pred));
    else if (pred(e.name)) out.push(p);
  }
  return out;
}

interface Corpus {
  dts: { path: string; text: string }[];
  dtbs: { name: string; bytes: Uint8Array }[];
  yaml: { path: string; text: string }[];
}

async function loadCorpus(): Promise<Corpus> {
  const { loadTree } = await import('../src/load-tree.js');
  const { writeDtb } = await import('../src/dtb/write.js');
  const { nodeFileHost } = await import('../src/source/host.js');
  const dtsPaths = [...walkFiles(join(ROOT, 'test/fixtures'), (n) => n.endsWith('.dts')), join(ROOT, 'fixtures/example/board.dts')];
  const dts = dtsPaths.map((path) => ({ path, text: readFileSync(path, 'latin1') }));
  const dtbs: Corpus['dtbs'] = [];
  for (const { path } of dts) {
    try {
      const r = loadTree(path, new Uint8Array(readFileSync(path)), {
        host: nodeFileHost,
        includeDirs: [dirname(path), join(ROOT, 'include')],
        cpp: 'auto',
      });
      if (r.tree) dtbs.push({ name: relative(ROOT, path), bytes: writeDtb(r.tree) });
    } catch {
      // Fixtures meant to fail.
    }
  }
  for (const p of walkFiles(join(ROOT, '../shared/corpus/dtc-tests/expected'), (n) => n.endsWith('.dtb'))) {
    dtbs.push({ name: relative(ROOT, p), bytes: new Uint8Array(readFileSync(p)) });
  }
  const yaml = [...walkFiles(join(ROOT, 'schemas/rng'), (n) => n.endsWith('.yaml')), ...walkFiles(join(ROOT, 'test/fixtures/schema'), (n) => n.endsWith('.yaml'))].map(
    (path) => ({ path, text: readFileSync(path, 'utf8') }),
  );
  return { dts, dtbs, yaml };
}

// ---------------------------------------------------------------- blobs

const BE = {
  get(b: Uint8Array, off: number): number {
    return off + 4 <= b.length ? ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0 : 0;
  },
  set(b: Uint8Array, off: number, v: number): void {
    if (off + 4 > b.length) return;
    b[off] = v >>> 24;
    b[off + 1] = (v >>> 16) & 0xff;
    b[off + 2] = (v >>> 8) & 0xff;
    b[off + 3] = v & 0xff;
  },
};

/** A blob from a structure block (32-bit words) and a strings block. */
export function buildFdt(words: number[], strings: Uint8Array, rsv: Array<[bigint, bigint]> = []): Uint8Array {
  const rsvBytes = (rsv.length + 1) * 16;
  const offRsv = 40;
  const offStruct = offRsv + rsvBytes;
  const structSize = words.length * 4;
  const offStrings = offStruct + structSize;
  const total = offStrings + strings.length;
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  const hdr = [0xd00dfeed, total, offStruct, offStrings, offRsv, 17, 16, 0, strings.length, structSize];
  hdr.forEach((v, i) => dv.setUint32(i * 4, v));
  rsv.forEach(([a, s], i) => {
    dv.setBigUint64(offRsv + i * 16, a);
    dv.setBigUint64(offRsv + i * 16 + 8, s);
  });
  words.forEach((w, i) => dv.setUint32(offStruct + i * 4, w >>> 0));
  b.set(strings, offStrings);
  return b;
}

function nameWords(name: Uint8Array): number[] {
  const padded = new Uint8Array(Math.ceil((name.length + 1) / 4) * 4);
  padded.set(name);
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += 4) out.push(BE.get(padded, i));
  return out;
}

/** Offsets of the structure block's tokens (walked as a reader would, stopping at anything odd). */
function tokenOffsets(b: Uint8Array): Array<{ off: number; token: number }> {
  const offStruct = BE.get(b, 8);
  const out: Array<{ off: number; token: number }> = [];
  let off = offStruct;
  for (let guard = 0; guard < 100000 && off + 4 <= b.length; guard++) {
    const token = BE.get(b, off);
    out.push({ off, token });
    if (token === 1) {
      let end = off + 4;
      while (end < b.length && b[end] !== 0) end++;
      off = Math.ceil((end + 1) / 4) * 4;
    } else if (token === 3) {
      const len = BE.get(b, off + 4);
      off = off + 12 + Math.ceil(len / 4) * 4;
    } else if (token === 2 || token === 4) off += 4;
    else break;
  }
  return out;
}

const EXTREMES = [0, 1, 3, 4, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 0xffff, 0x10000];

function mutateBlob(rng: Rng, corpus: Corpus): { what: string; bytes: Uint8Array } {
  const src = rng.pick(corpus.dtbs);
  const b = new Uint8Array(src.bytes);
  const choice = rng.int(0, 11);
  switch (choice) {
    case 0: {
      const n = rng.int(1, 8);
      for (let i = 0; i < n; i++) b[rng.int(0, b.length - 1)]! ^= 1 << rng.int(0, 7);
      return { what: `${src.name}: ${n} bit flips`, bytes: b };
    }
    case 1: {
      const len = rng.int(0, b.length - 1);
      return { what: `${src.name}: truncated to ${len}`, bytes: b.slice(0, len) };
    }
    case 2: {
      const other = rng.pick(corpus.dtbs).bytes;
      const a = rng.int(0, b.length);
      const c = rng.int(0, other.length);
      const out = new Uint8Array(a + other.length - c);
      out.set(b.subarray(0, a));
      out.set(other.subarray(c), a);
      return { what: `${src.name}: spliced at ${a}`, bytes: out };
    }
    case 3: {
      const field = rng.int(0, 9);
      const v = rng.chance(0.7) ? rng.pick(EXTREMES) : rng.int(0, b.length + 64);
      BE.set(b, field * 4, v);
      return { what: `${src.name}: header field ${field} = ${v}`, bytes: b };
    }
    case 4:
    case 5: {
      const props = tokenOffsets(b).filter((t) => t.token === 3);
      if (props.length === 0) return { what: `${src.name}: unchanged`, bytes: b };
      const p = rng.pick(props);
      const which = rng.int(0, 1);
      const v = rng.pick(EXTREMES);
      BE.set(b, p.off + 4 + which * 4, v);
      return { what: `${src.name}: property at ${p.off} ${which ? 'nameoff' : 'len'} = ${v}`, bytes: b };
    }
    case 6: {
      const toks = tokenOffsets(b);
      if (toks.length === 0) return { what: `${src.name}: unchanged`, bytes: b };
      const t = rng.pick(toks);
      const v = rng.pick([0, 1, 2, 3, 4, 5, 9, 0xffffffff]);
      BE.set(b, t.off, v);
      return { what: `${src.name}: token at ${t.off} = ${v}`, bytes: b };
    }
    case 7: {
      // Odd bytes in the strings block (property names).
      const offStrings = BE.get(b, 12);
      const size = BE.get(b, 32);
      const n = rng.int(1, 4);
      for (let i = 0; i < n && size > 0; i++) b[offStrings + rng.int(0, size - 1)] = rng.pick([0x00, 0x01, 0x0a, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xff, 0x40, 0x2f, 0x23, 0x20]);
      return { what: `${src.name}: ${n} odd bytes in property names`, bytes: b };
    }
    case 8: {
      const depth = rng.pick([100, 511, 512, 513, 1000, 5000, 20000]);
      const words: number[] = [1, 0];
      const names = ['a', 'a@1', 'x,y', ''];
      for (let i = 0; i < depth; i++) words.push(1, ...nameWords(Buffer.from(rng.pick(names))));
      for (let i = 0; i < depth; i++) words.push(2);
      words.push(2, 9);
      return { what: `synthetic: nested ${depth} deep`, bytes: buildFdt(words, new Uint8Array()) };
    }
    case 9: {
      const count = rng.pick([1000, 65536, 200000]);
      const names = ['compatible', 'reg', '#address-cells', 'x', 'interrupts', 'status', 'phandle'];
      const strings = Buffer.from(names.join('\0') + '\0');
      const offs = names.map((_, i) => names.slice(0, i).reduce((s, n) => s + n.length + 1, 0));
      const words: number[] = [1, 0];
      if (rng.chance(0.5)) words.push(1, ...nameWords(Buffer.from('vmgenid@0')));
      const same = rng.chance(0.5);
      for (let i = 0; i < count; i++) {
        const k = same ? 0 : rng.int(0, names.length - 1);
        const len = rng.pick([0, 4, 8]);
        words.push(3, len, offs[k]!, ...new Array(len / 4).fill(rng.int(0, 0xffffffff)));
      }
      if (words[2] === 1) words.push(2);
      words.push(2, 9);
      return { what: `synthetic: ${count} properties${same ? ' all named compatible' : ''}`, bytes: buildFdt(words, strings) };
    }
    case 10: {
      const count = rng.pick([1000, 100000]);
      const words: number[] = [1, 0];
      for (let i = 0; i < count; i++) words.push(1, ...nameWords(Buffer.from(rng.chance(0.5) ? 'n' : `n@${i.toString(16)}`)), 2);
      words.push(2, 9);
      return { what: `synthetic: ${count} sibling nodes`, bytes: buildFdt(words, new Uint8Array()) };
    }
    default: {
      // Odd node names.
      const odd = [Buffer.from([0xff, 0xfe]), Buffer.from('a/b'), Buffer.from('@'), Buffer.from('a@'), Buffer.from('\x01\n'), Buffer.from('x'.repeat(5000)), Buffer.from('vmgenid@\xff', 'latin1')];
      const name = rng.pick(odd);
      const strings = Buffer.from('compatible\0reg\0');
      const words = [1, 0, 1, ...nameWords(name), 3, 18, 0, ...nameWords(Buffer.from('microsoft,vmgenid')).slice(0, 5), 3, 8, 11, 0, 0x1000, 2, 2, 9];
      return { what: `synthetic: node name ${JSON.stringify(name.toString('latin1').slice(0, 20))}`, bytes: buildFdt(words, strings) };
    }
  }
}

function dtbCase(rng: Rng, corpus: Corpus): Case {
  const m = mutateBlob(rng, corpus);
  const argv = rng.pick([['in.dtb'], ['--all', 'in.dtb'], ['dump', 'in.dtb'], ['compile', '-O', 'dts', 'in.dtb'], ['compile', 'in.dtb'], ['-f', 'sarif', 'in.dtb'], ['-f', 'json', '--all', 'in.dtb']]);
  if (rng.chance(0.1)) return { kind: 'dtb', what: m.what + ' (stdin)', files: {}, argv: argv.map((a) => (a === 'in.dtb' ? '-' : a)), stdin: m.bytes };
  return { kind: 'dtb', what: m.what, files: { 'in.dtb': m.bytes }, argv };
}

// ---------------------------------------------------------------- sources

const TOKEN_RE = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[a-z]+|\/[a-z-]+\/|0[xX][0-9a-fA-F]+|[A-Za-z0-9_,.#@+-]+|\s+|./g;

const INSERTIONS = [
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

function tokensOf(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

function mutateDts(rng: Rng, corpus: Corpus): { what: string; text: string; dir: string } {
  const src = rng.pick(corpus.dts);
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
        const depth = rng.pick([100, 1000, 5000, 30000]);
        toks.splice(i, 0, 'n { '.repeat(depth) + '}; '.repeat(depth));
        notes.push(`nest ${depth}@${i}`);
        break;
      }
      case 7: {
        const what = rng.pick(['line', 'number', 'string', 'cells', 'parens']);
        const len = rng.pick([10000, 200000, 2000000]);
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
  return { what: `${relative(ROOT, src.path)}: ${notes.join(', ')}`, text: toks.join(''), dir: dirname(src.path) };
}

function dtsCase(rng: Rng, corpus: Corpus): Case {
  const m = mutateDts(rng, corpus);
  const inc = ['-I', m.dir, '-I', join(ROOT, 'include')];
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

// ---------------------------------------------------------------- bindings

const WRONG_VALUES: unknown[] = [
  -1,
  0,
  1.5,
  1e308,
  'x',
  '',
  true,
  null,
  [],
  {},
  [1, 2],
  { $ref: '#' },
  { $ref: '#/properties' },
  { $ref: 'nonexistent.yaml#' },
  { $ref: '/schemas/types.yaml#/definitions/nothing' },
  { $ref: 'http://devicetree.org/schemas/rng/vmgenid.yaml#' },
  { items: [] },
  { maxItems: -1 },
  { minItems: 5, maxItems: 1 },
  { const: 1 },
  { enum: [] },
  { pattern: '(' },
  { pattern: '(a+)+$' },
  { type: 'nonsense' },
  { oneOf: [] },
  { allOf: [{ $ref: '#' }] },
  { if: 1 },
  { items: Array.from({ length: 2000 }, (_, i) => ({ const: i })) },
  { minimum: 'x' },
  ['microsoft,vmgenid', 5],
];

function yamlNodes(doc: Document): Array<{ parent: YamlNode; key: unknown }> {
  const out: Array<{ parent: YamlNode; key: unknown }> = [];
  const visit = (n: unknown) => {
    if (isMap(n)) {
      for (const item of n.items) {
        out.push({ parent: n, key: isScalar(item.key) ? item.key.value : item.key });
        visit(item.value);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        out.push({ parent: n, key: i });
        visit(item);
      });
    }
  };
  visit(doc.contents);
  return out;
}

function mutateYaml(rng: Rng, corpus: Corpus): { what: string; text: string } {
  const src = rng.pick(corpus.yaml);
  const name = relative(ROOT, src.path);
  const choice = rng.int(0, 9);
  if (choice <= 4) {
    const doc = parseDocument(src.text);
    const spots = yamlNodes(doc);
    const notes: string[] = [];
    if (choice === 0 && isMap(doc.contents)) {
      // A top-level keyword set to something odd (a $ref to the binding itself, a wrong type, …).
      const key = rng.pick(['allOf', 'select', 'properties', 'patternProperties', 'examples', '$id', '$schema', 'required', 'if', 'then', 'additionalProperties', 'unevaluatedProperties', 'dependencies', 'oneOf', 'maintainers', 'title']);
      const value = rng.pick([...WRONG_VALUES, [{ $ref: '#' }], { $ref: '#' }, [5], ['x {', '/ { };'], [''.padEnd(5000, '{')]]);
      doc.set(key, doc.createNode(value));
      notes.push(`top-level ${key} = ${JSON.stringify(value)?.slice(0, 40)}`);
    }
    const n = rng.int(1, 3);
    for (let k = 0; k < n && spots.length > 0; k++) {
      const spot = rng.pick(spots);
      const value = rng.chance(0.1) ? undefined : rng.pick(WRONG_VALUES);
      try {
        const p = spot.parent as unknown as { set(k: unknown, v: unknown): void; delete(k: unknown): void };
        if (value === undefined) p.delete(spot.key);
        else p.set(spot.key, doc.createNode(value));
        notes.push(`${String(spot.key).slice(0, 30)} = ${JSON.stringify(value)?.slice(0, 40)}`);
      } catch {
        // A key the document would not take.
      }
    }
    try {
      return { what: `${name}: ${notes.join('; ')}`, text: doc.toString({ lineWidth: 0 }) };
    } catch {
      return { what: `${name}: unchanged (the mutated document would not print)`, text: src.text };
    }
  }
  const lines = src.text.split('\n');
  const i = rng.int(0, lines.length - 1);
  switch (choice) {
    case 5: {
      lines.splice(i, 0, lines[i] ?? '');
      return { what: `${name}: duplicated line ${i + 1}`, text: lines.join('\n') };
    }
    case 6: {
      lines[i] = (lines[i] ?? '').replace(/^( +)/, (s) => '\t'.repeat(Math.max(1, s.length / 2)));
      return { what: `${name}: tabs on line ${i + 1}`, text: lines.join('\n') };
    }
    case 7: {
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let k = 1; k < 9; k++) bomb.push(`${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9).fill('*' + String.fromCharCode(96 + k)).join(',')}]`);
      return { what: `${name}: alias bomb`, text: src.text + '\n' + 'bomb:\n' + bomb.map((l) => '  ' + l).join('\n') + '\n' };
    }
    case 8: {
      const bad = rng.pick(['\0', '\xff', ': :', '- - -', '"', "'", '[', '{', '&a *a', '!!binary x', '<<: *nope', '%YAML 9.9', '---', '...', '? ', 'key: |\n  \t']);
      lines.splice(i, 0, bad);
      return { what: `${name}: inserted ${JSON.stringify(bad)} at line ${i + 1}`, text: lines.join('\n') };
    }
    default:
      return rng.chance(0.2) ? { what: `${name}: emptied`, text: '' } : { what: `${name}: truncated`, text: src.text.slice(0, rng.int(0, src.text.length)) };
  }
}

function yamlCase(rng: Rng, corpus: Corpus): Case {
  const m = mutateYaml(rng, corpus);
  const dts = rng.pick(corpus.dts);
  const argv = rng.pick([
    ['check-binding', 'b.yaml'],
    ['check-binding', '-f', 'json', 'b.yaml'],
    ['--schema', 'b.yaml', '-I', dirname(dts.path), '-I', join(ROOT, 'include'), dts.path],
    ['--all', '--schema', 'b.yaml', '-I', dirname(dts.path), '-I', join(ROOT, 'include'), dts.path],
    ['dump', '--schema', 'b.yaml', 'in.dtb'],
  ]);
  const files: Case['files'] = { 'b.yaml': m.text };
  if (argv.includes('in.dtb')) files['in.dtb'] = rng.pick(corpus.dtbs).bytes;
  return { kind: 'yaml', what: m.what, files, argv };
}

// ---------------------------------------------------------------- folders

function folderCase(rng: Rng): Case {
  const files: Record<string, Uint8Array | string> = {
    'dt/#address-cells': new Uint8Array([0, 0, 0, 2]),
    'dt/#size-cells': new Uint8Array([0, 0, 0, 2]),
    'dt/compatible': 'linux,dummy-virt\0',
    'dt/name': '\0',
    'dt/vmgenid@0/compatible': 'microsoft,vmgenid\0',
    'dt/vmgenid@0/reg': new Uint8Array([0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]),
    'dt/vmgenid@0/name': 'vmgenid\0',
    'dt/cpus/#address-cells': new Uint8Array([0, 0, 0, 1]),
    'dt/cpus/cpu@0/reg': new Uint8Array(rng.chance(0.5) ? [0, 0, 0, 0] : [1]),
  };
  const links: Record<string, string> = {};
  const notes: string[] = [];
  const n = rng.int(1, 3);
  for (let k = 0; k < n; k++) {
    switch (rng.int(0, 8)) {
      case 0: {
        const key = rng.pick(Object.keys(files));
        files[key] = new Uint8Array();
        notes.push(`empty ${key}`);
        break;
      }
      case 1:
        links['dt/vmgenid@0/loop'] = '..';
        notes.push('symlink loop to ..');
        break;
      case 2:
        links['dt/self'] = 'self';
        notes.push('self symlink');
        break;
      case 3:
        links['dt/dangling'] = 'nowhere';
        notes.push('dangling symlink');
        break;
      case 4: {
        const odd = rng.pick(['a\nb', 'x y', '\x01', 'é', '-', '--all', '@', 'a@', '@@', '#', ',', 'x'.repeat(250)]);
        files[`dt/${odd}`] = 'v\0';
        if (rng.chance(0.5)) files[`dt/${odd}-node/${odd}`] = 'v\0';
        notes.push(`odd name ${JSON.stringify(odd)}`);
        break;
      }
      case 5: {
        const depth = rng.pick([50, 200, 513]);
        files[`dt/${Array(depth).fill('n').join('/')}/p`] = '';
        notes.push(`nested ${depth}`);
        break;
      }
      case 6:
        files['dt/vmgenid@0/compatible'] = new Uint8Array(rng.int(0, 64)).map(() => rng.int(0, 255));
        notes.push('random compatible bytes');
        break;
      case 7:
        links['dt/dev-null'] = '/dev/null';
        notes.push('link to /dev/null');
        break;
      default:
        links['dt/vmgenid@0/reg2'] = '/proc/self/status';
        notes.push('link to a proc file');
    }
  }
  const argv = rng.pick([['dt'], ['dt/'], ['--all', 'dt'], ['-f', 'json', 'dt'], ['dt', 'dt']]);
  return { kind: 'folder', what: notes.join(', '), files, links, argv };
}

// ---------------------------------------------------------------- command lines

function argsCase(rng: Rng, corpus: Corpus): Case {
  const dtb = rng.pick(corpus.dtbs).bytes;
  const good = readFileSync(join(ROOT, 'fixtures/example/board.dts'));
  const files = { 'in.dtb': dtb, 'in.dts': good, 'sub/x.dts': good };
  const pool = [
    '--rule', 'vmgenid-node-name', '--rule=vmgenid-node-name', '--rule', '=', '--rule', 'x=y', '--rule', 'vmgenid-node-name=', '--rule', '=off',
    '-o', 'sub', '-o', 'in.dts', '-o', 'in.dtb', '-o', 'missing/dir/out', '-o', '', '-o', '-',
    '--max-warnings', '-1', '--max-warnings', '0x', '--max-warnings', '99999999999', '--max-warnings', '08',
    '--format', 'sarif', '-f', 'github', '-f', 'json', '-f', 'nope',
    '-', '-', 'in.dtb', 'in.dts', 'sub', 'missing.dts', '', '/', '--all', '-q', '--verbose', '--schema', 'sub', '--schema', 'in.dts', '--schema', 'missing.yaml',
    '-I', '', '-D', '', '-D', '=', '-D', 'X=', '-U', '', '--cpp', '--no-cpp', '-I', 'in.dts',
    'compile', 'dump', 'check-binding', 'list-checks', '--node', '', '--node', '/nonexistent', '--node', 'relative',
    '-O', 'dts', '-O', 'dtb', '--from', 'dtb', '--from', 'dts', '-p', '0xffffffff', '-S', '0xffffffff', '-a', '0', '-a', '3', '-a', '0x80000000', '-R', '0xffffffff', '-b', '0xffffffff', '-@', '-H', 'both',
    '--docs', '--help', '-V', '--', '--unknown',
  ];
  const argv: string[] = [];
  const n = rng.int(1, 7);
  for (let k = 0; k < n; k++) argv.push(rng.pick(pool));
  if (rng.chance(0.7)) argv.push(rng.pick(['in.dts', 'in.dtb', '-']));
  return { kind: 'args', what: 'args', files, argv, stdin: rng.chance(0.5) ? dtb : good };
}

export function makeCase(kind: Kind, rng: Rng, corpus: Corpus): Case {
  switch (kind) {
    case 'dtb':
      return dtbCase(rng, corpus);
    case 'dts':
      return dtsCase(rng, corpus);
    case 'yaml':
      return yamlCase(rng, corpus);
    case 'folder':
      return folderCase(rng);
    default:
      return argsCase(rng, corpus);
  }
}

// ---------------------------------------------------------------- running

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  problem: string | null;
  ms: number;
}

function materialize(dir: string, c: Case): void {
  for (const [path, data] of Object.entries(c.files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
  for (const [path, target] of Object.entries(c.links ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(target, join(dir, path));
  }
}

/** The case's files that its command reads (an -o target named nowhere else may be written). */
function inputsOf(c: Case): string[] {
  const outputs = new Set(c.argv.filter((_, i) => i > 0 && (c.argv[i - 1] === '-o' || c.argv[i - 1] === '--output')));
  return Object.keys(c.files).filter((p) => !outputs.has(p) || c.argv.filter((a) => a === p).length > 1);
}

function hashInputs(dir: string, c: Case): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of inputsOf(c)) {
    try {
      out.set(path, createHash('sha1').update(readFileSync(join(dir, path))).digest('hex'));
    } catch {
      out.set(path, 'unreadable');
    }
  }
  return out;
}

/** What is wrong with a finished run, or null. */
export function judge(code: number | null, stdout: string, stderr: string, toFile = false): string | null {
  const text = stdout + '\n' + stderr;
  if (code === 70 || code === null) return `internal error (exit ${code})`;
  if (![0, 1, 2].includes(code)) return `exit ${code}`;
  if (/^\s{4}at /m.test(stderr) || /\n {4}at \S+ \(/.test(text)) return 'stack trace';
  const m = /RangeError|TypeError|ReferenceError|SyntaxError: |Cannot read properties|Maximum call stack|is not a function|undefined is not|out of memory/.exec(text);
  if (m) return `JavaScript error in output: ${m[0]}`;
  if (code === 2 && !toFile && stdout.trim() === '' && stderr.trim() === '') return 'exit 2 without a message';
  return null;
}

async function runCase(c: Case, run: (argv: string[], io: import('../src/cli/io.js').CliIo) => Promise<number>): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-robust-'));
  const start = Date.now();
  try {
    materialize(dir, c);
    const before = hashInputs(dir, c);
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (chunk: string | Uint8Array) => {
        if (stdout.length < 1 << 20) stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
      },
      stderr: (t: string) => {
        if (stderr.length < 1 << 20) stderr += t;
      },
      readStdin: () => c.stdin ?? new Uint8Array(),
      stdoutIsTTY: false,
      env: {},
    };
    // Workers cannot chdir: names of the case's files become absolute paths.
    const local = new Set([...Object.keys(c.files), ...Object.keys(c.links ?? {}), 'missing.dts', 'missing.yaml', 'missing'].map((p) => p.split('/')[0]!));
    // Whatever follows -o is written: always inside the case's folder, never the working folder.
    const argv = c.argv.map((a, i) =>
      local.has(a.split('/')[0]!) || (i > 0 && ['-o', '--output'].includes(c.argv[i - 1]!) && a !== '-' && !a.startsWith('/'))
        ? join(dir, a) + (a.endsWith('/') ? '/' : '')
        : a,
    );
    let code: number | null;
    let problem: string | null;
    try {
      code = await run(argv, io);
      problem = judge(code, stdout, stderr, argv.includes('-o') || argv.includes('--output'));
    } catch (err) {
      code = 70;
      problem = `internal error: ${(err as Error)?.stack ?? String(err)}`.slice(0, 2000);
    }
    if (!problem) {
      const after = hashInputs(dir, c);
      for (const [p, h] of before) if (after.get(p) !== h) problem = `input ${p} changed`;
    }
    return { code, stdout, stderr, problem, ms: Date.now() - start };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function saveFailure(outDir: string, seed: number, index: number, c: Case, problem: string, out: Partial<Outcome>): void {
  const dir = join(outDir, `${c.kind}-${seed}-${index}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  materialize(dir, c);
  if (c.stdin) writeFileSync(join(dir, 'stdin'), c.stdin);
  const quoted = c.argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(
    join(dir, 'README'),
    `${problem}\n\nwhat: ${c.what}\n\nreproduce (in this folder):\n  node ${join(ROOT, 'bin/vmgenid-lint.js')} ${quoted}${c.stdin ? ' < stdin' : ''}\n\nstdout:\n${(out.stdout ?? '').slice(0, 4000)}\nstderr:\n${(out.stderr ?? '').slice(0, 4000)}\n`,
  );
}

/** Deterministic case i of a seed: its own generator, so a case can be replayed alone. */
function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

interface WorkerJob {
  seed: number;
  from: number;
  count: number;
  kinds: Kind[];
}

type WorkerMessage = { type: 'start'; index: number; kind: Kind; what: string } | { type: 'done'; index: number; kind: Kind; what: string; outcome: Outcome; c: Case };

async function workerMain(job: WorkerJob): Promise<void> {
  const { run } = await import('../src/cli/main.js');
  const corpus = await loadCorpus();
  for (let i = job.from; i < job.count; i++) {
    const kind = job.kinds[i % job.kinds.length]!;
    const c = makeCase(kind, caseRng(job.seed, i), corpus);
    parentPort!.postMessage({ type: 'start', index: i, kind, what: c.what } satisfies WorkerMessage);
    const outcome = await runCase(c, run);
    parentPort!.postMessage({ type: 'done', index: i, kind, what: c.what, outcome: { ...outcome, stdout: outcome.problem ? outcome.stdout : '', stderr: outcome.problem ? outcome.stderr : '' }, c: outcome.problem ? c : { ...c, files: {} } } satisfies WorkerMessage);
  }
}

async function main(argv: string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  const outDir = resolve(outIdx >= 0 ? argv[outIdx + 1]! : 'robustness-fuzz-failures');
  const rest = outIdx >= 0 ? [...argv.slice(0, outIdx), ...argv.slice(outIdx + 2)] : argv;
  const seed = Number(rest[0] ?? 1);
  const count = Number(rest[1] ?? 100);
  const kinds = (rest.slice(2).length > 0 ? rest.slice(2) : [...KINDS]) as Kind[];
  for (const k of kinds) if (!KINDS.includes(k)) throw new Error(`unknown kind ${k} (one of ${KINDS.join(', ')})`);
  const corpus = await loadCorpus();
  const perKind = new Map<Kind, number>();
  const failures: string[] = [];
  let next = 0;
  const started = Date.now();
  while (next < count) {
    let current: { index: number; kind: Kind; what: string } | null = null;
    next = await new Promise<number>((resolveNext) => {
      const worker = new Worker(fileURLToPath(import.meta.url), {
        workerData: { seed, from: next, count, kinds } satisfies WorkerJob,
        resourceLimits: { maxOldGenerationSizeMb: 3072 },
        stdout: true,
        stderr: true,
      });
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          const c = current!;
          failures.push(`${c.kind} #${c.index}: timeout (> ${TIMEOUT_MS / 1000} s): ${c.what}`);
          perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
          saveFailure(outDir, seed, c.index, makeCase(c.kind, caseRng(seed, c.index), corpus), 'timeout', {});
          void worker.terminate();
          resolveNext(c.index + 1);
        }, TIMEOUT_MS);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'start') {
          current = m;
          arm();
          return;
        }
        if (timer) clearTimeout(timer);
        perKind.set(m.kind, (perKind.get(m.kind) ?? 0) + 1);
        if (m.outcome.problem) {
          failures.push(`${m.kind} #${m.index}: ${m.outcome.problem.split('\n').slice(0, 3).join(' | ')} :: ${m.what.slice(0, 200)} :: ${m.c.argv.join(' ').slice(0, 200)}`);
          saveFailure(outDir, seed, m.index, m.c, m.outcome.problem, m.outcome);
        }
        if ((m.index + 1) % 100 === 0) process.stderr.write(`${m.index + 1}/${count} (${((Date.now() - started) / 1000).toFixed(0)} s, ${failures.length} failures)\n`);
      });
      worker.on('error', (err) => {
        if (timer) clearTimeout(timer);
        const c = current;
        failures.push(`${c?.kind} #${c?.index}: worker crashed: ${err.message} :: ${c?.what}`);
        resolveNext((c?.index ?? next) + 1);
      });
      worker.on('exit', (code) => {
        if (timer) clearTimeout(timer);
        if (code !== 0 && current && !failures.some((f) => f.startsWith(`${current!.kind} #${current!.index}:`))) {
          failures.push(`${current.kind} #${current.index}: worker exited ${code} :: ${current.what}`);
        }
        resolveNext(current ? current.index + 1 : count);
      });
    });
  }
  for (const f of failures) console.log(f);
  console.log(`${count} runs (${[...perKind].map(([k, n]) => `${k} ${n}`).join(', ')}), ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failures.length > 0 ? 1 : 0;
}

if (isMainThread) {
  if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (err) => {
        console.error(err);
        process.exitCode = 2;
      },
    );
  }
} else {
  await workerMain(workerData as WorkerJob);
}
