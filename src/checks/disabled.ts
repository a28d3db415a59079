import { report, type Check } from './context.js';
import { disabledAncestor, isAvailable } from '../tree/devices.js';
import { stringValue } from '../tree/values.js';
import { quote, shownName } from '../source/quote.js';

export const disabled: Check = {
  name: 'vmgenid-disabled',
  severity: 'note',
  description: 'a vmgenid node Linux does not probe (its status, or a disabled ancestor) is skipped, and says so',
  docs:
    'A node whose status is not "okay" (or absent) is not probed by Linux, and neither is anything below a node that ' +
    'is not available: of_platform_populate creates no device under a disabled bus. The device checks do not judge ' +
    'such a node; this note says that nothing was checked, so a clean report is not mistaken for a verdict on it.',
  run(ctx) {
    const out = [];
    for (const node of ctx.allVmgenids) {
      if (!isAvailable(node)) {
        out.push(report(disabled, node, `${shownName(node.path)} has status = ${quote(stringValue(node, 'status') ?? '', '"')}: Linux does not probe it, and the vmgenid checks skip it`, 'status'));
        continue;
      }
      const ancestor = disabledAncestor(node);
      if (ancestor) {
        out.push(
          report(
            disabled,
            node,
            `${shownName(node.path)} is under ${shownName(ancestor.path)}, which has status = ${quote(stringValue(ancestor, 'status') ?? '', '"')}: Linux creates no device below it, and the vmgenid checks skip the node`,
          ),
        );
      }
    }
    return out;
  },
};
