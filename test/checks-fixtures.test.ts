/**
 * Every check against its fixture: each failing fixture is found by its own
 * check and by no other error or warning check (so removing the check fails
 * its test), and the passing boards are clean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CHECKS, runChecks } from '../src/checks/index.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import { compileString, projectPath } from './helpers.js';

function fixture(name: string): string {
  return readFileSync(projectPath(`test/fixtures/checks/${name}`), 'latin1');
}

function lint(name: string): Diagnostic[] {
  const result = compileString(fixture(name));
  assert.ok(result.tree, `${name} does not compile: ${JSON.stringify(result.diagnostics)}`);
  return runChecks(result.tree, {});
}

/** Fixture → the checks it must trigger (all of them, no others). */
const FAILING: Record<string, string[]> = {
  'fail-reg-format.dts': ['vmgenid-reg-format'],
  'fail-reg-entries.dts': ['vmgenid-reg-entries'],
  'fail-reg-alignment.dts': ['vmgenid-reg-alignment'],
  'fail-reg-size.dts': ['vmgenid-reg-size'],
  'fail-reg-overflow.dts': ['vmgenid-reg-overflow'],
  'fail-address-translation.dts': ['vmgenid-address-translation'],
  'fail-memory-overlap.dts': ['vmgenid-memory-overlap'],
  'fail-page-straddle.dts': ['vmgenid-page-straddle'],
  'fail-default-cells.dts': ['avoid-default-addr-size'],
  'fail-unit-address.dts': ['unit-address-vs-reg'],
  'fail-interrupt-parent.dts': ['vmgenid-interrupt-parent'],
  'fail-interrupt-cells.dts': ['vmgenid-interrupt-cells'],
  'fail-interrupt-count.dts': ['vmgenid-interrupt-count'],
  'fail-gic-specifier.dts': ['vmgenid-gic-specifier'],
  'fail-gic-trigger.dts': ['vmgenid-gic-trigger'],
  'fail-multiple-devices.dts': ['vmgenid-multiple-devices'],
  'fail-draft-binding.dts': ['vmgenid-draft-binding'],
  'fail-node-name.dts': ['vmgenid-node-name'],
  'fail-disabled.dts': ['vmgenid-disabled'],
  'fail-overlay-fragment.dts': ['vmgenid-overlay-fragment'],
};

test('every check in the table has a failing fixture', () => {
  const covered = new Set(Object.values(FAILING).flat());
  for (const check of CHECKS) assert.ok(covered.has(check.name), `no failing fixture for ${check.name}`);
});

for (const [name, expected] of Object.entries(FAILING)) {
  test(`${name} is found by ${expected.join(', ')} and nothing else`, () => {
    const found = lint(name);
    assert.deepEqual([...new Set(found.map((d) => d.check))].sort(), [...expected].sort(), JSON.stringify(found, null, 1));
    for (const d of found) {
      const check = CHECKS.find((c) => c.name === d.check)!;
      assert.equal(d.severity, check.severity);
      assert.ok(d.span, `${d.check} has no span`);
      assert.equal(d.span.file, 'test.dts');
      assert.ok(d.nodePath?.startsWith('/'), 'a nodePath');
    }
  });
}

test('the passing board (nested bus with ranges, reserved no-map page, GICv3 SPI) is clean', () => {
  assert.deepEqual(lint('good-board.dts'), []);
});

test('the virtual,vmgenctr draft binding followed as written is clean', () => {
  assert.deepEqual(lint('vmgenctr-draft.dts'), []);
});

test("Firecracker's form gets only the dtc-style unit address warning and the naming note", () => {
  const found = lint('firecracker.dts');
  assert.deepEqual(found.map((d) => [d.check, d.severity]), [
    ['unit-address-vs-reg', 'warning'],
    ['vmgenid-node-name', 'note'],
  ]);
  assert.match(found[0]!.message, /no unit address.*vmgenid@7ffff000/);
});

test('messages carry the numbers', () => {
  const [align] = lint('fail-reg-alignment.dts');
  assert.equal(
    align!.message,
    'vmgenid buffer at 0x90000004 is not 8-byte aligned (the VMGenID specification requires 8-byte alignment)',
  );
  assert.equal(align!.property, 'reg');
  assert.equal(align!.span?.line, 18);
  const [overlap] = lint('fail-memory-overlap.dts');
  assert.match(overlap!.message, /0xbfff0000-0xbfff0fff/);
  assert.match(overlap!.message, /\/memory@80000000: 0x80000000-0xbfffffff/);
  assert.match(overlap!.message, /\/reserved-memory\/buffer@bfff0000 .*without no-map/);
  assert.match(overlap!.message, /\/memreserve\/ 0xbfff0000-0xbfff0fff/);
  const gic = lint('fail-gic-specifier.dts').map((d) => d.message);
  assert.ok(gic.some((m) => /SPI number 1000 is out of range \(SPIs are 0-987\)/.test(m)));
  assert.ok(gic.some((m) => /edge-falling \(2\) is not valid for a GIC SPI/.test(m)));
});
