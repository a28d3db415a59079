import { report, type Check } from './context.js';
import { shownName } from '../source/quote.js';

export const overlayFragment: Check = {
  name: 'vmgenid-overlay-fragment',
  severity: 'note',
  description: 'a vmgenid node inside an overlay fragment is skipped (its context is the base tree), and says so',
  docs:
    'In a /plugin/ overlay the node sits in a fragment\'s __overlay__; the cells its reg is read with, the ranges it is ' +
    'translated through, the RAM it must avoid and its interrupt parent all come from the base tree it is applied to. ' +
    'The device checks cannot judge it without that tree, so they skip it and say so. Fix: lint the base tree with the ' +
    'overlay applied (or the node written into the board file).',
  run(ctx) {
    return ctx.fragmentVmgenids.map((node) =>
      report(
        overlayFragment,
        node,
        `${shownName(node.path)} is in an overlay fragment: its reg, address translation, memory and interrupt parent depend on the base tree and are not checked`,
      ),
    );
  },
};
