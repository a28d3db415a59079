/**
 * The JSON view of a devicetree: each node as the object dt-schema validates.
 * Strings become string arrays, cells become matrices (rows split by the
 * parent's `#address-cells`/`#size-cells` for `reg` and `ranges`, by the
 * interrupt parent's `#interrupt-cells` for `interrupts`), flags become `true`,
 * child nodes nest, and `$nodename` holds the node's name.
 *
 * Value types come from the source's markers when the tree was compiled from
 * DTS; a blob has none, so its values are decoded with the types the schemas
 * declare, and guessed like dt-schema's dtb.py when no schema says.
 */
import { isTypeMarker, type Data } from '../tree/data.js';
import type { Node } from '../tree/node.js';

export type JsonValue = true | string[] | number[][] | JsonNode;
export interface JsonNode {
  [key: string]: JsonValue;
}

/** [rows [min,max], cells per row [min,max]]; 0 where unknown. */
export type MatrixDim = [[number, number], [number, number]];

/** What the schemas declare about a property name (SchemaSet provides it). */
export interface PropertyTypes {
  propertyTypes(name: string): readonly string[];
  propertyDim(name: string): MatrixDim | undefined;
}

/** No schemas: every blob value is guessed. */
export const NO_TYPES: PropertyTypes = {
  propertyTypes: () => [],
  propertyDim: () => undefined,
};

/** dt-schema's defaults when a parent does not say (DTSpec 2.3.5). */
export const DEFAULT_ADDRESS_CELLS = 2;
export const DEFAULT_SIZE_CELLS = 1;

function printableAscii(bytes: Uint8Array): boolean {
  return bytes.every((b) => b >= 0x20 && b < 0x7f);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** A string list: the value without its final NUL, split at NULs. */
function stringList(bytes: Uint8Array): string[] {
  const body = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.subarray(0, bytes.length - 1) : bytes;
  return latin1(body).split('\0');
}

/** Big-endian integers of `width` bytes; null when the length does not divide. */
function integers(bytes: Uint8Array, width: number, signed = false): number[] | null {
  if (bytes.length % width !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let p = 0; p < bytes.length; p += width) {
    switch (width) {
      case 1:
        out.push(signed ? view.getInt8(p) : view.getUint8(p));
        break;
      case 2:
        out.push(signed ? view.getInt16(p) : view.getUint16(p));
        break;
      case 4:
        out.push(signed ? view.getInt32(p) : view.getUint32(p));
        break;
      default:
        out.push(Number(signed ? view.getBigInt64(p) : view.getBigUint64(p)));
    }
  }
  return out;
}

/** The format a source-typed value was written in, when its markers agree on one. */
function markedFormat(value: Data): string | null {
  const types = new Set(value.markers.filter((m) => isTypeMarker(m.type)).map((m) => m.type));
  if (types.size === 0) return null;
  if (types.size === 1) {
    const [only] = types;
    if (only === 'string') return 'string-array';
    return `${only}-array`;
  }
  // Mixed (`"a", <1>`): dt-schema sees such a value only as bytes.
  return 'uint8-array';
}

/** The format dt-schema's dtb.py decodes a blob value with. */
function declaredFormat(name: string, bytes: Uint8Array, types: PropertyTypes): string | null {
  const declared = types.propertyTypes(name).filter((t) => t !== 'node');
  if (declared.length === 1) return declared[0]!;
  if (declared.length > 1) {
    if (declared.some((t) => t === 'string' || t === 'string-array')) {
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0 && printableAscii(bytes.subarray(0, bytes.length - 1).filter((b) => b !== 0))) {
        return 'string-array';
      }
      return declared.find((t) => !t.includes('string')) ?? null;
    }
    if (declared.includes('flag') && bytes.length > 0) return declared.find((t) => t !== 'flag') ?? null;
  }
  return null;
}

/** dt-schema's guess for an undeclared value: one printable string, else cells, else bytes. */
function guessedFormat(bytes: Uint8Array): string {
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0 && printableAscii(bytes.subarray(0, bytes.length - 1))) return 'string';
  return bytes.length % 4 === 0 ? 'uint32-array' : 'uint8-array';
}

const WIDTHS: Record<string, number> = { '8': 1, '16': 2, '32': 4, '64': 8 };

function widthOf(format: string): number {
  if (format.startsWith('phandle')) return 4;
  const m = /int(8|16|32|64)/.exec(format);
  return m ? WIDTHS[m[1]!]! : 4;
}

/** Split one row into rows of `stride` cells (a short last row is kept, so a schema can see it). */
function rows(cells: number[], stride: number): number[][] {
  if (stride <= 0) return [cells];
  const out: number[][] = [];
  for (let i = 0; i < cells.length; i += stride) out.push(cells.slice(i, i + stride));
  return out;
}

/** A property value in dt-schema's shape, before the address and interrupt regrouping. */
export function propertyJson(nodeName: string, name: string, value: Data, types: PropertyTypes): JsonValue {
  const bytes = value.bytes;
  if (bytes.length === 0) return true;
  if (nodeName === 'aliases' || nodeName === '__fixups__' || nodeName === '__symbols__') return stringList(bytes);
  const format = markedFormat(value) ?? declaredFormat(name, bytes, types) ?? guessedFormat(bytes);
  if (format.includes('string')) return stringList(bytes);
  if (format === 'flag') return [Array.from(bytes)];
  const cells = integers(bytes, widthOf(format), /(^|-)int/.test(format)) ?? integers(bytes, 1)!;
  // A matrix is split into rows by its declared shape, whatever the source's grouping.
  const declared = types.propertyTypes(name);
  if (format.includes('matrix') || format === 'phandle-array' || declared.some((t) => t.includes('matrix') || t === 'phandle-array')) {
    const dim = types.propertyDim(name);
    if (dim) {
      const [[, maxRows], [minCells, maxCells]] = dim;
      if (maxCells && minCells === maxCells) return rows(cells, maxCells);
      if (maxRows && dim[0][0] === maxRows && cells.length % maxRows === 0) return rows(cells, cells.length / maxRows);
    }
  }
  return [cells];
}

function firstCell(node: Node, name: string): number | undefined {
  const prop = node.property(name);
  if (!prop || prop.value.length < 4) return undefined;
  return prop.value.cell(0);
}

/** How many cells `node`'s children use for addresses and sizes. */
export function childCells(node: Node): { address: number; size: number } {
  return {
    address: firstCell(node, '#address-cells') ?? DEFAULT_ADDRESS_CELLS,
    size: firstCell(node, '#size-cells') ?? DEFAULT_SIZE_CELLS,
  };
}

/** Nodes by phandle, for interrupt parents. */
export function phandleIndex(root: Node): Map<number, Node> {
  const index = new Map<number, Node>();
  const visit = (node: Node) => {
    const ph = firstCell(node, 'phandle') ?? firstCell(node, 'linux,phandle');
    if (ph !== undefined && ph !== 0 && ph !== 0xffffffff && !index.has(ph)) index.set(ph, node);
    for (const child of node.liveChildren) visit(child);
  };
  visit(root);
  return index;
}

/** The interrupt parent of `node`: its own or its nearest ancestor's `interrupt-parent`, else the parent. */
export function interruptParent(node: Node, phandles: Map<number, Node>): Node | null {
  for (let n: Node | null = node; n; n = n.parent) {
    const ph = firstCell(n, 'interrupt-parent');
    if (ph !== undefined) return phandles.get(ph) ?? null;
  }
  return node.parent;
}

function flatten(value: JsonValue): number[] | null {
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0])) return null;
  return (value as number[][]).flat();
}

/** Regroup `reg`, `ranges`, `interrupts` and `interrupts-extended` as dt-schema does. */
function regroup(node: Node, obj: JsonNode, phandles: Map<number, Node>): void {
  const parentCells = node.parent ? childCells(node.parent) : { address: DEFAULT_ADDRESS_CELLS, size: DEFAULT_SIZE_CELLS };
  const reg = obj['reg'] && flatten(obj['reg']);
  if (reg) obj['reg'] = rows(reg, parentCells.address + parentCells.size);
  for (const name of ['ranges', 'dma-ranges']) {
    const cells = obj[name] && flatten(obj[name]);
    if (cells) obj[name] = rows(cells, childCells(node).address + parentCells.address + childCells(node).size);
  }
  const interrupts = obj['interrupts'] && flatten(obj['interrupts']);
  if (interrupts) {
    const parent = interruptParent(node, phandles);
    const icells = parent ? firstCell(parent, '#interrupt-cells') : undefined;
    if (icells) obj['interrupts'] = rows(interrupts, icells);
  }
  const extended = obj['interrupts-extended'] && flatten(obj['interrupts-extended']);
  if (extended) {
    const out: number[][] = [];
    for (let i = 0; i < extended.length; ) {
      const controller = phandles.get(extended[i]!);
      const icells = controller ? firstCell(controller, '#interrupt-cells') : undefined;
      if (icells === undefined) {
        out.push(extended.slice(i));
        break;
      }
      out.push(extended.slice(i, i + 1 + icells));
      i += 1 + icells;
    }
    obj['interrupts-extended'] = out;
  }
}

export interface JsonViewOptions {
  types?: PropertyTypes;
  /** Include child nodes as nested objects (dt-schema does; `dump --node` too). */
  children?: boolean;
}

/** One node (and by default its subtree) as dt-schema's JSON. */
export function nodeJson(node: Node, options: JsonViewOptions = {}, phandles = phandleIndex(rootOf(node))): JsonNode {
  const types = options.types ?? NO_TYPES;
  const obj: JsonNode = { $nodename: [node.parent ? node.name : '/'] };
  for (const prop of node.liveProperties) obj[prop.name] = propertyJson(node.name, prop.name, prop.value, types);
  regroup(node, obj, phandles);
  if (options.children !== false) {
    for (const child of node.liveChildren) obj[child.name] = nodeJson(child, options, phandles);
  }
  return obj;
}

function rootOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}
