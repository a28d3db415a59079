import { report, type Check } from './context.js';
import { nearMiss } from '../vmgenid.js';

export const compatibleTypo: Check = {
  name: 'vmgenid-compatible-typo',
  severity: 'error',
  description: 'a compatible that is almost a vmgenid one (a typo) is reported, and the node judged as meant',
  docs:
    'Linux binds a driver by exact compatible string; `microsoft,vmgenId`, `microsoft,vm-genid`, `microsoft,vmgneid` or ' +
    '`acme,vmgenid` bind nothing, and the device is silently dead: no error at boot, no reseed after a snapshot ' +
    'restore. Such a compatible (the same but for case and separators, a "vmgen" model of another vendor, or up to two ' +
    'edits from a vmgenid compatible) is an error, and the node is judged as the device it was meant to be. Fix: ' +
    '`compatible = "microsoft,vmgenid";`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.allVmgenids) {
      const miss = nearMiss(node);
      if (!miss) continue;
      const prop = node.property('compatible')!;
      // The written string's bytes within the list, for the caret.
      let start = 0;
      for (let i = 0; i < miss.index; i++) start = prop.value.bytes.indexOf(0, start) + 1;
      out.push(
        report(
          compatibleTypo,
          node,
          `compatible "${miss.written}" is not a vmgenid compatible; did you mean "${miss.meant}"? No driver binds "${miss.written}", ` +
            `so the device is silently dead; the node is judged below as a "${miss.meant}" device`,
          'compatible',
          { start, end: start + miss.written.length + 1 },
        ),
      );
    }
    return out;
  },
};
