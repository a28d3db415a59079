import { hex, report, type Check } from './context.js';
import { addressSpaceEnd, firstRegEntry, regEntries } from '../tree/addresses.js';

export const regOverflow: Check = {
  name: 'vmgenid-reg-overflow',
  severity: 'error',
  description: 'base + size fits in the address space of the parent\'s #address-cells',
  docs:
    'A region whose end lies beyond what #address-cells can express wraps around: the kernel rejects it or maps the ' +
    'wrong place. Fix: correct the base or size, or use #address-cells = <2> if the buffer really is above 4 GiB.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const entry = firstRegEntry(node);
      const reg = regEntries(node);
      if (!entry || !reg.ok) continue;
      const end = addressSpaceEnd(reg.cells.address);
      // The last byte may be the last address (end == space end); one past it may not exist.
      if (entry.address + entry.size <= end) continue;
      out.push(
        report(
          this,
          node,
          `vmgenid buffer at ${hex(entry.address)} with size ${hex(entry.size)} ends at ${hex(entry.address + entry.size)}, ` +
            `past the ${32 * reg.cells.address}-bit address space of #address-cells = <${reg.cells.address}> (last address ${hex(end - 1n)})`,
          'reg',
          { first: 0, count: reg.cells.address + reg.cells.size },
        ),
      );
    }
    return out;
  },
};
