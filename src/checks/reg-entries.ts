import { hex, rangeText, report, type Check } from './context.js';
import { regEntries } from '../tree/addresses.js';

/** The driver uses entry 0 only; more entries mean the author expects something that will not happen. */
export const regEntriesCheck: Check = {
  name: 'vmgenid-reg-entries',
  severity: 'warning',
  description: 'reg has exactly one entry (the driver uses entry 0 only)',
  docs:
    'The binding allows one reg entry and the Linux driver maps entry 0 only; further entries are ignored, so whatever ' +
    'they were meant to describe is not used. Fix: keep only the buffer\'s entry.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const reg = regEntries(node);
      if (!reg.ok || reg.entries.length <= 1) continue;
      const extra = reg.entries.slice(1).map((e) => rangeText(e.address, e.size)).join(', ');
      out.push(
        report(
          this,
          node,
          `reg has ${reg.entries.length} entries; the driver maps only entry 0 (buffer at ${hex(reg.entries[0]!.address)}) and ignores ${extra}`,
          'reg',
          // The entries the driver ignores.
          { first: reg.cells.address + reg.cells.size, count: (reg.entries.length - 1) * (reg.cells.address + reg.cells.size) },
        ),
      );
    }
    return out;
  },
};
