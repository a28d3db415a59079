/**
 * The JSON view of a devicetree: each node as the object dt-schema validates.
 * Strings become string arrays, cells become matrices (rows split by the
 * parent's `#address-cells`/`#size-cells` for `reg` and `ranges`, by the
 * interrupt parent's `#interrupt-cells` for `interrupts`), flags become `true`,
 * child nodes nest, and `$nodename` holds the node's name.
 *
 * Values are judged by their bytes, as dt-validate reads a blob: decoded with
 * the types the schemas declare, and guessed like dt-schema's dtb.py when no
 * schema says, whether the tree came from DTS or DTB (the source's markers
 * serve positions and messages only).
 */
import { latin1Bytes, type Data } from '../tree/data.js';
import type { Node } from '../tree/node.js';
import { phandleIndex, rootOf } from '../tree/lookup.js';
import { firstCell, hasStringEntry, stringList } from '../tree/values.js';
import { DEFAULT_ADDRESS_CELLS, DEFAULT_SIZE_CELLS } from '../tree/addresses.js';
import { rawBytes, type RawBytes } from './raw-bytes.js';


export type JsonValue = true | string[] | number[][] | RawBytes | JsonNode;
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


// These read values by index: a view (`subarray`, `DataView` on `.buffer`)
// of a small typed array makes V8 move its bytes off the heap first, and
// every property of every node comes through here.

/** Bytes [0, end) all printable ASCII (NULs too when `nulOk`). */
function printableAscii(bytes: Uint8Array, end = bytes.length, nulOk = false): boolean {
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 || b >= 0x7f) && !(nulOk && b === 0)) return false;
  }
  return true;
}


/** Big-endian integers of `width` bytes; null when the length does not divide. */
function integers(bytes: Uint8Array, width: number, signed = false): number[] | null {
  if (bytes.length % width !== 0) return null;
  // Made at its size: the view of every node lives through the whole lint, and a list grown by push
  // keeps room for seventeen numbers (most values here have one to four).
  const out: number[] = new Array<number>(bytes.length / width);
  for (let p = 0, i = 0; p < bytes.length; p += width, i++) {
    switch (width) {
      case 1: {
        const v = bytes[p]!;
        out[i] = signed ? (v << 24) >> 24 : v;
        break;
      }
      case 2: {
        const v = (bytes[p]! << 8) | bytes[p + 1]!;
        out[i] = signed ? (v << 16) >> 16 : v;
        break;
      }
      case 4: {
        const v = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
        out[i] = signed ? v : v >>> 0;
        break;
      }
      default: {
        let v = 0n;
        for (let k = 0; k < 8; k++) v = (v << 8n) | BigInt(bytes[p + k]!);
        out[i] = Number(signed ? BigInt.asIntN(64, v) : v);
      }
    }
  }
  return out;
}

/** The format dt-schema's dtb.py decodes a blob value with. */
function declaredFormat(name: string, bytes: Uint8Array, types: PropertyTypes): string | null {
  const declared = types.propertyTypes(name).filter((t) => t !== 'node');
  if (declared.length === 1) return declared[0]!;
  if (declared.length > 1) {
    if (declared.some((t) => t === 'string' || t === 'string-array')) {
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0 && printableAscii(bytes, bytes.length - 1, true)) {
        return 'string-array';
      }
      return declared.find((t) => !t.includes('string')) ?? null;
    }
    if (declared.includes('flag') && bytes.length > 0) return declared.find((t) => t !== 'flag') ?? null;
  }
  return null;
}

/** dt-schema's guess for an undeclared value: one printable string, else cells, else (null) bytes it leaves undecoded. */
function guessedFormat(bytes: Uint8Array): string | null {
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0 && printableAscii(bytes, bytes.length - 1)) return 'string';
  return bytes.length % 4 === 0 ? 'uint32-array' : null;
}

const WIDTHS: Record<string, number> = { '8': 1, '16': 2, '32': 4, '64': 8 };

/** What a format name says about decoding (a handful of names, each read once per run). */
const formatInfos = new Map<string, { string: boolean; width: number; signed: boolean; rows: boolean }>();
function formatInfo(format: string): { string: boolean; width: number; signed: boolean; rows: boolean } {
  let info = formatInfos.get(format);
  if (!info) {
    info = {
      string: format.includes('string'),
      width: widthOf(format),
      signed: /(^|-)int/.test(format),
      rows: format.includes('matrix') || format === 'phandle-array',
    };
    formatInfos.set(format, info);
  }
  return info;
}

function widthOf(format: string): number {
  if (format.startsWith('phandle')) return 4;
  const m = /int(8|16|32|64)/.exec(format);
  return m ? WIDTHS[m[1]!]! : 4;
}



/** Split `cells` into rows of `stride` as dt-schema's fix-ups do (a short last row is kept, so a schema can see it). */
function rows(cells: number[], stride: number): number[][] {
  if (stride <= 0) return [cells];
  const out: number[][] = [];
  for (let i = 0; i < cells.length; i += stride) out.push(cells.slice(i, i + stride));
  return out;
}

/** How many cells per row a matrix gets from its declared shape (dtb.py's rule); the whole value when unsure. */
function strideFor(dim: MatrixDim, length: number): number {
  const [[minRows, maxRows], [minCells, maxCells]] = dim;
  if (Math.max(minCells, maxCells) > 0 && minCells === maxCells) return maxCells;
  if (Math.max(minRows, maxRows) > 0 && minRows === maxRows) {
    return length % maxRows === 0 ? length / maxRows : length;
  }
  // Several row widths allowed: use one only when exactly one divides the value.
  if (minCells === 0 || maxCells === 0) return length;
  let fits = 0;
  let stride = 0;
  for (let d = minCells; d <= maxCells; d++) {
    if (length % d === 0) {
      fits++;
      stride = d;
    }
  }
  return fits === 1 ? stride : length;
}

/** A property value in dt-schema's shape, before the address, interrupt and phandle regrouping. */
export function propertyJson(nodeName: string, name: string, value: Data, types: PropertyTypes): JsonValue {
  const bytes = value.bytes;
  if (bytes.length === 0) return true;
  if (nodeName === 'aliases' || nodeName === '__fixups__' || nodeName === '__symbols__') return stringList(bytes);
  // Judged by its bytes alone, as dt-validate reads the blob: how the source wrote the value
  // (`/bits/ 64`, `/bits/ 8`, strings mixed with cells) does not count.
  const format = declaredFormat(name, bytes, types) ?? guessedFormat(bytes);
  if (format === null || format === 'flag') return rawBytes(bytes);
  const info = formatInfo(format);
  if (info.string) return stringList(bytes);
  let cells = integers(bytes, info.width, info.signed);
  if (!cells) {
    // A length the type does not divide: dt-schema falls back to one
    // 32-, 16- or 8-bit value when the length allows it, else raw bytes.
    if (bytes.length !== 4 && bytes.length !== 2 && bytes.length !== 1) return rawBytes(bytes);
    cells = integers(bytes, bytes.length)!;
  }
  if (info.rows) {
    const dim = types.propertyDim(name);
    if (dim) return rows(cells, strideFor(dim, cells.length));
  }
  return [cells];
}

/** A `#…-cells` count as dt-schema reads it: the first cell, 0 when the property is absent. */
function cellsOf(node: Node, name: string): number {
  return firstCell(node, name) ?? 0;
}

/**
 * The address and size cells dt-schema splits a node's `reg` with: the
 * nearest ancestor that sets each (it carries the last value down), else
 * 2 and 1.
 */
function inheritedCells(node: Node): { address: number; size: number } {
  let address: number | undefined;
  let size: number | undefined;
  for (let a = node.parent; a && (address === undefined || size === undefined); a = a.parent) {
    address ??= firstCell(a, '#address-cells');
    size ??= firstCell(a, '#size-cells');
  }
  return { address: address ?? DEFAULT_ADDRESS_CELLS, size: size ?? DEFAULT_SIZE_CELLS };
}

interface InterruptState {
  /** Cells per `interrupts` entry of this node. */
  own: number;
  /** What this node hands down to its children when it has no `#interrupt-cells`. */
  passOn: number;
}

const interruptMemo = new WeakMap<Map<number, Node>, Map<Node, InterruptState>>();

/**
 * dt-schema's interrupt cell count for a node: handed down the tree (from
 * the nearest ancestor with `#interrupt-cells`, 1 at the top), replaced by
 * the controller's count when the node names an `interrupt-parent`.
 */
function interruptState(node: Node, phandles: Map<number, Node>): InterruptState {
  let memo = interruptMemo.get(phandles);
  if (!memo) {
    memo = new Map();
    interruptMemo.set(phandles, memo);
  }
  const known = memo.get(node);
  if (known) return known;
  let start = 1;
  if (node.parent) {
    const parentCells = firstCell(node.parent, '#interrupt-cells');
    start = parentCells ?? interruptState(node.parent, phandles).passOn;
  }
  const ph = firstCell(node, 'interrupt-parent');
  if (ph !== undefined && ph !== 0xffffffff) {
    const controller = phandles.get(ph);
    if (controller) start = cellsOf(controller, '#interrupt-cells');
  }
  // An interrupt-map resets the count to the node's own (for what follows it).
  const mapAt = livePropertyIndex(node, 'interrupt-map');
  const own = mapAt >= 0 && mapAt < livePropertyIndex(node, 'interrupts') ? cellsOf(node, '#interrupt-cells') : start;
  const state = { own, passOn: mapAt >= 0 ? cellsOf(node, '#interrupt-cells') : start };
  memo.set(node, state);
  return state;
}

/** Where `name` is among the node's live properties (-1 when absent): asked for every node with interrupts. */
function livePropertyIndex(node: Node, name: string): number {
  const props = node.properties;
  for (let i = 0, live = 0; i < props.length; i++) {
    if (props[i]!.deleted) continue;
    if (props[i]!.name === name) return live;
    live++;
  }
  return -1;
}

/** The single row of a matrix value, or null when the value is not cells. */
function firstRow(value: JsonValue | undefined): number[] | null {
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0])) return null;
  const row = value[0] as unknown[];
  return row.every((x) => typeof x === 'number') ? (row as number[]) : null;
}

/** Properties whose phandle + arguments use a fixed or unusual cell count (dtb.py's table). */
const PHANDLE_ARGS: Record<string, string | number | null> = {
  'assigned-clocks': '#clock-cells',
  'assigned-clock-parents': '#clock-cells',
  'cooling-device': '#cooling-cells',
  'interrupts-extended': '#interrupt-cells',
  interconnects: '#interconnect-cells',
  mboxes: '#mbox-cells',
  'sound-dai': '#sound-dai-cells',
  'msi-parent': '#msi-cells',
  'gpio-ranges': 3,
  'nvmem-cells': null,
  'memory-region': null,
};

/** Cells of one phandle + arguments entry starting at `cells[0]`; 0 when it can't be told. */
function phandleEntrySize(cells: number[], cellName: string | number | null, phandles: Map<number, Node>): number {
  if (cells.length === 0) return 0;
  const ph = cells[0]!;
  if (ph === 0 || cellName === null) return 1;
  if (ph === 0xffffffff) return 0;
  const target = phandles.get(ph);
  if (!target) return 0;
  return (typeof cellName === 'number' ? cellName : cellsOf(target, cellName)) + 1;
}

function isGpioName(name: string): boolean {
  return (name.endsWith('-gpios') || name.endsWith('-gpio') || name === 'gpio' || name === 'gpios') && !name.endsWith(',nr-gpios');
}

/** GPIO specifiers split into entries: phandle + the controller's #gpio-cells. */
function gpioEntries(val: number[], phandles: Map<number, Node>): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < val.length; ) {
    const ph = val[i]!;
    let n: number;
    if (ph === 0) n = 0;
    else if (ph === 0xffffffff) {
      const next = val.indexOf(0xffffffff, i + 1);
      n = (next >= 0 && next < val.length - 1 ? next : val.length) - (i + 1);
    } else {
      const controller = phandles.get(ph);
      if (!controller) {
        out.push(val.slice(i));
        break;
      }
      n = cellsOf(controller, '#gpio-cells');
    }
    out.push(val.slice(i, i + n + 1));
    i += n + 1;
  }
  return out;
}

function underGpioHog(node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parent) if (n.property('gpio-hog')) return true;
  return false;
}

/** Regroup cell values into entries as dt-schema's dtb.py does after decoding. */
function regroup(node: Node, obj: JsonNode, phandles: Map<number, Node>, types: PropertyTypes): void {
  // Indexed loops over the properties (the object's keys so far, without a list made of them):
  // every node comes through here, mostly before the JIT has warmed up.
  const props = node.properties;
  // GPIO specifiers (hogs are left alone; whether a node is one is asked only when it has GPIO properties).
  let hog: boolean | undefined;
  for (let k = 0; k < props.length; k++) {
    if (props[k]!.deleted) continue;
    const name = props[k]!.name;
    if (!isGpioName(name)) continue;
    hog ??= underGpioHog(node);
    if (hog) break;
    const val = firstRow(obj[name]);
    if (val) obj[name] = gpioEntries(val, phandles);
  }

  // Interrupt specifiers.
  const interrupts = firstRow(obj['interrupts']);
  if (interrupts) {
    const icells = interruptState(node, phandles).own;
    if (icells > 0) obj['interrupts'] = rows(interrupts, icells);
  }
  const map = firstRow(obj['interrupt-map']);
  if (map) {
    const ac = cellsOf(node, '#address-cells');
    const ic = cellsOf(node, '#interrupt-cells');
    const ph = map[ac + ic];
    const controller = ph !== undefined ? phandles.get(ph) : undefined;
    if (controller) {
      const stride = ac + ic + 1 + cellsOf(controller, '#address-cells') + cellsOf(controller, '#interrupt-cells');
      obj['interrupt-map'] = rows(map, stride);
    }
  }

  // Addresses: reg by the cells handed down, ranges by those plus the node's own.
  const reg = firstRow(obj['reg']);
  const ranges = firstRow(obj['ranges']);
  const dmaRanges = firstRow(obj['dma-ranges']);
  if (reg || ranges || dmaRanges) {
    const cells = inheritedCells(node);
    if (reg) obj['reg'] = rows(reg, cells.address + cells.size);
    const own = ranges || dmaRanges ? cellsOf(node, '#address-cells') + cellsOf(node, '#size-cells') : 0;
    if (ranges) obj['ranges'] = rows(ranges, cells.address + own);
    if (dmaRanges) obj['dma-ranges'] = rows(dmaRanges, cells.address + own);
  }

  // Other phandle + arguments lists, for properties the schemas type as phandle-array.
  for (let k = 0; k < props.length; k++) {
    if (props[k]!.deleted) continue;
    const name = props[k]!.name;
    // The type first: a lookup, where firstRow looks at every cell.
    if (!types.propertyTypes(name).includes('phandle-array')) continue;
    const value = obj[name];
    if (!Array.isArray(value) || value.length !== 1) continue;
    const val = firstRow(value);
    if (!val) continue;
    let cellName: string | number | null;
    if (name in PHANDLE_ARGS) cellName = PHANDLE_ARGS[name]!;
    else if (name.endsWith('s') && !name.includes('gpio')) {
      cellName = `#${name.slice(0, -1)}-cells`;
      if (phandleEntrySize(val, cellName, phandles) === 0) continue;
    } else continue;
    const out: number[][] = [];
    for (let i = 0; i < val.length; ) {
      let n = phandleEntrySize(val.slice(i), cellName, phandles);
      if (n === 0) break;
      if (name === 'interconnects') n += phandleEntrySize(val.slice(i + n), cellName, phandles);
      out.push(val.slice(i, i + n));
      i += n;
    }
    obj[name] = out;
  }
}

export interface JsonViewOptions {
  types?: PropertyTypes;
  /** Include child nodes as nested objects (dt-schema does; `dump --node` too). */
  children?: boolean;
  /**
   * Nodes already turned into JSON (with the same options), reused as they
   * are: linting every node would otherwise rebuild each subtree once per
   * ancestor. The validators never modify what they are given.
   */
  cache?: Map<Node, JsonNode>;
  /** Per parent, its own properties as its children see them under `$parent` (see parentJson). */
  parentCache?: Map<Node, JsonNode>;
  /**
   * Give child nodes their `$nodename` too (dump). dt-validate names a node
   * only when its walk down from the root reaches it, so while a node is
   * judged its descendants have none (a parent's rule on its children's
   * names never fires); the lint names each node just before judging it.
   */
  childNames?: boolean;
}

/**
 * Facts about a node's place in the tree that dt-schema's validator knows
 * but its JSON does not hold. `$parent` (the parent's properties and
 * `$nodename`, no children) is a non-enumerable own property, the first of
 * every node object: core schemas can test it (a parent's cells and name)
 * while `additionalProperties`, `Object.keys`, dumps and JSON.stringify never
 * see it, and every node object starts along the same hidden classes, which
 * the validators' property reads (and a run over many boards) depend on; a
 * prototype per parent holding `$parent` made a new family of hidden classes
 * for each parent. Whether the node counts as disabled (its own status, or an
 * ancestor's handed down, as dt-validate does) and whether it sits under a
 * `__…__` node (which dt-validate does not look at) only our code reads: a
 * symbol-keyed bit set, on the few nodes that have one.
 */
const FACTS = Symbol('facts');
const DISABLED_FACT = 1;
const IGNORED_FACT = 2;

interface NodeFacts {
  [FACTS]?: number;
}

/** `parent`'s own properties and name, as its children's `$parent`: made once per parent when there is a cache. */
function parentJson(parent: Node, types: PropertyTypes, cache: Map<Node, JsonNode> | undefined): JsonNode {
  let json = cache?.get(parent);
  if (!json) {
    json = shallowJson(parent, types);
    cache?.set(parent, json);
  }
  return json;
}

function facts(obj: unknown): number {
  return typeof obj === 'object' && obj !== null ? ((obj as NodeFacts)[FACTS] ?? 0) : 0;
}

/** Whether dt-validate leaves this JSON node alone (it is under a `__…__` node). */
export function isIgnored(obj: unknown): boolean {
  return (facts(obj) & IGNORED_FACT) !== 0;
}

/**
 * A copy of a node's JSON, `$parent` and the facts kept, that the lint can
 * change without touching the cached view: its compatible (a typo judged as
 * meant), or whether the validators leave it alone (`judged`: a vmgenid node
 * inside an overlay fragment, which dt-validate would skip with the rest of
 * `__overlay__` but whose own properties the linter can judge).
 */
export function copyNodeJson(obj: JsonNode, judged = false): JsonNode {
  const copy = {} as JsonNode & NodeFacts;
  const parent = Object.getOwnPropertyDescriptor(obj, '$parent');
  if (parent) Object.defineProperty(copy, '$parent', parent);
  Object.assign(copy, obj);
  if (judged) {
    const bits = facts(obj) & ~IGNORED_FACT;
    if (bits !== 0) copy[FACTS] = bits;
    else delete copy[FACTS];
  }
  return copy;
}

/** Whether this JSON node counts as disabled. */
export function isDisabledNode(obj: unknown): boolean {
  return (facts(obj) & DISABLED_FACT) !== 0;
}

/** Whether dt-validate treats the node as disabled: its own status says so, or (without one) its parent's. */
function effectivelyDisabled(node: Node, cache: Map<Node, JsonNode> | undefined): boolean {
  for (let n: Node | null = node; n; n = n.parent) {
    const known = n !== node ? cache?.get(n) : undefined;
    if (known) return isDisabledNode(known);
    const status = n.property('status');
    if (status) return hasStringEntry(status.value.bytes, DISABLED);
  }
  return false;
}

const DISABLED = latin1Bytes('disabled');

function ignoredNode(node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parent) if (n.parent && n.name.startsWith('__')) return true;
  return false;
}

function shallowJson(node: Node, types: PropertyTypes): JsonNode {
  const obj: JsonNode = { $nodename: [node.parent ? node.name : '/'] };
  const props = node.properties;
  for (let i = 0; i < props.length; i++) {
    const prop = props[i]!;
    if (!prop.deleted) obj[prop.name] = propertyJson(node.name, prop.name, prop.value, types);
  }
  return obj;
}

/** One node (and by default its subtree) as dt-schema's JSON. */
export function nodeJson(node: Node, options: JsonViewOptions = {}, phandles = phandleIndex(rootOf(node)), nested = false): JsonNode {
  const cached = options.cache?.get(node);
  if (cached) return cached;
  const types = options.types ?? NO_TYPES;
  const obj = {} as JsonNode & NodeFacts;
  if (node.parent) Object.defineProperty(obj, '$parent', { value: parentJson(node.parent, types, options.parentCache), enumerable: false, writable: true, configurable: true });
  const bits = (effectivelyDisabled(node, options.cache) ? DISABLED_FACT : 0) | (ignoredNode(node) ? IGNORED_FACT : 0);
  if (bits !== 0) obj[FACTS] = bits;
  if (!nested || options.childNames) obj['$nodename'] = [node.parent ? node.name : '/'];
  const props = node.properties;
  for (let i = 0; i < props.length; i++) {
    const prop = props[i]!;
    if (!prop.deleted) obj[prop.name] = propertyJson(node.name, prop.name, prop.value, types);
  }
  regroup(node, obj, phandles, types);
  if (options.children !== false) {
    // dt-schema leaves `__symbols__`, `__fixups__` and the like out of the tree.
    const children = node.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (!child.deleted && !child.name.startsWith('__')) obj[child.name] = nodeJson(child, options, phandles, true);
    }
  }
  options.cache?.set(node, obj);
  return obj;
}
