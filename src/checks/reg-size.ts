import { hex, report, type Check } from './context.js';
import { firstRegEntry, regCells } from '../tree/addresses.js';

/** The generation ID is 128 bits; the driver always reads 16 bytes. */
export const MIN_GENERATION_ID_BYTES = 16n;

export const regSize: Check = {
  name: 'vmgenid-reg-size',
  severity: 'error',
  description: 'the buffer is at least 16 bytes (the 128-bit generation ID)',
  docs:
    'The generation ID is 128 bits and the Linux driver always reads 16 bytes from the start of reg entry 0. A smaller ' +
    '(or zero) size makes the driver read past the region it was given. Fix: give the size as at least 0x10; a whole ' +
    'page (0x1000) is common.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const entry = firstRegEntry(node);
      if (!entry || entry.size >= MIN_GENERATION_ID_BYTES) continue;
      const what = entry.size === 0n ? 'has size 0' : `is only ${entry.size} bytes (${hex(entry.size)})`;
      out.push(
        report(
          this,
          node,
          `vmgenid buffer at ${hex(entry.address)} ${what}; the generation ID is ${MIN_GENERATION_ID_BYTES} bytes and the driver reads all ${MIN_GENERATION_ID_BYTES}`,
          'reg',
          { first: regCells(node).address, count: regCells(node).size },
        ),
      );
    }
    return out;
  },
};
