import { report, type Check } from './context.js';
import { interruptsOf } from '../tree/interrupts.js';
import { shownName } from '../source/quote.js';

export const interruptCells: Check = {
  name: 'vmgenid-interrupt-cells',
  severity: 'error',
  description: 'each interrupt specifier has exactly its controller\'s #interrupt-cells cells',
  docs:
    'An interrupt specifier is as long as the controller\'s #interrupt-cells says (3 for a GIC: type, number, flags). ' +
    'A shorter or longer interrupts value is read as different interrupts than the author meant, or rejected. Fix: ' +
    'write one specifier of the controller\'s cell count, e.g. `interrupts = <GIC_SPI 35 IRQ_TYPE_EDGE_RISING>;`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      if (!info.property) continue;
      // No one cell is wrong when the count is: point at the whole property.
      for (const problem of info.cellProblems) out.push(report(interruptCells, node, `${shownName(node.path)}: ${problem}`, info.property));
    }
    return out;
  },
};
