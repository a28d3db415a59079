import { report, type Check } from './context.js';
import { UPSTREAM_COMPATIBLE, vmgenidNodes } from '../vmgenid.js';
import { shownName } from '../source/quote.js';

export const missingCompatible: Check = {
  name: 'vmgenid-missing-compatible',
  severity: 'warning',
  description: 'a node named like a generation ID device has a compatible',
  docs:
    'A node named `vmgenid` (or `vm-gen-id`, `vmgenctr`, …) without a compatible binds no driver: Linux creates no ' +
    'device for a node without one, and the guest never learns of a new generation. Fix: ' +
    '`compatible = "microsoft,vmgenid";`.',
  run(ctx) {
    return vmgenidNodes(ctx.tree.root)
      // A /reserved-memory carve-out is often named after the device it holds memory for.
      .nameless.filter((node) => node.parent!.path !== '/reserved-memory')
      .map((node) =>
        report(
          missingCompatible,
          node,
          `${shownName(node.path)} is named like a VM generation ID device but has no compatible, so no driver binds it (add compatible = "${UPSTREAM_COMPATIBLE}")`,
        ),
      );
  },
};
