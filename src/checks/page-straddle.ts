import { hex, report, type Check } from './context.js';
import { firstCpuRange, firstRegEntry } from '../tree/addresses.js';
import { MIN_GENERATION_ID_BYTES } from './reg-size.js';

/** The smallest page any architecture Linux supports uses; a 16-byte ID within one such page is within any larger one. */
export const PAGE_BYTES = 4096n;

export const pageStraddle: Check = {
  name: 'vmgenid-page-straddle',
  severity: 'warning',
  description: 'the 16-byte generation ID does not straddle a 4 KiB page boundary',
  docs:
    'The hypervisor and the guest share the generation ID; if its 16 bytes cross a 4 KiB page boundary they live in two ' +
    'pages, which the hypervisor must keep contiguous and update together, and a guest that maps one page sees half an ' +
    'ID. It works on a plain guest-physical mapping, but a reviewer would ask for it to sit in one page. Fix: align ' +
    'the buffer to 16 bytes (or to a page).',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const entry = firstRegEntry(node);
      const buffer = firstCpuRange(node) ?? (entry ? { address: entry.address, size: entry.size } : null);
      if (!buffer) continue;
      const first = buffer.address / PAGE_BYTES;
      const last = (buffer.address + MIN_GENERATION_ID_BYTES - 1n) / PAGE_BYTES;
      if (first === last) continue;
      out.push(
        report(
          this,
          node,
          `the ${MIN_GENERATION_ID_BYTES}-byte generation ID at ${hex(buffer.address)} straddles the 4 KiB page boundary at ` +
            `${hex(last * PAGE_BYTES)}`,
          'reg',
        ),
      );
    }
    return out;
  },
};
