/**
 * What every vmgenid check shares: the check shape, the context a check runs
 * in, and the devicetree arithmetic the checks stand on (cells as bigint, reg
 * entries, address translation through `ranges`, interrupt parent resolution
 * with loop detection). Nothing here throws on a malformed tree: a helper
 * returns a problem in words instead, and the check decides what to report.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import type { Span } from '../source/span.js';
import type { Data } from '../tree/data.js';
import { liveNodeList } from '../tree/lookup.js';
import type { DeviceTree, Node, Property } from '../tree/node.js';
import { childCells, phandleIndex } from '../schema/json-view.js';
import { compatiblesOf, firstCell, stringValue } from '../tree/values.js';
import { isVmgenid } from '../vmgenid.js';

export type RuleSetting = Severity | 'off';

/** One named check, in the style of an ESLint rule module (and a row of dtc's checks.c table). */
export interface Check {
  /** Stable kebab-case name, used by `--rule NAME=…` and in every diagnostic. */
  name: string;
  /** Default severity. */
  severity: Severity;
  /** One line, for `list-checks`. */
  description: string;
  /** Why it matters and how to fix it. */
  docs: string;
  run(ctx: CheckContext): Diagnostic[];
}

export interface CheckContext {
  tree: DeviceTree;
  phandles: Map<number, Node>;
  /** Every vmgenid node, enabled or not, in tree order. */
  allVmgenids: Node[];
  /** The vmgenid nodes the device checks judge: the enabled ones outside overlay fragments. */
  vmgenids: Node[];
  /** Enabled vmgenid nodes inside an overlay fragment (`__overlay__`), whose context is the base tree's. */
  fragmentVmgenids: Node[];
}

export function createContext(tree: DeviceTree): CheckContext {
  const allVmgenids = liveNodeList(tree.root).filter((n) => isVmgenid(n));
  const enabled = allVmgenids.filter(isEnabled);
  return {
    tree,
    phandles: phandleIndex(tree.root),
    allVmgenids,
    vmgenids: enabled.filter((n) => !inOverlayFragment(n)),
    fragmentVmgenids: enabled.filter(inOverlayFragment),
  };
}

/**
 * True inside an overlay's `__overlay__` node: its parent's cells, ranges,
 * memory and interrupt parent belong to the base tree it will be applied to,
 * which this file does not have (dtc skips such nodes in its reg checks too).
 */
export function inOverlayFragment(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.name === '__overlay__') return true;
  return false;
}

// ---------------------------------------------------------------------------
// Reporting

/** A diagnostic about `node` (and one of its properties), placed at the property's span, else the node's. */
/** Cells `[first, first + count)` of a property: what a finding is about, when it is narrower than the property. */
export interface CellRange {
  first: number;
  count: number;
}

export function report(check: Pick<Check, 'name' | 'severity'>, node: Node, message: string, property?: string, cells?: CellRange): Diagnostic {
  const d: Diagnostic = { severity: check.severity, check: check.name, message, nodePath: node.path };
  if (property) d.property = property;
  const prop = property ? node.property(property) : undefined;
  // Point at the cells themselves when the source says where they were written.
  const cellSpan = prop && cells ? prop.value.spanOfBytes(cells.first * 4, (cells.first + cells.count) * 4) : null;
  const span: Span | null | undefined = cellSpan ?? prop?.span ?? node.spans[0];
  if (span) d.span = span;
  return d;
}

/** `0x…` in lowercase, as dtc and the kernel print addresses. */
export function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/** An inclusive range `0x…-0x…` for messages (a zero-sized range shows its base only). */
export function rangeText(start: bigint, size: bigint): string {
  return size > 0n ? `${hex(start)}-${hex(start + size - 1n)}` : hex(start);
}

// ---------------------------------------------------------------------------
// Properties

/** Enabled as Linux's of_device_is_available: no `status`, or "okay"/"ok". */
export function isEnabled(node: Node): boolean {
  const status = stringValue(node, 'status');
  return status === undefined || status === 'okay' || status === 'ok';
}

export { compatiblesOf, firstCell, stringValue };

/** The value's cells from `cellIndex`, `count` of them, as one big-endian number; null when the bytes run out. */
export function readCells(data: Data, cellIndex: number, count: number): bigint | null {
  if (count < 0 || (cellIndex + count) * 4 > data.length) return null;
  let value = 0n;
  for (let i = 0; i < count; i++) value = (value << 32n) | BigInt(data.cell((cellIndex + i) * 4));
  return value;
}

/** All the value's whole cells as numbers (a trailing partial cell is dropped). */
export function cellsOf(data: Data): number[] {
  const out: number[] = [];
  for (let p = 0; p + 4 <= data.length; p += 4) out.push(data.cell(p));
  return out;
}

// ---------------------------------------------------------------------------
// reg

/** The cells a node's `reg` is read with: its parent's, defaults 2/1, and whether each was written. */
export interface RegCells {
  address: number;
  size: number;
  addressWritten: boolean;
  sizeWritten: boolean;
}

export function regCells(node: Node): RegCells {
  const parent = node.parent;
  if (!parent) return { ...childCells(node), addressWritten: false, sizeWritten: false };
  const cells = childCells(parent);
  return {
    address: cells.address,
    size: cells.size,
    addressWritten: firstCell(parent, '#address-cells') !== undefined,
    sizeWritten: firstCell(parent, '#size-cells') !== undefined,
  };
}

export interface RegEntry {
  address: bigint;
  size: bigint;
}

export type RegResult = { ok: true; entries: RegEntry[]; cells: RegCells } | { ok: false; problem: string; cells: RegCells };

/**
 * A node's `reg` split into (address, size) entries with its parent's cells,
 * or why it cannot be: missing, empty, `#size-cells = <0>` (no size, so no
 * buffer), or a length that is not a whole number of entries.
 */
export function regEntries(node: Node): RegResult {
  const cells = regCells(node);
  const reg = node.property('reg');
  const where = node.parent ? node.parent.path : '/';
  if (!reg) return { ok: false, problem: 'has no reg property (the driver maps reg entry 0 as the generation ID buffer)', cells };
  if (reg.value.length === 0) return { ok: false, problem: 'has an empty reg property (no entries; the driver maps reg entry 0)', cells };
  if (cells.size === 0) {
    return { ok: false, problem: `has reg under ${where}, which has #size-cells = <0>: an entry has no size, so it cannot describe a buffer`, cells };
  }
  if (cells.address === 0) {
    return { ok: false, problem: `has reg under ${where}, which has #address-cells = <0>: an entry has no address`, cells };
  }
  const entryBytes = (cells.address + cells.size) * 4;
  if (reg.value.length % entryBytes !== 0) {
    return {
      ok: false,
      problem:
        `has a reg of ${reg.value.length} bytes, not a multiple of ${entryBytes} ` +
        `(each entry is #address-cells ${cells.address} + #size-cells ${cells.size} cells of 4 bytes, from ${where})`,
      cells,
    };
  }
  const entries: RegEntry[] = [];
  const perEntry = cells.address + cells.size;
  for (let i = 0; i * entryBytes < reg.value.length; i++) {
    const address = readCells(reg.value, i * perEntry, cells.address);
    const size = readCells(reg.value, i * perEntry + cells.address, cells.size);
    if (address === null || size === null) break;
    entries.push({ address, size });
  }
  return { ok: true, entries, cells };
}

/** The first reg entry when `reg` is well-formed (the one the driver maps). */
export function firstRegEntry(node: Node): RegEntry | null {
  const reg = regEntries(node);
  return reg.ok ? (reg.entries[0] ?? null) : null;
}

/** One past the largest address `cells` address cells can hold. */
export function addressSpaceEnd(cells: number): bigint {
  return 1n << BigInt(32 * cells);
}

// ---------------------------------------------------------------------------
// Address translation

export type Translation = { ok: true; address: bigint } | { ok: false; problem: string; bus: Node };

/**
 * Translate a bus address of `node`'s reg to a CPU address, as the kernel's
 * of_translate_address: through every ancestor bus's `ranges` up to the root.
 * An empty `ranges` is identity; a missing one means the bus's addresses are
 * not CPU addresses (nothing to translate through). Each `ranges` entry is
 * (child address: the bus's #address-cells, parent address: its parent's
 * #address-cells, size: the bus's #size-cells). The whole range must fit in
 * one window, or part of it would land somewhere else.
 */
export function translate(node: Node, address: bigint, size: bigint): Translation {
  let addr = address;
  for (let bus = node.parent; bus && bus.parent; bus = bus.parent) {
    const ranges = bus.property('ranges');
    if (!ranges) {
      return { ok: false, problem: `${bus.path} has no ranges property, so addresses on it are not CPU addresses`, bus };
    }
    if (ranges.value.length === 0) continue;
    const child = childCells(bus);
    const parentAddress = childCells(bus.parent).address;
    const perEntry = child.address + parentAddress + child.size;
    if (perEntry === 0 || ranges.value.length % (perEntry * 4) !== 0) {
      return {
        ok: false,
        problem:
          `the ranges of ${bus.path} (${ranges.value.length} bytes) is not a whole number of ` +
          `(${child.address} child + ${parentAddress} parent address + ${child.size} size)-cell entries`,
        bus,
      };
    }
    let mapped: bigint | null = null;
    let partial: string | null = null;
    for (let i = 0; i * perEntry * 4 < ranges.value.length; i++) {
      const base = i * perEntry;
      const childBase = readCells(ranges.value, base, child.address);
      const parentBase = readCells(ranges.value, base + child.address, parentAddress);
      const windowSize = readCells(ranges.value, base + child.address + parentAddress, child.size);
      if (childBase === null || parentBase === null || windowSize === null) break;
      if (addr < childBase || addr >= childBase + windowSize) continue;
      if (addr + size > childBase + windowSize) {
        partial = `${rangeText(addr, size)} runs past the end of the ranges window ${rangeText(childBase, windowSize)} of ${bus.path}`;
        continue;
      }
      mapped = parentBase + (addr - childBase);
      break;
    }
    if (mapped === null) {
      return { ok: false, problem: partial ?? `${hex(addr)} is outside every ranges window of ${bus.path}`, bus };
    }
    addr = mapped;
  }
  return { ok: true, address: addr };
}

/** A node's reg entries as CPU address ranges; entries that do not translate are left out. */
export function cpuRanges(node: Node): RegEntry[] {
  const reg = regEntries(node);
  if (!reg.ok) return [];
  const out: RegEntry[] = [];
  for (const e of reg.entries) {
    const t = translate(node, e.address, e.size);
    if (t.ok && e.size > 0n) out.push({ address: t.address, size: e.size });
  }
  return out;
}

/** The CPU address range of the buffer (reg entry 0), or null when it is malformed or does not translate. */
export function bufferRange(node: Node): RegEntry | null {
  const entry = firstRegEntry(node);
  if (!entry) return null;
  const t = translate(node, entry.address, entry.size);
  return t.ok ? { address: t.address, size: entry.size } : null;
}

// ---------------------------------------------------------------------------
// Interrupts

export type ParentResolution = { ok: true; parent: Node } | { ok: false; problem: string; property?: string };

/**
 * The interrupt parent as Linux's of_irq_find_parent finds it: follow
 * `interrupt-parent` where a node has one, else go to the tree parent, until
 * a node with `#interrupt-cells`. The start node's own `#interrupt-cells`
 * does not count (it is for its children). A phandle that points nowhere, or
 * a chain that comes back to a node it has passed, does not resolve.
 */
export function resolveInterruptParent(node: Node, phandles: Map<number, Node>): ParentResolution {
  const seen = new Set<Node>();
  const chain: string[] = [];
  let current = node;
  for (;;) {
    const prop = current.property('interrupt-parent');
    let next: Node | null;
    if (prop) {
      if (prop.value.length !== 4) {
        return { ok: false, problem: `interrupt-parent of ${current.path} is ${prop.value.length} bytes, not one phandle cell`, property: 'interrupt-parent' };
      }
      const ph = prop.value.cell(0);
      next = phandles.get(ph) ?? null;
      if (!next) return { ok: false, problem: `interrupt-parent <${hex(ph)}> of ${current.path} refers to no node`, property: 'interrupt-parent' };
    } else {
      next = current.parent;
      if (!next) {
        return { ok: false, problem: 'no interrupt-parent on the node or any ancestor leads to a node with #interrupt-cells' };
      }
    }
    if (seen.has(next)) {
      chain.push(next.path);
      return { ok: false, problem: `the interrupt-parent chain loops (${chain.join(' -> ')})`, property: 'interrupt-parent' };
    }
    seen.add(next);
    chain.push(next.path);
    if (next.property('#interrupt-cells')) return { ok: true, parent: next };
    current = next;
  }
}

/** An interrupt controller, or a nexus that maps interrupts on (`interrupt-map`). */
export function isInterruptController(node: Node): boolean {
  return node.property('interrupt-controller') !== undefined || node.property('interrupt-map') !== undefined;
}

export interface InterruptSpecifier {
  /** The interrupt parent the specifier is written for (a controller or a nexus). */
  controller: Node;
  cells: number[];
  /** 0-based index among the node's interrupts. */
  index: number;
  /** Index of the specifier's first cell in the property (after the phandle in `interrupts-extended`). */
  firstCell: number;
  /**
   * Where it lands after the `interrupt-map` of each nexus on the way: the
   * interrupt controller and its specifier (the same as above when the
   * parent is a controller; absent when a map does not resolve).
   */
  target?: { controller: Node; cells: number[] };
}

/**
 * The node's interrupts as (controller, specifier) pairs, from
 * `interrupts-extended` when present (it wins, as in the kernel), else from
 * `interrupts` with the resolved interrupt parent. Problems come in two
 * kinds so two checks can report them apart: the parent (does not resolve,
 * loops, is not a controller) and the cells (no or bad `#interrupt-cells`,
 * a length that does not divide).
 */
export interface InterruptInfo {
  property: 'interrupts' | 'interrupts-extended' | null;
  specifiers: InterruptSpecifier[];
  parentProblems: string[];
  cellProblems: string[];
  /** False when a problem stopped the parse, so `specifiers` may be incomplete. */
  complete: boolean;
}

/** `#interrupt-cells` of a controller, or why it cannot be used. */
function interruptCellsOf(controller: Node): number | string {
  const prop = controller.property('#interrupt-cells');
  if (!prop) return `${controller.path} has no #interrupt-cells`;
  if (prop.value.length !== 4) return `#interrupt-cells of ${controller.path} is ${prop.value.length} bytes, not one cell`;
  return prop.value.cell(0);
}

export function interruptsOf(node: Node, phandles: Map<number, Node>): InterruptInfo {
  const info: InterruptInfo = { property: null, specifiers: [], parentProblems: [], cellProblems: [], complete: true };
  const extended = node.property('interrupts-extended');
  const plain = node.property('interrupts');
  if (extended) {
    info.property = 'interrupts-extended';
    parseExtended(node, extended, phandles, info);
  } else if (plain) {
    info.property = 'interrupts';
    parsePlain(node, plain, phandles, info);
  }
  return info;
}

function parsePlain(node: Node, prop: Property, phandles: Map<number, Node>, info: InterruptInfo): void {
  const parent = resolveInterruptParent(node, phandles);
  if (!parent.ok) {
    info.parentProblems.push(parent.problem);
    info.complete = false;
    return;
  }
  const controller = parent.parent;
  if (!isInterruptController(controller)) {
    info.parentProblems.push(`interrupt parent ${controller.path} is neither an interrupt-controller nor a nexus with interrupt-map`);
  }
  const n = interruptCellsOf(controller);
  if (typeof n === 'string' || n === 0) {
    info.cellProblems.push(typeof n === 'string' ? n : `#interrupt-cells of ${controller.path} is 0`);
    info.complete = false;
    return;
  }
  if (prop.value.length % (n * 4) !== 0) {
    info.cellProblems.push(
      `interrupts is ${prop.value.length} bytes, not a whole number of specifiers of ${n} cells ` +
        `(#interrupt-cells = <${n}> in ${controller.path})`,
    );
    info.complete = false;
    return;
  }
  const cells = cellsOf(prop.value);
  for (let i = 0; i < cells.length; i += n) {
    info.specifiers.push(withTarget(node, { controller, cells: cells.slice(i, i + n), index: i / n, firstCell: i }, phandles, info));
  }
}

function parseExtended(node: Node, prop: Property, phandles: Map<number, Node>, info: InterruptInfo): void {
  if (prop.value.length % 4 !== 0) {
    info.cellProblems.push(`interrupts-extended is ${prop.value.length} bytes, not whole cells`);
    info.complete = false;
    return;
  }
  const cells = cellsOf(prop.value);
  for (let i = 0, index = 0; i < cells.length; index++) {
    const ph = cells[i]!;
    const controller = phandles.get(ph);
    if (!controller) {
      info.parentProblems.push(`interrupts-extended entry ${index} refers to phandle <${hex(ph)}>, which is no node`);
      info.complete = false;
      return;
    }
    if (!isInterruptController(controller)) {
      info.parentProblems.push(
        `interrupts-extended entry ${index} names ${controller.path}, which is neither an interrupt-controller nor a nexus with interrupt-map`,
      );
    }
    const n = interruptCellsOf(controller);
    if (typeof n === 'string') {
      info.cellProblems.push(`interrupts-extended entry ${index}: ${n}`);
      info.complete = false;
      return;
    }
    if (i + 1 + n > cells.length) {
      info.cellProblems.push(
        `interrupts-extended entry ${index} has ${cells.length - i - 1} specifier cells, but ${controller.path} has #interrupt-cells = <${n}>`,
      );
      info.complete = false;
      return;
    }
    info.specifiers.push(withTarget(node, { controller, cells: cells.slice(i + 1, i + 1 + n), index, firstCell: i + 1 }, phandles, info));
    i += 1 + n;
  }
}

/** Set a specifier's target, reporting a nexus map that does not resolve as a parent problem. */
function withTarget(node: Node, spec: InterruptSpecifier, phandles: Map<number, Node>, info: InterruptInfo): InterruptSpecifier {
  const mapped = mapThroughNexus(node, spec.controller, spec.cells, phandles);
  if (mapped.ok) spec.target = { controller: mapped.controller, cells: mapped.cells };
  else info.parentProblems.push(`interrupt ${spec.index} <${spec.cells.join(' ')}>: ${mapped.problem}`);
  return spec;
}

/** How many nexus maps an interrupt may pass through before we call it a loop. */
const MAX_NEXUS_DEPTH = 16;

type Mapped = { ok: true; controller: Node; cells: number[] } | { ok: false; problem: string };

/**
 * Follow an interrupt through `interrupt-map` nexuses to its controller, as
 * the kernel's of_irq_parse_raw: the child unit address (the device's first
 * reg address cells, as many as the nexus's #address-cells) and specifier,
 * masked by `interrupt-map-mask`, must equal an entry's; the entry names the
 * parent and its specifier. A node with `interrupt-controller` ends the walk.
 */
export function mapThroughNexus(device: Node, parent: Node, specifier: number[], phandles: Map<number, Node>): Mapped {
  let current = parent;
  let cells = specifier;
  let unit = unitAddressCells(device);
  const seen = new Set<Node>();
  for (let depth = 0; depth < MAX_NEXUS_DEPTH; depth++) {
    if (current.property('interrupt-controller') || !current.property('interrupt-map')) return { ok: true, controller: current, cells };
    if (seen.has(current)) return { ok: false, problem: `the interrupt-map of ${current.path} leads back to itself` };
    seen.add(current);
    const step = mapOnce(current, unit, cells, phandles);
    if (!step.ok) return step;
    current = step.controller;
    cells = step.cells;
    unit = step.unit;
  }
  return { ok: false, problem: `more than ${MAX_NEXUS_DEPTH} interrupt-map nexuses on the way to a controller` };
}

/** The device's unit address cells for interrupt-map matching (its first reg entry's address cells, if any). */
function unitAddressCells(device: Node): number[] {
  const reg = device.property('reg');
  if (!reg) return [];
  return cellsOf(reg.value).slice(0, regCells(device).address);
}

/** `#address-cells` as of_irq_parse_raw reads it for a nexus: its own or the nearest ancestor's, else 2. */
function nexusAddressCells(nexus: Node): number {
  for (let n: Node | null = nexus; n; n = n.parent) {
    const v = firstCell(n, '#address-cells');
    if (v !== undefined) return v;
  }
  return 2;
}

function mapOnce(
  nexus: Node,
  unit: number[],
  specifier: number[],
  phandles: Map<number, Node>,
): { ok: true; controller: Node; cells: number[]; unit: number[] } | { ok: false; problem: string } {
  const map = cellsOf(nexus.property('interrupt-map')!.value);
  const addressCells = nexusAddressCells(nexus);
  const interruptCells = firstCell(nexus, '#interrupt-cells') ?? 0;
  const childCells = addressCells + interruptCells;
  if (specifier.length !== interruptCells) {
    return { ok: false, problem: `${nexus.path} has #interrupt-cells = <${interruptCells}>, not ${specifier.length}` };
  }
  const child = [...Array.from({ length: addressCells }, (_, i) => unit[i] ?? 0), ...specifier];
  const maskProp = nexus.property('interrupt-map-mask');
  const mask = maskProp ? cellsOf(maskProp.value) : [];
  const masked = child.map((c, i) => (maskProp ? c & (mask[i] ?? 0) : c) >>> 0);
  for (let i = 0; i + childCells < map.length; ) {
    const entry = map.slice(i, i + childCells);
    const parent = phandles.get(map[i + childCells]!);
    if (!parent) return { ok: false, problem: `the interrupt-map of ${nexus.path} names phandle <${hex(map[i + childCells]!)}>, which is no node` };
    const parentAddressCells = firstCell(parent, '#address-cells') ?? 0;
    const parentInterruptCells = firstCell(parent, '#interrupt-cells');
    if (parentInterruptCells === undefined) return { ok: false, problem: `${parent.path}, named in the interrupt-map of ${nexus.path}, has no #interrupt-cells` };
    const start = i + childCells + 1;
    const end = start + parentAddressCells + parentInterruptCells;
    if (end > map.length) return { ok: false, problem: `the interrupt-map of ${nexus.path} ends in the middle of an entry` };
    if (entry.every((c, k) => c === masked[k])) {
      return { ok: true, controller: parent, unit: map.slice(start, start + parentAddressCells), cells: map.slice(start + parentAddressCells, end) };
    }
    i = end;
  }
  return { ok: false, problem: `no interrupt-map entry of ${nexus.path} matches <${masked.join(' ')}>` };
}
