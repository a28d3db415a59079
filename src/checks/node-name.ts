import { report, type Check } from './context.js';
import { firstRegEntry } from '../tree/addresses.js';
import { expectedUnitAddress } from './unit-address-vs-reg.js';
import { quote, shownName } from '../source/quote.js';

/** The Devicetree Specification's generic name for a random number generator, used by the binding's example. */
export const GENERIC_NODE_NAME = 'rng';

export const nodeName: Check = {
  name: 'vmgenid-node-name',
  severity: 'note',
  description: 'the node uses the generic name "rng"',
  docs:
    'Node names should say what a device is, not what it is called (Devicetree Specification, generic names); the ' +
    'binding lives under rng/ and its example is `rng@80000000`. Other names (Firecracker writes `vmgenid`) work: ' +
    'this never fails a run. Fix: rename the node to `rng@<address>`.',
  run(ctx) {
    return ctx.vmgenids
      .filter((node) => node.baseName !== GENERIC_NODE_NAME)
      .map((node) => {
        const entry = firstRegEntry(node);
        const suggested = GENERIC_NODE_NAME + (entry ? `@${expectedUnitAddress(entry.address)}` : node.unitAddress ? `@${shownName(node.unitAddress)}` : '');
        return report(nodeName, node, `node name ${quote(node.baseName, '"')} is not the generic name "${GENERIC_NODE_NAME}" the binding's example uses (e.g. ${suggested})`);
      });
  },
};
