import { DEFAULT_ADDRESS_CELLS, DEFAULT_SIZE_CELLS } from '../tree/addresses.js';
import { report, type Check } from './context.js';
import { regCells } from '../tree/addresses.js';
import { shownName } from '../source/quote.js';

export const avoidDefaultAddrSize: Check = {
  name: 'avoid-default-addr-size',
  severity: 'warning',
  description: 'the vmgenid node\'s parent states #address-cells and #size-cells instead of relying on the defaults',
  docs:
    'reg is read with the parent\'s #address-cells and #size-cells. When the parent does not say, dtc and dt-schema use ' +
    '2 and 1 and dtc warns (avoid_default_addr_size); a kernel or a tool that assumes otherwise reads a different ' +
    'address. Fix: write both properties on the parent, e.g. `#address-cells = <2>; #size-cells = <2>;` on the root.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const parent = node.parent;
      if (!parent || !node.property('reg')) continue;
      const cells = regCells(node);
      const missing: string[] = [];
      if (!cells.addressWritten) missing.push(`#address-cells (default ${DEFAULT_ADDRESS_CELLS} used)`);
      if (!cells.sizeWritten) missing.push(`#size-cells (default ${DEFAULT_SIZE_CELLS} used)`);
      if (missing.length === 0) continue;
      out.push(report(avoidDefaultAddrSize, node, `reg of ${shownName(node.path)} relies on default ${missing.join(' and ')}: ${shownName(parent.path)} does not set them`, 'reg'));
    }
    return out;
  },
};
