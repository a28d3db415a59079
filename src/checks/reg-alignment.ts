import { hex, report, type Check } from './context.js';
import { firstRegEntry, regCells, translate } from '../tree/addresses.js';

/** The VMGenID specification places the ID in an 8-byte aligned buffer. */
export const BUFFER_ALIGNMENT = 8n;

export const regAlignment: Check = {
  name: 'vmgenid-reg-alignment',
  severity: 'error',
  description: 'the buffer base is 8-byte aligned',
  docs:
    'The VMGenID specification requires the generation ID buffer to be 8-byte aligned; the hypervisor writes the ID ' +
    'with aligned 64-bit stores and the guest reads it the same way. Fix: move the buffer to an address that is a ' +
    'multiple of 8 (a page-aligned buffer is the usual choice).',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const entry = firstRegEntry(node);
      if (!entry) continue;
      // Judge the address the CPU (and so the hypervisor) sees; a ranges offset could misalign a bus address.
      const t = translate(node, entry.address, entry.size);
      const address = t.ok ? t.address : entry.address;
      if (address % BUFFER_ALIGNMENT === 0n) continue;
      const via = t.ok && t.address !== entry.address ? ` (bus address ${hex(entry.address)})` : '';
      out.push(
        report(
          this,
          node,
          `vmgenid buffer at ${hex(address)}${via} is not ${BUFFER_ALIGNMENT}-byte aligned ` +
            `(the VMGenID specification requires ${BUFFER_ALIGNMENT}-byte alignment)`,
          'reg',
          { first: 0, count: regCells(node).address },
        ),
      );
    }
    return out;
  },
};
