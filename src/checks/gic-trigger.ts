import { report, type Check } from './context.js';
import { interruptsOf } from '../tree/interrupts.js';
import { gicCellRange, judgeGicSpecifier } from './gic.js';
import { shownName } from '../source/quote.js';

export const gicTrigger: Check = {
  name: 'vmgenid-gic-trigger',
  severity: 'warning',
  description: 'a GIC interrupt is edge-rising, as every known producer emits it',
  docs:
    'The generation ID changes once and the hypervisor signals it as an edge; Firecracker (the VMM that emits a ' +
    'devicetree vmgenid node; QEMU describes the device in ACPI only) and the binding\'s example use edge-rising (1). ' +
    'A level-high interrupt is valid for an SPI, but it asks the hypervisor to hold the line and ' +
    'lower it again when the guest has seen it, which no known producer does. Fix: `IRQ_TYPE_EDGE_RISING` (1) in the ' +
    'flags cell.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      for (const spec of info.specifiers) {
        const verdict = judgeGicSpecifier(spec);
        const notEdge = verdict?.notEdgeRising;
        if (!notEdge) continue;
        out.push(
          report(
            this,
            node,
            `interrupt ${spec.index} of ${shownName(node.path)}: ${notEdge.message}; every known producer uses edge-rising (1)`,
            info.property ?? undefined,
            // The flags cell, unless a nexus's map wrote it (then the whole specifier that went through it).
            gicCellRange(spec, notEdge.cell),
          ),
        );
      }
    }
    return out;
  },
};
