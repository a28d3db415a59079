import { report, type Check } from './context.js';
import { DEFAULT_BUS_COMPATIBLES, platformPopulation } from '../tree/devices.js';
import { compatiblesOf } from '../tree/values.js';
import { clipEnd, MAX_QUOTED_CHARS, quote, shownName } from '../source/quote.js';

const BUSES = DEFAULT_BUS_COMPATIBLES.map((c) => `"${c}"`).join(', ');

export const noDevice: Check = {
  name: 'vmgenid-no-device',
  severity: 'error',
  description: 'every ancestor of the node has a compatible and is not an AMBA device, so Linux can create its device',
  docs:
    'Linux creates platform devices from the root down (of_platform_populate): a node without a compatible is skipped ' +
    'with everything below it, and an `arm,primecell` node becomes an AMBA device whose children are never looked at. ' +
    'A vmgenid node below either gets no device, so the driver never probes. Fix: place the node at the root (as ' +
    `Firecracker does) or under a bus with compatible ${BUSES} and ranges.`,
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const p = platformPopulation(node);
      if (p.created || (p.reason !== 'no-compatible' && p.reason !== 'primecell')) continue;
      const why =
        p.reason === 'no-compatible'
          ? `${shownName(p.ancestor.path)} has no compatible, and Linux's of_platform_populate skips such a node with everything below it`
          : `${shownName(p.ancestor.path)} is an arm,primecell device, whose children Linux never makes devices of`;
      out.push(report(noDevice, node, `Linux creates no device for ${shownName(node.path)}: ${why}; the driver never probes`));
    }
    return out;
  },
};

export const parentBus: Check = {
  name: 'vmgenid-parent-bus',
  severity: 'warning',
  description: `the node is at the root or under buses Linux populates (${DEFAULT_BUS_COMPATIBLES.join(', ')})`,
  docs:
    'of_platform_populate descends only into nodes compatible with ' +
    `${BUSES}; a vmgenid node under any other device gets a device only if that device's driver populates its ` +
    'children itself, which a reviewer cannot see from the tree. Fix: place the node at the root or under a ' +
    '"simple-bus".',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const p = platformPopulation(node);
      if (p.created || p.reason !== 'not-a-bus') continue;
      // The ancestor's compatibles are the input's: each quoted short, and the list cut.
      const compatibles = clipEnd(compatiblesOf(p.ancestor).map((c) => quote(c, '"')).join(', '), 2 * MAX_QUOTED_CHARS);
      out.push(
        report(
          parentBus,
          node,
          `${shownName(p.ancestor.path)} (compatible ${compatibles}) is not a bus Linux populates (${BUSES}), so ${shownName(node.path)} becomes a ` +
            `device only if the driver of ${shownName(p.ancestor.path)} creates its children`,
        ),
      );
    }
    return out;
  },
};
