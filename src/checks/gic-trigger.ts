import { interruptsOf, report, type Check } from './context.js';
import { judgeGicSpecifier } from './gic.js';

export const gicTrigger: Check = {
  name: 'vmgenid-gic-trigger',
  severity: 'warning',
  description: 'a GIC interrupt is edge-rising, as every known producer emits it',
  docs:
    'The generation ID changes once and the hypervisor signals it as an edge; QEMU, Firecracker and the binding\'s ' +
    'example all use edge-rising (1). A level-high interrupt is valid for an SPI, but it asks the hypervisor to hold the line and ' +
    'lower it again when the guest has seen it, which no known producer does. Fix: `IRQ_TYPE_EDGE_RISING` (1) in the ' +
    'flags cell.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      for (const spec of info.specifiers) {
        const verdict = judgeGicSpecifier(spec);
        if (!verdict?.notEdgeRising) continue;
        out.push(
          report(
            this,
            node,
            `interrupt ${spec.index} of ${node.path}: ${verdict.notEdgeRising}; every known producer uses edge-rising (1)`,
            info.property ?? undefined,
            { first: spec.firstCell, count: spec.cells.length },
          ),
        );
      }
    }
    return out;
  },
};
