import { report, type Check } from './context.js';
import { interruptsOf } from '../tree/interrupts.js';
import { shownName } from '../source/quote.js';

export const interruptParentCheck: Check = {
  name: 'vmgenid-interrupt-parent',
  severity: 'error',
  description: 'the interrupt parent resolves (without a loop) to an interrupt-controller or an interrupt nexus',
  docs:
    'The interrupt parent is the node named by interrupt-parent on the node or its nearest ancestor (the first such ' +
    'node with #interrupt-cells), or each phandle of interrupts-extended. If the phandle points nowhere, the chain ' +
    'loops, or the node found is neither an interrupt-controller nor a nexus with interrupt-map, the kernel cannot ' +
    'map the interrupt and the driver fails to probe. Fix: point interrupt-parent (on the node or the root) at the GIC ' +
    '(or other controller), e.g. `interrupt-parent = <&gic>;`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      if (!info.property) continue;
      for (const problem of info.parentProblems) out.push(report(interruptParentCheck, node, `interrupt of ${shownName(node.path)}: ${problem}`, info.property));
    }
    return out;
  },
};
