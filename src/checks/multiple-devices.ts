import { report, type Check } from './context.js';
import { shownName } from '../source/quote.js';

export const multipleDevices: Check = {
  name: 'vmgenid-multiple-devices',
  severity: 'warning',
  description: 'at most one enabled vmgenid device',
  docs:
    'A virtual machine has one generation ID. Two enabled devices each bind the driver, and each feeds its own ID to ' +
    'the random number generator, so the guest depends on whichever the hypervisor updates; the extra one is usually ' +
    'a copy-paste or a merged overlay. Fix: keep one, or set `status = "disabled";` on the others.',
  run(ctx) {
    const [first, ...rest] = ctx.vmgenids;
    if (!first) return [];
    return rest.map((node) =>
      report(multipleDevices, node, `${shownName(node.path)} is a second enabled vmgenid device (the first is ${shownName(first.path)}); a VM has one generation ID`),
    );
  },
};
