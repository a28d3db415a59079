import { report, type Check } from './context.js';
import { interruptsOf } from '../tree/interrupts.js';
import { gicCellRange, judgeGicSpecifier } from './gic.js';
import { shownName } from '../source/quote.js';

export const gicSpecifier: Check = {
  name: 'vmgenid-gic-specifier',
  severity: 'error',
  description: 'a GIC interrupt specifier has a valid type, number and trigger',
  docs:
    'For an ARM GIC the specifier is <type number flags>: type 0 (SPI) or 1 (PPI) (GICv3 adds 2 and 3 for the extended ' +
    'ranges), SPI numbers 0-987 and PPI numbers 0-15, and the trigger in flags bits 3:0, where SPIs accept only ' +
    'edge-rising (1) or level-high (4). Linux rejects or misprograms anything else and the device never interrupts. ' +
    'Fix: e.g. `interrupts = <GIC_SPI 35 IRQ_TYPE_EDGE_RISING>;`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const info = interruptsOf(node, ctx.phandles);
      for (const spec of info.specifiers) {
        const verdict = judgeGicSpecifier(spec);
        if (!verdict) continue;
        for (const e of verdict.errors) {
          // The wrong cell itself, unless a nexus's map wrote it (then the whole specifier that went through it).
          out.push(
            report(
              gicSpecifier,
              node,
              `interrupt ${spec.index} of ${shownName(node.path)} (<${spec.target!.cells.join(' ')}> to ${shownName(spec.target!.controller.path)}): ${e.message}`,
              info.property ?? undefined,
              gicCellRange(spec, e.cell),
            ),
          );
        }
      }
    }
    return out;
  },
};
