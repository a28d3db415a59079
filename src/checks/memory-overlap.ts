import type { Node } from '../tree/node.js';
import { bufferRange, cpuRanges, isEnabled, rangeText, report, stringValue, type Check, type RegEntry } from './context.js';
import { liveNodes } from '../tree/lookup.js';

/** A half-open CPU address interval [start, end). */
interface Interval {
  start: bigint;
  end: bigint;
}

function toInterval(r: RegEntry): Interval {
  return { start: r.address, end: r.address + r.size };
}

function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** `pieces` minus `cut`, each piece split around it. */
function subtract(pieces: Interval[], cut: Interval): Interval[] {
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
function clip(pieces: Interval[], window: Interval): Interval[] {
  const out: Interval[] = [];
  for (const p of pieces) {
    const start = p.start > window.start ? p.start : window.start;
    const end = p.end < window.end ? p.end : window.end;
    if (start < end) out.push({ start, end });
  }
  return out;
}

function text(i: Interval): string {
  return rangeText(i.start, i.end - i.start);
}

/** RAM the OS is given, as Linux's early_init_dt_scan_memory reads it: enabled nodes with device_type "memory". */
function memoryRegions(root: Node): { node: Node; range: Interval }[] {
  const out: { node: Node; range: Interval }[] = [];
  for (const node of liveNodes(root)) {
    if (stringValue(node, 'device_type') !== 'memory' || !isEnabled(node)) continue;
    for (const r of cpuRanges(node)) out.push({ node, range: toInterval(r) });
  }
  return out;
}

/** The enabled static regions under /reserved-memory (dynamic ones, with only `size`, have no fixed place). */
function reservedRegions(root: Node): { node: Node; range: Interval; noMap: boolean }[] {
  const parent = root.child('reserved-memory');
  if (!parent) return [];
  const out: { node: Node; range: Interval; noMap: boolean }[] = [];
  for (const node of parent.liveChildren) {
    if (!isEnabled(node)) continue;
    const noMap = node.property('no-map') !== undefined;
    for (const r of cpuRanges(node)) out.push({ node, range: toInterval(r), noMap });
  }
  return out;
}

export const memoryOverlap: Check = {
  name: 'vmgenid-memory-overlap',
  severity: 'error',
  description: 'a buffer inside /memory RAM is carved out by a /reserved-memory region with no-map',
  docs:
    'The VMGenID specification keeps the buffer out of the memory the OS uses. If it lies in a /memory range, Linux ' +
    'has it in its linear map and refuses to ioremap such RAM for the driver, so the device fails to probe (and the ' +
    'OS may reuse the bytes). A /memreserve/ entry or a /reserved-memory region without no-map only keeps the page ' +
    'from the allocator; it stays mapped. Fix: place the buffer outside every /memory range, or cover it with a ' +
    '/reserved-memory child that has `no-map;`.',
  run(ctx) {
    const out = [];
    const root = ctx.tree.root;
    for (const node of ctx.vmgenids) {
      const buffer = bufferRange(node);
      if (!buffer || buffer.size === 0n) continue;
      const want = toInterval(buffer);
      const memory = memoryRegions(root).filter((m) => overlaps(m.range, want));
      if (memory.length === 0) continue;
      const reserved = reservedRegions(root).filter((r) => overlaps(r.range, want));
      let inRam: Interval[] = [];
      for (const m of memory) inRam.push(...clip([want], m.range));
      for (const r of reserved) if (r.noMap) inRam = subtract(inRam, r.range);
      if (inRam.length === 0) continue;

      const ram = memory.map((m) => `${m.node.path}: ${text(m.range)}`).join(', ');
      const whole = inRam.length === 1 && inRam[0]!.start === want.start && inRam[0]!.end === want.end;
      const uncovered = whole ? 'it is' : `${inRam.map(text).join(', ')} of it is`;
      const touched: string[] = [];
      for (const r of reserved) if (!r.noMap) touched.push(`${r.node.path} (${text(r.range)}, without no-map)`);
      for (const e of ctx.tree.reserves) {
        const range = { start: e.address, end: e.address + e.size };
        if (overlaps(range, want)) touched.push(`/memreserve/ ${text(range)}`);
      }
      const why =
        touched.length > 0 ? `; it touches ${touched.join(' and ')}, which ${touched.length === 1 ? 'keeps it from the allocator but leaves' : 'keep it from the allocator but leave'} it in the kernel's linear map` : '';
      out.push(
        report(
          memoryOverlap,
          node,
          `vmgenid buffer ${text(want)} lies in RAM (${ram}) and ${uncovered} not inside a /reserved-memory region with no-map${why}; ` +
            `Linux will not map such RAM for the driver`,
          'reg',
        ),
      );
    }
    return out;
  },
};
