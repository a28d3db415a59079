/**
 * The memory map as Linux builds it from the tree at boot (drivers/of/fdt.c,
 * drivers/of/of_reserved_mem.c), and which pages end up in the kernel's
 * linear map:
 *
 * - RAM is the `reg` (or `linux,usable-memory`, which replaces it) of the
 *   root's available children with `device_type = "memory"`, read with the
 *   root's cells; each bank is trimmed inward to whole pages
 *   (early_init_dt_add_memory_arch). `linux,usable-memory-range` in /chosen
 *   limits RAM to its ranges.
 * - /reserved-memory counts only when its #address-cells and #size-cells
 *   equal the root's and it has `ranges` (__reserved_mem_check_root); then
 *   its available children's `reg` are carve-outs, and `no-map` takes them
 *   out of the linear map (byte-exact in memblock). A no-map region over RAM
 *   that an earlier region already reserved is refused (-EBUSY) and stays
 *   mapped.
 * - The linear map holds every page that has RAM not marked no-map; ioremap
 *   refuses a range whose first page is such a page (arm64), and the
 *   resource request of a driver fails on any page of System RAM.
 */
import type { DeviceTree, Node } from './node.js';
import { rangeText, readCells } from './addresses.js';
import { isAvailable } from './devices.js';
import { firstCell, stringValue } from './values.js';
import { shownName } from '../source/quote.js';

/** A half-open CPU address interval [start, end). */
export interface Interval {
  start: bigint;
  end: bigint;
}

/** Linux's root cells when the root does not say (OF_ROOT_NODE_ADDR_CELLS_DEFAULT, OF_ROOT_NODE_SIZE_CELLS_DEFAULT). */
export const LINUX_ROOT_ADDRESS_CELLS = 1;
export const LINUX_ROOT_SIZE_CELLS = 1;

/** Page sizes arm64 kernels are built with; 4 KiB is also the smallest any architecture uses. */
export const PAGE_SIZES: readonly bigint[] = [0x1000n, 0x4000n, 0x10000n];

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** `pieces` minus `cut`, each piece split around it. */
export function subtract(pieces: readonly Interval[], cut: Interval): Interval[] {
  const out: Interval[] = [];
  for (const p of pieces) {
    if (!overlaps(p, cut)) {
      out.push(p);
      continue;
    }
    if (p.start < cut.start) out.push({ start: p.start, end: cut.start });
    if (cut.end < p.end) out.push({ start: cut.end, end: p.end });
  }
  return out;
}

/** `pieces` within `window`. */
export function clip(pieces: readonly Interval[], window: Interval): Interval[] {
  const out: Interval[] = [];
  for (const p of pieces) {
    const start = p.start > window.start ? p.start : window.start;
    const end = p.end < window.end ? p.end : window.end;
    if (start < end) out.push({ start, end });
  }
  return out;
}

/** The pages of `pageSize` that `range` touches, as one interval. */
export function pagesOf(range: Interval, pageSize: bigint): Interval {
  return { start: (range.start / pageSize) * pageSize, end: ((range.end + pageSize - 1n) / pageSize) * pageSize };
}

export interface RamBank {
  node: Node;
  property: 'reg' | 'linux,usable-memory' | 'linux,usable-memory-range';
  /** As written. */
  written: Interval;
  /** What Linux adds to memblock: the whole pages inside it (null when none). */
  pages: Interval | null;
}

export interface Carveout {
  node: Node;
  range: Interval;
  noMap: boolean;
  /** Why Linux does not honour the no-map (the region stays mapped). */
  refused?: string;
}

export interface ReservedMemory {
  node: Node | null;
  /** Why Linux ignores /reserved-memory as a whole; null when it reads it. */
  ignored: string | null;
  /** The static carve-outs of its available children (empty when ignored). */
  regions: Carveout[];
}

export interface MemoryMap {
  pageSize: bigint;
  banks: RamBank[];
  reserved: ReservedMemory;
  memreserve: Interval[];
}

interface RootCells {
  address: number;
  size: number;
}

function rootCells(root: Node): RootCells {
  return {
    address: firstCell(root, '#address-cells') ?? LINUX_ROOT_ADDRESS_CELLS,
    size: firstCell(root, '#size-cells') ?? LINUX_ROOT_SIZE_CELLS,
  };
}

/** A property's (base, size) entries read with the root's cells, as the flat-tree scans read them; a partial entry is dropped. */
function rootEntries(node: Node, name: string, cells: RootCells): Interval[] {
  const prop = node.property(name);
  const out: Interval[] = [];
  const per = cells.address + cells.size;
  if (!prop || per === 0) return out;
  for (let i = 0; (i + 1) * per * 4 <= prop.value.length; i++) {
    const base = readCells(prop.value, i * per, cells.address);
    const size = readCells(prop.value, i * per + cells.address, cells.size);
    if (base === null || size === null || size === 0n) continue;
    out.push({ start: base, end: base + size });
  }
  return out;
}

/** A bank trimmed inward to whole pages, as early_init_dt_add_memory_arch; null when no whole page is left. */
function wholePages(range: Interval, pageSize: bigint): Interval | null {
  const start = ((range.start + pageSize - 1n) / pageSize) * pageSize;
  const end = (range.end / pageSize) * pageSize;
  return start < end ? { start, end } : null;
}

function ramBanks(root: Node, cells: RootCells, pageSize: bigint): RamBank[] {
  const banks: RamBank[] = [];
  for (const node of root.liveChildren) {
    if (stringValue(node, 'device_type') !== 'memory' || !isAvailable(node)) continue;
    const property = node.property('linux,usable-memory') ? 'linux,usable-memory' : 'reg';
    for (const written of rootEntries(node, property, cells)) banks.push({ node, property, written, pages: wholePages(written, pageSize) });
  }
  // kdump: the first usable range caps RAM, the others are added to it (early_init_dt_check_for_usable_mem_range).
  const chosen = root.child('chosen');
  const usable = chosen ? rootEntries(chosen, 'linux,usable-memory-range', cells) : [];
  if (!chosen || usable.length === 0) return banks;
  const capped: RamBank[] = [];
  for (const bank of banks) {
    const kept = bank.pages ? clip([bank.pages], usable[0]!) : [];
    for (const piece of kept) capped.push({ ...bank, pages: piece });
  }
  for (const extra of usable.slice(1)) capped.push({ node: chosen, property: 'linux,usable-memory-range', written: extra, pages: extra });
  return capped;
}

function reservedMemory(root: Node, cells: RootCells, banks: readonly RamBank[]): ReservedMemory {
  const node = root.child('reserved-memory') ?? null;
  if (!node) return { node, ignored: null, regions: [] };
  const ac = firstCell(node, '#address-cells');
  const sc = firstCell(node, '#size-cells');
  let ignored: string | null = null;
  if (sc === undefined) ignored = `${shownName(node.path)} has no #size-cells`;
  else if (sc !== cells.size) ignored = `the #size-cells of ${shownName(node.path)} (${sc}) differs from the root's (${cells.size})`;
  else if (ac === undefined) ignored = `${shownName(node.path)} has no #address-cells`;
  else if (ac !== cells.address) ignored = `the #address-cells of ${shownName(node.path)} (${ac}) differs from the root's (${cells.address})`;
  else if (!node.property('ranges')) ignored = `${shownName(node.path)} has no ranges property`;
  if (ignored) return { node, ignored, regions: [] };
  const regions: Carveout[] = [];
  for (const child of node.liveChildren) {
    if (!isAvailable(child)) continue;
    const noMap = child.property('no-map') !== undefined;
    for (const range of rootEntries(child, 'reg', cells)) {
      const region: Carveout = { node: child, range, noMap };
      const inRam = banks.some((b) => b.pages && overlaps(b.pages, range));
      // Regions are reserved in tree order; a no-map over RAM already reserved is refused.
      const held = noMap && inRam ? regions.find((r) => !r.noMap && overlaps(r.range, range)) : undefined;
      if (held) region.refused = `it overlaps ${shownName(held.node.path)} (${intervalText(held.range)}), reserved before it, so Linux refuses the no-map (-EBUSY)`;
      regions.push(region);
    }
  }
  return { node, ignored: null, regions };
}

/** The memory map Linux builds from `tree` with pages of `pageSize` bytes. */
export function memoryMap(tree: DeviceTree, pageSize = PAGE_SIZES[0]!): MemoryMap {
  const root = tree.root;
  const cells = rootCells(root);
  const memreserve = tree.reserves.filter((r) => r.size > 0n).map((r) => ({ start: r.address, end: r.address + r.size }));
  const banks = ramBanks(root, cells, pageSize);
  return { pageSize, banks, reserved: reservedMemory(root, cells, banks), memreserve };
}

/**
 * The parts of `range`'s pages that stay in the linear map: RAM pages that
 * no honoured no-map region covers whole. Empty when Linux can map `range`
 * for a driver.
 */
export function linearMapped(map: MemoryMap, range: Interval): Interval[] {
  const pages = pagesOf(range, map.pageSize);
  let mapped: Interval[] = [];
  for (const bank of map.banks) if (bank.pages) mapped.push(...clip([pages], bank.pages));
  for (const region of map.reserved.regions) if (region.noMap && !region.refused) mapped = subtract(mapped, region.range);
  // A page with any mapped byte left is mapped whole.
  const out: Interval[] = [];
  for (const piece of mapped) {
    const whole = pagesOf(piece, map.pageSize);
    const last = out[out.length - 1];
    if (last && last.end >= whole.start) last.end = whole.end > last.end ? whole.end : last.end;
    else out.push(whole);
  }
  return out;
}

/** An inclusive range `0x…-0x…` for messages. */
export function intervalText(i: Interval): string {
  return rangeText(i.start, i.end - i.start);
}
