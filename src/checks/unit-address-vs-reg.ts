import { hex, report, type Check } from './context.js';
import { regEntries } from '../tree/addresses.js';
import { quote, shownName } from '../source/quote.js';

/**
 * The unit address dtc expects for an address: lowercase hex without `0x`
 * or leading zeros (dtc's simple-bus check prints it with `%llx`).
 */
export function expectedUnitAddress(address: bigint): string {
  return address.toString(16);
}

/** What is wrong with a written unit address, in dtc's words where dtc has them. */
function unitProblem(unit: string, expected: string): string {
  if (/^0x/i.test(unit)) return 'should not have a leading "0x"';
  if (/^0[0-9a-fA-F]/.test(unit) && unit.replace(/^0+(?=.)/, '').toLowerCase() === expected) return 'should not have leading 0s';
  if (unit.toLowerCase() === expected) return 'should be lowercase';
  return 'does not match the reg base';
}

export const unitAddressVsReg: Check = {
  name: 'unit-address-vs-reg',
  severity: 'warning',
  description: 'the node\'s unit address is present and equals reg entry 0\'s address (lowercase hex, no leading zeros)',
  docs:
    'dtc warns (unit_address_vs_reg, unit_address_format, simple_bus_reg) when a node with reg has no `@unit-address`, ' +
    'or when the unit address is not reg\'s first address in lowercase hex without 0x or leading zeros. The driver does ' +
    'not care (Firecracker\'s `vmgenid` node has no unit address and works), but two such nodes would collide and the ' +
    'name no longer says where the device is. Fix: name the node `rng@<address>`, e.g. `rng@bfff0000`. A VMM that ' +
    'emits the name and keeps `--max-warnings 0` in its CI either names the node after its address or accepts the ' +
    'name with `--rule unit-address-vs-reg=off`.',
  run(ctx) {
    const out = [];
    for (const node of ctx.vmgenids) {
      const unit = node.unitAddress;
      const hasAt = node.name.includes('@');
      const reg = regEntries(node);
      if (!node.property('reg')) {
        if (hasAt) out.push(report(unitAddressVsReg, node, `node ${shownName(node.path)} has a unit name, but no reg property`));
        continue;
      }
      if (!reg.ok || reg.entries.length === 0) continue;
      const address = reg.entries[0]!.address;
      const expected = expectedUnitAddress(address);
      // The unit address should repeat reg entry 0's address: point at those cells.
      const baseCells = { first: 0, count: reg.cells.address };
      if (!hasAt || unit === '') {
        out.push(
          report(
            this,
            node,
            `node ${shownName(node.path)} has a reg property but no unit address; dtc expects the name ${shownName(node.baseName)}@${expected} ` +
              `(reg base ${hex(address)})`,
            'reg',
            baseCells,
          ),
        );
        continue;
      }
      // With more than 2 address cells (PCI-style buses) the unit address format is the bus's own: not judged.
      if (reg.cells.address > 2 || unit === expected) continue;
      out.push(
        report(
          this,
          node,
          `unit address ${quote(unit, '"')} of ${shownName(node.path)} ${unitProblem(unit, expected)}: reg entry 0 is at ${hex(address)}, ` +
            `so the name should be ${shownName(node.baseName)}@${expected}`,
          'reg',
          baseCells,
        ),
      );
    }
    return out;
  },
};
