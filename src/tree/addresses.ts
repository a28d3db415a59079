/**
 * Addresses as the kernel reads them: the cells a node's `reg` is split
 * with, its (address, size) entries, and their translation to CPU addresses
 * through every ancestor bus's `ranges` (of_translate_address). Values are
 * read from their bytes in 32-bit cells, as from the blob: `/bits/ 64
 * <a b>` is four cells. Nothing here throws on a malformed tree: a helper
 * returns the problem in words and the caller decides what to report.
 */
import type { Data } from './data.js';
import type { Node } from './node.js';
import { firstCell } from './values.js';
import { shownName } from '../source/quote.js';

/** DTSpec's defaults when a parent does not say (dtc and dt-schema use them too). */
export const DEFAULT_ADDRESS_CELLS = 2;
export const DEFAULT_SIZE_CELLS = 1;

/** How many cells `node`'s children use for addresses and sizes (the defaults when unsaid). */
export function childCells(node: Node): { address: number; size: number } {
  return {
    address: firstCell(node, '#address-cells') ?? DEFAULT_ADDRESS_CELLS,
    size: firstCell(node, '#size-cells') ?? DEFAULT_SIZE_CELLS,
  };
}

/** The value's cells from `cellIndex`, `count` of them, as one big-endian number; null when the bytes run out. */
export function readCells(data: Data, cellIndex: number, count: number): bigint | null {
  if (count < 0 || (cellIndex + count) * 4 > data.length) return null;
  let value = 0n;
  for (let i = 0; i < count; i++) value = (value << 32n) | BigInt(data.cell((cellIndex + i) * 4));
  return value;
}

/** All the value's whole cells as numbers (a trailing partial cell is dropped). */
export function cellList(data: Data): number[] {
  const out: number[] = [];
  for (let p = 0; p + 4 <= data.length; p += 4) out.push(data.cell(p));
  return out;
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
  if (!reg) return { ok: false, problem: `has no reg property (the driver maps reg entry 0 as the generation ID buffer)`, cells };
  if (reg.value.length === 0) return { ok: false, problem: `has an empty reg property (no entries; the driver maps reg entry 0)`, cells };
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

/** The first reg entry when `reg` is well-formed (the one a driver maps as resource 0). */
export function firstRegEntry(node: Node): RegEntry | null {
  const reg = regEntries(node);
  return reg.ok ? (reg.entries[0] ?? null) : null;
}

/** One past the largest address `cells` address cells can hold. */
export function addressSpaceEnd(cells: number): bigint {
  return 1n << BigInt(32 * cells);
}

// ---------------------------------------------------------------------------
// Translation through ranges

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
      return { ok: false, problem: `${shownName(bus.path)} has no ranges property, so addresses on it are not CPU addresses`, bus };
    }
    if (ranges.value.length === 0) continue;
    const child = childCells(bus);
    const parentAddress = childCells(bus.parent).address;
    const perEntry = child.address + parentAddress + child.size;
    if (perEntry === 0 || ranges.value.length % (perEntry * 4) !== 0) {
      return {
        ok: false,
        problem:
          `the ranges of ${shownName(bus.path)} (${ranges.value.length} bytes) is not a whole number of ` +
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
        partial = `${rangeText(addr, size)} runs past the end of the ranges window ${rangeText(childBase, windowSize)} of ${shownName(bus.path)}`;
        continue;
      }
      mapped = parentBase + (addr - childBase);
      break;
    }
    if (mapped === null) {
      return { ok: false, problem: partial ?? `${hex(addr)} is outside every ranges window of ${shownName(bus.path)}`, bus };
    }
    addr = mapped;
  }
  return { ok: true, address: addr };
}

/** A node's reg entries as CPU address ranges; entries that do not translate, or have no size, are left out. */
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

/** reg entry 0 as a CPU address range (a driver's resource 0), or null when it is malformed or does not translate. */
export function firstCpuRange(node: Node): RegEntry | null {
  const entry = firstRegEntry(node);
  if (!entry) return null;
  const t = translate(node, entry.address, entry.size);
  return t.ok ? { address: t.address, size: entry.size } : null;
}
