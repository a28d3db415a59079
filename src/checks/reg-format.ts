import { report, type Check } from './context.js';
import { regEntries } from '../tree/addresses.js';
import { shownName } from '../source/quote.js';

/**
 * The buffer is reg entry 0, read with the parent's cells; if reg cannot be
 * split into entries there is no buffer to speak of (every other reg check
 * stays quiet then, so one mistake gives one error).
 */
export const regFormat: Check = {
  name: 'vmgenid-reg-format',
  severity: 'error',
  description: 'reg is present and is a whole number of (address, size) entries for the parent\'s #address-cells/#size-cells',
  docs:
    'The Linux driver maps reg entry 0 as the 16-byte generation ID buffer, reading the entry with the parent node\'s ' +
    '#address-cells and #size-cells (defaults 2 and 1). A reg that is missing, empty, written under #size-cells = <0>, ' +
    'or whose length is not a multiple of (#address-cells + #size-cells) * 4 bytes describes no buffer. Fix: write one ' +
    'entry with exactly the parent\'s cell counts, e.g. `reg = <0x0 0xbfff0000 0x0 0x1000>;` under #address-cells = <2>, #size-cells = <2>.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const reg = regEntries(node);
      if (!reg.ok) out.push(report(regFormat, node, `vmgenid node ${shownName(node.path)} ${reg.problem}`, node.property('reg') ? 'reg' : undefined));
    }
    return out;
  },
};
