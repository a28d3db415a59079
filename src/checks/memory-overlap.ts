import type { DeviceTree, Node } from '../tree/node.js';
import { firstCpuRange } from '../tree/addresses.js';
import { intervalText, linearMapped, memoryMap, overlaps, PAGE_SIZES, type Interval, type MemoryMap } from '../tree/memory-map.js';
import { report, type Check } from './context.js';
import { shownName } from '../source/quote.js';

/** The page sizes in words, for messages. */
function pageText(pageSize: bigint): string {
  return `${pageSize / 1024n} KiB`;
}

/** Why Linux leaves the buffer's pages mapped, beyond "no no-map region covers them", in words. */
function reasons(map: MemoryMap, tree: DeviceTree, buffer: Interval, mapped: Interval[]): string[] {
  const out: string[] = [];
  const reserved = map.reserved;
  if (reserved.ignored && reserved.node) {
    const noMap = reserved.node.liveChildren.some((c) => c.property('no-map') !== undefined);
    out.push(
      `Linux ignores ${shownName(reserved.node.path)} as a whole because ${reserved.ignored} (__reserved_mem_check_root)` +
        (noMap ? ', so its no-map regions carve nothing out' : '') +
        // dtc's ranges_format check sees only an empty ranges under other cells.
        (reserved.ignored.includes('differs') && reserved.node.property('ranges')?.value.length === 0 ? '; dtc warns ranges_format on its empty ranges' : ''),
    );
  }
  for (const region of reserved.regions) {
    if (!region.noMap || !overlaps(region.range, buffer)) continue;
    if (region.refused) out.push(`the no-map region ${shownName(region.node.path)} is not honoured: ${region.refused}`);
    else if (mapped.some((p) => overlaps(p, region.range))) {
      out.push(`the no-map region ${shownName(region.node.path)} covers ${intervalText(region.range)} only`);
    }
  }
  const touched: string[] = [];
  for (const region of reserved.regions) if (!region.noMap && overlaps(region.range, buffer)) touched.push(`${shownName(region.node.path)} (${intervalText(region.range)}, without no-map)`);
  for (const r of tree.reserves) {
    const range = { start: r.address, end: r.address + r.size };
    if (overlaps(range, buffer)) touched.push(`/memreserve/ ${intervalText(range)}`);
  }
  if (touched.length > 0) {
    out.push(`it touches ${touched.join(' and ')}, which ${touched.length === 1 ? 'keeps it from the allocator but leaves' : 'keep it from the allocator but leave'} it in the kernel's linear map`);
  }
  return out;
}

/** What stays mapped of the buffer's pages with `pageSize`, and the message that says so; null when Linux can map the buffer. */
export function mappedBufferProblem(tree: DeviceTree, node: Node, pageSize: bigint): string | null {
  const range = firstCpuRange(node);
  if (!range || range.size === 0n) return null;
  const buffer = { start: range.address, end: range.address + range.size };
  const map = memoryMap(tree, pageSize);
  const mapped = linearMapped(map, buffer);
  if (mapped.length === 0) return null;
  const banks = map.banks.filter((b) => b.pages && mapped.some((p) => overlaps(p, b.pages!)));
  const ram = banks.map((b) => `${shownName(b.node.path)}${b.property === 'reg' ? '' : ` ${b.property}`}: ${intervalText(b.pages!)}`).join(', ');
  const inBytes = banks.some((b) => b.pages && overlaps(b.pages, buffer));
  const where = inBytes ? `lies in RAM (${ram})` : `shares a ${pageText(pageSize)} page with RAM (${ram})`;
  const why = reasons(map, tree, buffer, mapped);
  const many = mapped.length > 1 || mapped[0]!.end - mapped[0]!.start > pageSize;
  return (
    `vmgenid buffer ${intervalText(buffer)} ${where}, and its ${pageText(pageSize)} page${many ? 's' : ''} ` +
    `${mapped.map(intervalText).join(', ')} ${many ? 'are' : 'is'} not wholly inside a /reserved-memory region with no-map` +
    `${why.length > 0 ? ` (${why.join('; ')})` : ''}; Linux keeps a RAM page in its linear map unless no-map covers all of it, ` +
    `and will not map such a page for the driver (arm64's ioremap refuses RAM, and the resource request fails on System RAM)`
  );
}

export const memoryOverlap: Check = {
  name: 'vmgenid-memory-overlap',
  severity: 'error',
  description: 'the buffer shares no 4 KiB page with RAM that a /reserved-memory no-map region does not cover',
  docs:
    'The VMGenID specification keeps the buffer out of the memory the OS uses. Linux reads RAM from the root\'s ' +
    '`device_type = "memory"` nodes (their `linux,usable-memory` when present), trimmed to whole pages, and keeps every ' +
    'page of it in its linear map unless a /reserved-memory child with `no-map` covers the whole page; arm64 refuses ' +
    'to ioremap such a page and the driver\'s resource request fails on System RAM, so the device fails to probe (and ' +
    'the OS may reuse the bytes). A /memreserve/ entry or a region without no-map only keeps the page from the ' +
    'allocator; it stays mapped. /reserved-memory counts only when its #address-cells and #size-cells equal the ' +
    'root\'s and it has `ranges`. Fix: place the buffer outside every /memory range (Firecracker places it just below ' +
    'RAM), or cover its whole page with a /reserved-memory child that has `no-map;`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const problem = mappedBufferProblem(ctx.tree, node, PAGE_SIZES[0]!);
      if (problem) out.push(report(memoryOverlap, node, problem, 'reg'));
    }
    return out;
  },
};

export const memoryPageSize: Check = {
  name: 'vmgenid-memory-page-size',
  severity: 'warning',
  description: 'the no-map carve-out also covers the buffer\'s whole 16 KiB and 64 KiB pages',
  docs:
    'arm64 kernels are also built with 16 KiB and 64 KiB pages, and Linux trims RAM and maps it by its page size: a ' +
    'no-map carve-out that covers the buffer\'s 4 KiB page but not its larger page leaves the buffer in the linear map ' +
    'of such a kernel, and the driver fails to probe there. Fix: make the no-map region cover (or place the buffer ' +
    'outside RAM on) a 64 KiB-aligned 64 KiB block.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      if (mappedBufferProblem(ctx.tree, node, PAGE_SIZES[0]!)) continue;
      for (const pageSize of PAGE_SIZES.slice(1)) {
        const problem = mappedBufferProblem(ctx.tree, node, pageSize);
        if (!problem) continue;
        out.push(report(memoryPageSize, node, `with ${pageText(pageSize)} pages (a kernel built with them): ${problem}`, 'reg'));
        break;
      }
    }
    return out;
  },
};
