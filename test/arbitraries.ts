/**
 * fast-check arbitraries for the property-based tests of the front ends:
 * valid devicetree sources (rendered from a generated model), random trees
 * built directly, hostile inputs (token soups of DTS and cpp vocabulary,
 * random bytes, mutations of valid sources and blobs).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Data } from '../src/tree/data.js';
import { Node, Property, type DeviceTree } from '../src/tree/node.js';
import { runCli } from './helpers.js';

// ---------------------------------------------------------------------------
// A model of a valid DTS source, rendered to text.

export type Bits = 8 | 16 | 32 | 64;

/** One cell of a `<…>` list: an integer written some way, a phandle reference, or a label. */
export type GenCell =
  | { kind: 'int'; value: bigint; form: 'dec' | 'hex' | 'HEX' | 'oct' | 'char' | 'neg' | 'expr'; suffix: string }
  | { kind: 'ref'; target: number }
  | { kind: 'label' };

export type GenChunk =
  | { kind: 'string'; pieces: string[]; nulEnd: boolean }
  | { kind: 'cells'; bits: Bits; items: GenCell[] }
  | { kind: 'bytes'; bytes: number[]; compact: boolean; labelAt: number | null }
  | { kind: 'pathref'; target: number }
  | { kind: 'incbin' };

export interface GenProp {
  name: string;
  labels: number;
  /** A label before each chunk (one flag per chunk) and one after the value. */
  chunkLabels: boolean[];
  endLabel: boolean;
  chunks: GenChunk[];
  /** How the property gets its final value: directly, over an earlier value, after a delete, or in a later `&label { }` block. */
  how: 'plain' | 'override' | 'redefine' | 'late';
}

export interface GenNode {
  base: string;
  unit: string | null;
  labels: number;
  omitIfNoRef: boolean;
  props: GenProp[];
  children: GenNode[];
  /** Doomed extras: properties and children added and then deleted. */
  doomedProps: number;
  doomedChildren: number;
  /** Delete the doomed children by label from the top level instead of by name. */
  deleteByLabel: boolean;
}

export interface GenSource {
  labelPrefix: string;
  memreserves: { address: bigint; size: bigint; label: boolean }[];
  root: GenNode;
}

const lower = 'abcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';
const nameTail = lower + digits + ',._+-';

const charFrom = (chars: string) => fc.constantFrom(...chars.split(''));

const nodeBase = fc
  .tuple(charFrom(lower), fc.array(charFrom(nameTail), { maxLength: 8 }))
  .map(([h, t]) => h + t.join(''));

/** Property names; the names dtc gives meaning to (phandle, name) are left out. */
const propName = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(charFrom(lower + digits + '_'), fc.array(charFrom(nameTail + '?#'), { maxLength: 10 })).map(([h, t]) => h + t.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('compatible', 'reg', 'status', 'model', '#address-cells', '#size-cells', 'ranges', 'interrupts', 'device_type', 'bootargs') },
).filter((n) => n !== 'name' && n !== 'phandle' && n !== 'linux,phandle');

const unitAddress = fc.oneof(
  fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v) => v.toString(16)),
  fc.tuple(fc.nat(0xff), fc.nat(0xffff)).map(([a, b]) => `${a.toString(16)},${b.toString(16)}`),
);

/** Source text of string contents: printable ASCII and escapes (no NUL inside, no byte above 0x7f; see stringChunk). */
const stringPiece = fc.oneof(
  { weight: 8, arbitrary: fc.array(charFrom(' !#$%&\'()*+,-./:;<=>?@ABCXYZ[]^_`abcxyz{|}~89'), { minLength: 1, maxLength: 6 }).map((c) => c.join('')) },
  { weight: 2, arbitrary: fc.constantFrom('\\n', '\\t', '\\r', '\\a', '\\b', '\\f', '\\v', '\\\\', '\\"', "\\'") },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x7f }).map((b) => '\\x' + b.toString(16).padStart(2, '0')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x7f }).map((b) => '\\' + b.toString(8).padStart(3, '0')) },
);

function intCell(bits: Bits): fc.Arbitrary<GenCell> {
  const max = (1n << BigInt(bits)) - 1n;
  const forms: fc.Arbitrary<GenCell>[] = [
    fc.bigInt({ min: 0n, max }).map((value) => ({ kind: 'int', value, form: 'dec', suffix: '' })),
    fc.bigInt({ min: 0n, max }).map((value) => ({ kind: 'int', value, form: 'hex', suffix: '' })),
    fc.bigInt({ min: 0n, max }).map((value) => ({ kind: 'int', value, form: 'HEX', suffix: '' })),
    fc.bigInt({ min: 0n, max: max > 0o7777n ? 0o7777n : max }).map((value) => ({ kind: 'int', value, form: 'oct', suffix: '' })),
    fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x27 && c !== 0x5c).map((c) => ({ kind: 'int', value: BigInt(c), form: 'char', suffix: '' })),
    fc.bigInt({ min: 1n, max: 1n << BigInt(bits - 1) }).map((value) => ({ kind: 'int', value, form: 'neg', suffix: '' })),
    fc.bigInt({ min: 0n, max: max > 0xffffn ? 0xffffn : max }).map((value) => ({ kind: 'int', value, form: 'dec', suffix: 'U' })),
    fc.bigInt({ min: 0n, max: 0xffn }).map((value) => ({ kind: 'int', value, form: 'hex', suffix: 'ULL' })),
  ];
  if (bits >= 32) forms.push(fc.bigInt({ min: 0n, max: 0xfffn }).map((value) => ({ kind: 'int', value, form: 'expr', suffix: '' })));
  return fc.oneof(...forms);
}

function cellsChunk(): fc.Arbitrary<GenChunk> {
  return fc.constantFrom<Bits>(32, 32, 8, 16, 64).chain((bits) => {
    const item: fc.Arbitrary<GenCell> =
      bits === 32
        ? fc.oneof(
            { weight: 6, arbitrary: intCell(32) },
            { weight: 2, arbitrary: fc.nat().map((target): GenCell => ({ kind: 'ref', target })) },
            { weight: 1, arbitrary: fc.constant<GenCell>({ kind: 'label' }) },
          )
        : fc.oneof({ weight: 6, arbitrary: intCell(bits) }, { weight: 1, arbitrary: fc.constant<GenCell>({ kind: 'label' }) });
    return fc.array(item, { maxLength: 6 }).map((items): GenChunk => ({ kind: 'cells', bits, items }));
  });
}

const chunk: fc.Arbitrary<GenChunk> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('string' as const), pieces: fc.array(stringPiece, { maxLength: 4 }), nulEnd: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }) },
  { weight: 4, arbitrary: cellsChunk() },
  {
    weight: 2,
    arbitrary: fc
      .record({ bytes: fc.array(fc.nat(255), { maxLength: 8 }), compact: fc.boolean(), labelAt: fc.option(fc.nat(8)) })
      .map((c): GenChunk => ({ kind: 'bytes', ...c })),
  },
  { weight: 1, arbitrary: fc.nat().map((target): GenChunk => ({ kind: 'pathref', target })) },
  { weight: 1, arbitrary: fc.constant<GenChunk>({ kind: 'incbin' }) },
);

/**
 * Values dtc's DTS writer cannot print back (so neither can ours, which must
 * print what dtc prints) are left out: an empty `<>` or `[]` beside other
 * chunks (dtc writes `< <0x01>`), and /incbin/ bytes after a typed chunk
 * (dtc prints them as that chunk's type, dropping a partial cell).
 */
function writableChunks(chunks: GenChunk[]): GenChunk[] {
  const empty = (c: GenChunk) => (c.kind === 'cells' && c.items.every((i) => i.kind === 'label')) || (c.kind === 'bytes' && c.bytes.length === 0);
  return chunks.filter((c, i) => !(c.kind === 'incbin' && i > 0) && !(chunks.length > 1 && empty(c)));
}

const genProp: fc.Arbitrary<GenProp> = fc
  .record({
    name: propName,
    labels: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
    chunks: fc.oneof({ weight: 1, arbitrary: fc.constant<GenChunk[]>([]) }, { weight: 6, arbitrary: fc.array(chunk, { minLength: 1, maxLength: 4 }) }),
    chunkLabelSeed: fc.array(fc.boolean(), { maxLength: 4 }),
    endLabel: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    how: fc.oneof(
      { weight: 8, arbitrary: fc.constant('plain' as const) },
      { weight: 1, arbitrary: fc.constant('override' as const) },
      { weight: 1, arbitrary: fc.constant('redefine' as const) },
      { weight: 2, arbitrary: fc.constant('late' as const) },
    ),
  })
  .map(({ chunkLabelSeed, chunks, ...p }) => ({ ...p, chunkLabelSeed, chunks: writableChunks(chunks) }))
  .map(({ chunkLabelSeed, ...p }) => ({
    ...p,
    chunkLabels: p.chunks.map((_, i) => chunkLabelSeed[i] === true && i % 2 === 1),
    endLabel: p.endLabel && p.chunks.length > 0,
  }));

function genNodeOfDepth(depth: number): fc.Arbitrary<GenNode> {
  return fc.record({
    base: nodeBase,
    unit: fc.option(unitAddress, { freq: 3 }),
    labels: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 }) }),
    omitIfNoRef: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    props: fc.array(genProp, { maxLength: 5 }),
    children: depth > 0 ? fc.array(genNodeOfDepth(depth - 1), { maxLength: 3 }) : fc.constant([]),
    doomedProps: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
    doomedChildren: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    deleteByLabel: fc.boolean(),
  });
}
const genNode = genNodeOfDepth(3);

/** A generated valid source (as a model; render it with renderSource). */
export const genSource: fc.Arbitrary<GenSource> = fc.record({
  labelPrefix: fc.tuple(charFrom(lower + 'ABZ_'), fc.array(charFrom(lower + digits + '_'), { maxLength: 4 })).map(([h, t]) => h + t.join('')),
  memreserves: fc.array(
    fc.record({ address: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), size: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), label: fc.boolean() }),
    { maxLength: 3 },
  ),
  root: genNode.map((n) => ({ ...n, base: '', unit: null, labels: 0, omitIfNoRef: false })),
});

/** Files the generated sources may read (`/incbin/`). */
export const INCBIN_FILES: Record<string, Uint8Array> = {
  'blob.bin': Uint8Array.from([0x61, 0x62, 0x00, 0x01, 0xff, 0x10, 0x00]),
};

interface Placed {
  gen: GenNode;
  path: string;
  labels: string[];
}

/** The source text of a generated model: a valid devicetree that dtc compiles without errors. */
export function renderSource(src: GenSource): string {
  let labelCounter = 0;
  const newLabel = () => `${src.labelPrefix}_${labelCounter++}`;
  let doomedCounter = 0;

  // First pass: names, paths and labels, so references can point anywhere.
  const placed: Placed[] = [];
  const placeOf = new Map<GenNode, Placed>();
  const childNames = new Map<GenNode, string[]>();
  const place = (gen: GenNode, path: string) => {
    const p: Placed = { gen, path, labels: Array.from({ length: gen.labels }, newLabel) };
    placed.push(p);
    placeOf.set(gen, p);
    const used = new Set<string>();
    const names: string[] = [];
    gen.children.forEach((c, i) => {
      let name = c.base + (c.unit !== null ? '@' + c.unit : '');
      if (used.has(name)) name = `${c.base}-${i}` + (c.unit !== null ? '@' + c.unit : '');
      used.add(name);
      names.push(name);
      place(c, (path === '/' ? '/' : path + '/') + name);
    });
    childNames.set(gen, names);
  };
  place(src.root, '/');

  // Nodes dropped by /omit-if-no-ref/ (or below one) are not reference targets.
  const targets = placed.filter((p) => !omittedOrBelow(p.gen, src.root));
  const target = (n: number) => targets[n % targets.length]!;
  const phandleRef = (n: number) => {
    const t = target(n);
    return t.labels.length > 0 ? `&${t.labels[n % t.labels.length]}` : `&{${t.path}}`;
  };

  const cellText = (c: GenCell, bits: Bits): string => {
    if (c.kind === 'ref') return phandleRef(c.target);
    if (c.kind === 'label') return `${newLabel()}:`;
    const v = c.value;
    switch (c.form) {
      case 'dec':
        return v.toString() + c.suffix;
      case 'hex':
        return '0x' + v.toString(16) + c.suffix;
      case 'HEX':
        return '0X' + v.toString(16).toUpperCase();
      case 'oct':
        return v === 0n ? '0' : '0' + v.toString(8);
      case 'char':
        return `'${String.fromCharCode(Number(v))}'`;
      case 'neg':
        return `(-${v})`;
      case 'expr': {
        const a = v & 0x3fn;
        const b = (v >> 6n) & 0x3fn;
        const ops = [`(${a} + ${b})`, `(${a} * ${b} - 3)`, `(${a} << ${b & 7n})`, `((${a} | ${b}) ^ 5)`, `(${a} / ${b + 1n} % 7)`, `(~${a} & 0xff)`, `(${a} > ${b} ? ${a} : -${b})`, `(!${a} || ${b} == 3 && ${a} != ${b})`];
        return ops[Number(v % BigInt(ops.length))]!;
      }
    }
    return String(bits);
  };

  const valueText = (p: GenProp): string => {
    if (p.chunks.length === 0) return '';
    const parts = p.chunks.map((c, i) => {
      const label = p.chunkLabels[i] ? `${newLabel()}: ` : '';
      switch (c.kind) {
        case 'string':
          return `${label}"${c.pieces.join('')}${c.nulEnd ? '\\0' : ''}"`;
        case 'cells': {
          const prefix = c.bits === 32 && (c.items.length & 1) === 0 ? '' : `/bits/ ${c.bits} `;
          return `${label}${prefix}<${c.items.map((item) => cellText(item, c.bits)).join(' ')}>`;
        }
        case 'bytes': {
          const items = c.bytes.map((b) => b.toString(16).padStart(2, '0'));
          if (c.labelAt !== null && c.labelAt <= items.length) items.splice(c.labelAt, 0, ` ${newLabel()}: `);
          return `${label}[${items.join(c.compact ? '' : ' ')}]`;
        }
        case 'pathref': {
          const t = target(c.target);
          return label + (t.labels.length > 0 && c.target % 2 === 0 ? `&${t.labels[0]}` : `&{${t.path}}`);
        }
        case 'incbin':
          return `${label}/incbin/("blob.bin")`;
      }
    });
    return ' = ' + parts.join(', ') + (p.endLabel ? ` ${newLabel()}:` : '');
  };

  const propText = (p: GenProp, indent: string): string => {
    const labels = Array.from({ length: p.labels }, () => `${newLabel()}: `).join('');
    return `${indent}${labels}${p.name}${valueText(p)};\n`;
  };

  // Deleting, overriding and redefining act between definitions of a node (within one body dtc
  // keeps both), so the final word goes in a later `&label { }` block.
  const late: string[] = [];
  const topDeletes: string[] = [];
  const nodeText = (gen: GenNode, name: string, level: number): string => {
    const indent = '\t'.repeat(level);
    const inner = indent + '\t';
    const here = placeOf.get(gen)!;
    let out = `${indent}${gen.omitIfNoRef ? '/omit-if-no-ref/ ' : ''}${here.labels.map((l) => l + ': ').join('')}${name} {\n`;
    const lateLines: string[] = [];
    const usedNames = new Set<string>();
    for (const p of gen.props) {
      if (usedNames.has(p.name)) continue;
      usedNames.add(p.name);
      if (p.how === 'late') lateLines.push(propText(p, '\t'));
      else if (p.how === 'override') {
        out += `${inner}${p.name} = "earlier";\n`;
        lateLines.push(propText(p, '\t'));
      } else if (p.how === 'redefine') {
        out += `${inner}${p.name} = <1 2>;\n`;
        lateLines.push(`\t/delete-property/ ${p.name};\n`, propText(p, '\t'));
      } else out += propText(p, inner);
    }
    for (let i = 0; i < gen.doomedProps; i++) {
      const d = `zz-doomed-${doomedCounter++}`;
      out += `${inner}${d} = "gone";\n`;
      lateLines.unshift(`\t/delete-property/ ${d};\n`);
    }
    gen.children.forEach((c, i) => {
      out += nodeText(c, childNames.get(gen)![i]!, level + 1);
    });
    for (let i = 0; i < gen.doomedChildren; i++) {
      const d = `zz-gone-${doomedCounter++}`;
      const label = `gone_${src.labelPrefix}_${doomedCounter}`;
      out += `${inner}${label}: ${d} { p = <1>; q { }; };\n`;
      if (gen.deleteByLabel) topDeletes.push(`/delete-node/ &${label};\n`);
      else lateLines.push(`\t/delete-node/ ${d};\n`);
    }
    out += `${indent}};\n`;
    if (lateLines.length > 0) {
      const ref = here.path === '/' ? '/' : here.labels.length > 0 ? `&${here.labels[0]}` : `&{${here.path}}`;
      late.push(`${ref} {\n${lateLines.join('')}};\n`);
    }
    return out;
  };

  let text = '/dts-v1/;\n';
  for (const r of src.memreserves) text += `${r.label ? `${newLabel()}: ` : ''}/memreserve/ 0x${r.address.toString(16)} 0x${r.size.toString(16)};\n`;
  text += nodeText(src.root, '/', 0);
  // `&label { }` blocks for nodes that /omit-if-no-ref/ drops would reference them: keep those inline.
  text += late.join('');
  text += topDeletes.join('');
  return text;
}

function omittedOrBelow(gen: GenNode, root: GenNode): boolean {
  const walk = (n: GenNode, omitted: boolean): boolean | null => {
    const o = omitted || n.omitIfNoRef;
    if (n === gen) return o;
    for (const c of n.children) {
      const r = walk(c, o);
      if (r !== null) return r;
    }
    return null;
  };
  return walk(root, false) ?? false;
}

/** A rendered valid source. */
export const validSource: fc.Arbitrary<string> = genSource.map(renderSource);

// ---------------------------------------------------------------------------
// Trees built directly (for the blob writer and reader): any names, any bytes.

interface RawNode {
  name: string;
  props: { name: string; bytes: Uint8Array }[];
  children: RawNode[];
}

const latin1NoNul = fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: 12 }).map((cs) => String.fromCharCode(...cs));
const rawName = fc.oneof({ weight: 3, arbitrary: nodeBase }, { weight: 1, arbitrary: latin1NoNul });

function rawNodeOfDepth(depth: number): fc.Arbitrary<RawNode> {
  return fc.record({
    name: rawName,
    props: fc.array(fc.record({ name: fc.oneof(propName, latin1NoNul), bytes: fc.uint8Array({ maxLength: 24 }) }), { maxLength: 5 }),
    children: depth > 0 ? fc.array(rawNodeOfDepth(depth - 1), { maxLength: 3 }) : fc.constant([]),
  });
}
const rawNode = rawNodeOfDepth(3);

function toNode(raw: RawNode, name: string): Node {
  const node = new Node(name);
  for (const p of raw.props) node.addProperty(new Property(p.name, new Data(p.bytes.slice())));
  for (const c of raw.children) node.addChild(toNode(c, c.name));
  return node;
}

/** A tree with arbitrary names and values (no NUL in names; reservations of non-zero size, since size 0 ends the list). */
export const rawTree: fc.Arbitrary<DeviceTree> = fc
  .record({
    root: rawNode,
    reserves: fc.array(fc.record({ address: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), size: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }) }), { maxLength: 4 }),
    bootCpuid: fc.nat({ max: 0xffffffff }),
    deleteSome: fc.boolean(),
  })
  .map(({ root, reserves, bootCpuid, deleteSome }) => {
    const tree: DeviceTree = { plugin: false, root: toNode(root, ''), reserves: reserves.map((r) => ({ ...r, labels: [], span: null })), bootCpuid };
    if (deleteSome) {
      // Deleted properties and nodes stay in the lists; the writer must skip them.
      const first = tree.root.properties[0];
      if (first) first.deleted = true;
      const child = tree.root.children[0];
      if (child) child.deleted = true;
    }
    return tree;
  });

/** A tree as plain data, for deep comparisons: live nodes and properties only. */
export interface PlainNode {
  name: string;
  props: [string, string][];
  children: PlainNode[];
}

export function plainNode(node: Node): PlainNode {
  return {
    name: node.name,
    props: node.liveProperties.map((p) => [p.name, Buffer.from(p.value.bytes).toString('hex')]),
    children: node.liveChildren.map(plainNode),
  };
}

export function plainTree(tree: DeviceTree): { root: PlainNode; reserves: [bigint, bigint][]; bootCpuid: number } {
  return { root: plainNode(tree.root), reserves: tree.reserves.map((r) => [r.address, r.size]), bootCpuid: tree.bootCpuid };
}

// ---------------------------------------------------------------------------
// Hostile input.

/** Pieces of DTS source, valid and broken, for token soups. */
export const DTS_VOCABULARY = [
  '/dts-v1/;', '/dts-v1/', '/plugin/;', '/memreserve/', '/bits/', '/delete-node/', '/delete-property/', '/omit-if-no-ref/',
  '/include/ "a.dtsi"', '/include/ "loop.dtsi"', '/include/ "missing.dtsi"', '/include/', '/incbin/("blob.bin")', '/incbin/("blob.bin", 2, 3)',
  '/incbin/("blob.bin", 0xffffffff, 9)', '/incbin/("nope")', '/incbin/(',
  '/', '{', '}', '};', '<', '>', '[', ']', '(', ')', ';', ',', '=', '&', '&{', '&{/}', '&{/a/b}', '&{', ':', 'l1:', 'l2:', '&l1', '&l2', '&nolabel',
  'node', 'node@1', 'n@0,1', 'a@', '@', 'prop', 'p-1', '#address-cells', '#size-cells', 'reg', 'compatible', 'phandle', 'linux,phandle', 'name', 'status',
  '"str"', '""', '"\\x"', '"\\777"', '"\\q"', '"a\\0b"', '"unterminated', '"\n"', "'a'", "'\\n'", "''", "'ab'", "'",
  '0', '1', '7', '0x10', '0X1F', '0777', '089', '0x', '123U', '4ULL', '0xffffffffffffffff', '0x1ffffffffffffffff', '18446744073709551616',
  '+', '-', '*', '%', '<<', '>>', '?', '!', '~', '&&', '||', '==', '!=', '<=', '>=', '^', '|', '\\',
  '/*', '*/', '/* c */', '//', '// c\n', '\n', ' ', '\t', '\r\n', '\0', '\x80', '\xff',
  '#include "a.dtsi"', '#define X 1\n', '#if 1\n', '#endif\n', '#line 5 "f"\n',
  'ab cd', '00', 'zz', '/bits/ 8', '/bits/ 16', '/bits/ 64', '/bits/ 7', '/bits/ 99999999999',
];

/** Pieces of preprocessor input, for token soups. */
export const CPP_VOCABULARY = [
  '\n#define ', '\n#undef ', '\n#if ', '\n#ifdef ', '\n#ifndef ', '\n#elif ', '\n#else', '\n#endif', '\n#elifdef ', '\n#include ', '\n#include_next ',
  '\n#error ', '\n#warning ', '\n#pragma ', '\n#pragma once', '\n#line ', '\n#ident ', '\n#assert ', '\n# ', '\n#', '#', '##', '#x', '\n',
  'defined', 'defined(', '__FILE__', '__LINE__', '__COUNTER__', '__DTS__', '__VA_ARGS__', '__VA_OPT__', '__has_include', '...',
  'A', 'B', 'X', 'F', 'G', 'F(', 'F(x)', 'G(a,b)', 'A B', 'A A', 'F(F(1))', 'x', 'y',
  '(', ')', ',', '1', '0', '2', '0x10', '1ULL', '9999999999999999999999', '-1', '+', '-', '*', '/', '%', '<<', '>>', '<', '>', '<=', '&&', '||', '!', '~', '?', ':', '==', '!=', '&', '|', '^',
  '"s"', '"x.h"', '"loop.h"', '"missing.h"', '<x.h>', '<', "'c'", "'", '"', '/*', '*/', '//', '\\\n', '\\', ' ', '\t', '\r', '\0', '\xfe',
  '/dts-v1/;', '/ {', '};', 'p = <A>;', '&l', '@',
];

/** A token soup: pieces of a vocabulary joined with spaces or nothing. */
export function tokenSoup(vocabulary: readonly string[], maxTokens = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.constantFrom(...vocabulary), fc.constantFrom('', ' ', ' ', '\n')), { maxLength: maxTokens })
    .map((parts) => parts.map(([t, sep]) => t + sep).join(''));
}

/** Random bytes as latin1 text (one character per byte). */
export const randomText = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'));

type TextMutation = { kind: 'delete' | 'dup' | 'insert' | 'replace'; pos: number; len: number; piece: string };

const textMutation = (vocabulary: readonly string[]): fc.Arbitrary<TextMutation> =>
  fc.record({
    kind: fc.constantFrom('delete' as const, 'dup' as const, 'insert' as const, 'replace' as const),
    pos: fc.nat(),
    len: fc.integer({ min: 1, max: 12 }),
    piece: fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 3 })),
  });

function applyTextMutation(text: string, m: TextMutation): string {
  const pos = text.length === 0 ? 0 : m.pos % (text.length + 1);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, pos) + text.slice(pos + m.len);
    case 'dup':
      return text.slice(0, pos + m.len) + text.slice(pos, pos + m.len) + text.slice(pos + m.len);
    case 'insert':
      return text.slice(0, pos) + m.piece + text.slice(pos);
    case 'replace':
      return text.slice(0, pos) + m.piece + text.slice(pos + m.len);
  }
}

/** A few mutations of a text from `base`. */
export function mutatedText(base: fc.Arbitrary<string>, vocabulary: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(base, fc.array(textMutation(vocabulary), { minLength: 1, maxLength: 4 }))
    .map(([text, ms]) => ms.reduce(applyTextMutation, text));
}

type BlobMutation =
  | { kind: 'flip'; pos: number; bit: number }
  | { kind: 'word'; pos: number; value: number }
  | { kind: 'truncate'; pos: number }
  | { kind: 'insert'; pos: number; bytes: Uint8Array }
  | { kind: 'dup'; pos: number; len: number };

/** Values that make blob parsers stumble: tokens, zero, all ones, sizes near limits. */
const INTERESTING_WORDS = [0, 1, 2, 3, 4, 9, 0x10, 0x11, 0x28, 0x38, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 0xd00dfeed, 16, 17, 18];

const blobMutation: fc.Arbitrary<BlobMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), bit: fc.nat(7) }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('word' as const), pos: fc.nat(), value: fc.oneof(fc.constantFrom(...INTERESTING_WORDS), fc.nat({ max: 0xffffffff })) }) },
  fc.record({ kind: fc.constant('truncate' as const), pos: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), pos: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('dup' as const), pos: fc.nat(), len: fc.integer({ min: 4, max: 32 }) }),
);

function applyBlobMutation(blob: Uint8Array, m: BlobMutation): Uint8Array {
  if (blob.length === 0) return blob;
  const pos = m.pos % blob.length;
  switch (m.kind) {
    case 'flip': {
      const b = blob.slice();
      b[pos]! ^= 1 << m.bit;
      return b;
    }
    case 'word': {
      const b = blob.slice();
      const at = pos & ~3;
      if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.value >>> 0);
      return b;
    }
    case 'truncate':
      return blob.slice(0, pos);
    case 'insert': {
      const b = new Uint8Array(blob.length + m.bytes.length);
      b.set(blob.subarray(0, pos));
      b.set(m.bytes, pos);
      b.set(blob.subarray(pos), pos + m.bytes.length);
      return b;
    }
    case 'dup': {
      const slice = blob.subarray(pos, pos + m.len);
      const b = new Uint8Array(blob.length + slice.length);
      b.set(blob.subarray(0, pos + slice.length));
      b.set(slice, pos + slice.length);
      b.set(blob.subarray(pos + slice.length), pos + 2 * slice.length);
      return b;
    }
  }
}

/** A few mutations of a blob from `base`. */
export function mutatedBlob(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(base, fc.array(blobMutation, { minLength: 1, maxLength: 4 }))
    .map(([blob, ms]) => ms.reduce(applyBlobMutation, blob));
}

/** Files a hostile source may include (by /include/, #include or /incbin/). */
export const HOSTILE_FILES: Record<string, string | Uint8Array> = {
  'a.dtsi': '/ { inc = <1>; };\n',
  'loop.dtsi': '/include/ "loop.dtsi"\n',
  'blob.bin': INCBIN_FILES['blob.bin']!,
  'x.h': '#define X 2\n#define F(x) (x + X)\n',
  'loop.h': '#include "loop.h"\n',
};

/** True for text that looks like a JavaScript stack trace or an internal error. */
export function looksLikeCrash(text: string): boolean {
  return /\n\s+at [^\n]*[(\s][^\n]*:\d+:\d+\)?/.test(text) || /internal error|TypeError|RangeError|ReferenceError|Maximum call stack/i.test(text);
}

/**
 * The property every front end's tests share: the CLI, given any of `inputs`
 * on standard input with any of `commands`, exits 0, 1 or 2 and prints no
 * stack trace.
 */
export async function assertCliSurvives(inputs: fc.Arbitrary<string | Uint8Array>, commands: readonly string[][], params: fc.Parameters<[string | Uint8Array, string[]]>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(inputs, fc.constantFrom(...commands), async (input, args) => {
      const r = await runCli(args, { stdin: input });
      assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}`);
      assert.ok(!looksLikeCrash(r.stderr), r.stderr);
    }),
    params,
  );
}

/**
 * Runs for a property: `n`, times PROPERTY_RUNS_SCALE when set (e.g. 50 for a
 * long local hunt; the seeds stay fixed, so a failure still reproduces).
 */
export function runs(n: number): number {
  const scale = Number(process.env['PROPERTY_RUNS_SCALE'] ?? '1');
  return Number.isFinite(scale) && scale > 0 ? Math.max(1, Math.round(n * scale)) : n;
}
