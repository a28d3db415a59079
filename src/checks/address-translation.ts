import { hex, report, type Check } from './context.js';
import { firstRegEntry, translate } from '../tree/addresses.js';

export const addressTranslation: Check = {
  name: 'vmgenid-address-translation',
  severity: 'error',
  description: 'the buffer address translates to a CPU address through every parent bus\'s ranges',
  docs:
    'reg holds a bus address; the CPU (and the driver) sees it only after translation through the ranges property of ' +
    'every bus up to the root. An empty ranges is identity; a missing ranges means the bus\'s addresses are not CPU ' +
    'addresses at all, and an address outside every window is not mapped. Linux then cannot map the buffer. Fix: put ' +
    'the node under the root, or give each bus a ranges that covers the buffer (`ranges;` for identity).',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const entry = firstRegEntry(node);
      if (!entry) continue;
      const t = translate(node, entry.address, entry.size);
      if (t.ok) continue;
      const d = report(addressTranslation, node, `vmgenid buffer at bus address ${hex(entry.address)} does not translate to a CPU address: ${t.problem}`, 'reg');
      out.push(d);
    }
    return out;
  },
};
