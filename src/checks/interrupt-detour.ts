import { report, type Check } from './context.js';
import { interruptsOf } from '../tree/interrupts.js';
import { shownName } from '../source/quote.js';

export const interruptDetour: Check = {
  name: 'vmgenid-interrupt-parent-detour',
  severity: 'warning',
  description: 'interrupt-parent names an interrupt controller, not a node Linux has to walk on from',
  docs:
    'Linux\'s of_irq_find_parent follows `interrupt-parent` and, from a node without #interrupt-cells, walks on to that ' +
    'node\'s own interrupt parent (its `interrupt-parent`, else its tree parent) until it finds one. An interrupt-parent ' +
    'that names a clock or a bus can therefore still land on the GIC, and the device works, but by accident: the ' +
    'phandle is wrong, dtc warns interrupts_property ("Missing interrupt-controller or interrupt-map property") on the ' +
    'node it names, and moving that node moves the interrupt. Fix: point interrupt-parent at the controller Linux ' +
    'ends up at (named in the message), or drop it to inherit the root\'s.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      if (!info.property) continue;
      const where = node.property('interrupt-parent') ? 'interrupt-parent' : info.property;
      for (const detour of info.detours) out.push(report(interruptDetour, node, `interrupt of ${shownName(node.path)}: ${detour}`, where));
    }
    return out;
  },
};
