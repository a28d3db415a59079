import { report, type Check } from './context.js';
import { interruptsOf } from '../tree/interrupts.js';
import { shownName } from '../source/quote.js';

export const interruptCount: Check = {
  name: 'vmgenid-interrupt-count',
  severity: 'error',
  description: 'the node has exactly one interrupt',
  docs:
    'The Linux driver requests interrupt 0 and fails to probe without it; the binding allows exactly one. A node with ' +
    'no interrupts (or interrupts-extended) cannot tell the guest that the generation ID changed, and further ' +
    'interrupts are never used. Fix: give one specifier, e.g. `interrupts = <GIC_SPI 35 IRQ_TYPE_EDGE_RISING>;`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      if (!info.property) {
        out.push(report(interruptCount, node, `vmgenid node ${shownName(node.path)} has no interrupts or interrupts-extended; the driver needs interrupt 0 to learn of a new generation ID`));
        continue;
      }
      const prop = node.property(info.property);
      if (prop && prop.value.length === 0) {
        out.push(report(interruptCount, node, `${info.property} of ${shownName(node.path)} is empty; the driver needs interrupt 0`, info.property));
        continue;
      }
      // A parse that stopped early cannot count; the other interrupt checks say why.
      if (!info.complete || info.specifiers.length <= 1) continue;
      // Point at the interrupts the driver never uses: from the second specifier (its phandle, in
      // interrupts-extended) to the end of the property.
      const second = info.specifiers[1]!;
      const first = info.property === 'interrupts-extended' ? second.firstCell - 1 : second.firstCell;
      const total = prop ? Math.floor(prop.value.length / 4) : first;
      out.push(
        report(
          this,
          node,
          `${info.property} of ${shownName(node.path)} has ${info.specifiers.length} interrupts; the binding allows one and the driver uses only interrupt 0`,
          info.property,
          total > first ? { first, count: total - first } : undefined,
        ),
      );
    }
    return out;
  },
};
