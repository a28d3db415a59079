/**
 * Every check against its fixture: each failing fixture is found by its own
 * check and by no other error or warning check (so removing the check fails
 * its test); each has a passing twin (pass-<name>.dts, the same board with
 * the one problem fixed) that the check does not find and that has no error
 * or warning at all, from the checks or the schemas; and the other passing
 * boards are clean.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CHECKS, runChecks } from '../src/checks/index.js';
import { lintBytes } from '../src/lint.js';
import { compileSchemas } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import type { SchemaSet } from '../src/schema/schema-set.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import { nodeFileHost } from '../src/source/host.js';
import { compileString, projectPath } from './helpers.js';

function fixture(name: string): string {
  return readFileSync(projectPath(`test/fixtures/checks/${name}`), 'latin1');
}

function lint(name: string): Diagnostic[] {
  const result = compileString(fixture(name));
  assert.ok(result.tree, `${name} does not compile: ${JSON.stringify(result.diagnostics)}`);
  return runChecks(result.tree, {});
}

/** The passing twin of a failing fixture. */
function passingTwin(failing: string): string {
  return failing.replace(/^fail-/, 'pass-');
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
  'fail-compatible-typo.dts': ['vmgenid-compatible-typo'],
  'fail-missing-compatible.dts': ['vmgenid-missing-compatible'],
  'fail-no-device.dts': ['vmgenid-no-device'],
  'fail-parent-bus.dts': ['vmgenid-parent-bus'],
  'fail-interrupt-parent-detour.dts': ['vmgenid-interrupt-parent-detour'],
  'fail-memory-page-size.dts': ['vmgenid-memory-page-size'],
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

test('the virtual,vmgenctr draft binding followed as written is clean but for the note that upstream Linux does not bind it', () => {
  const found = lint('vmgenctr-draft.dts');
  assert.deepEqual(found.map((d) => [d.check, d.severity]), [['vmgenid-draft-binding', 'note']]);
  assert.match(found[0]!.message, /an upstream kernel binds only "microsoft,vmgenid" and does not probe this node/);
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

// --- passing twins ------------------------------------------------------------------

/** Notes a passing twin may still carry (notes never fail a run), and why. */
const PASS_NOTES: Record<string, string[]> = {
  // The fix the check suggests: the second device disabled, which the disabled note then says it skips.
  'pass-multiple-devices.dts': ['vmgenid-disabled'],
};

function fixtureNames(prefix: string): string[] {
  return readdirSync(projectPath('test/fixtures/checks'))
    .filter((f) => f.startsWith(prefix) && f.endsWith('.dts'))
    .sort();
}

test('every failing fixture is in the table and has a passing twin, and every passing twin a failing one', () => {
  assert.deepEqual(fixtureNames('fail-'), Object.keys(FAILING).sort());
  assert.deepEqual(fixtureNames('pass-'), Object.keys(FAILING).map(passingTwin).sort());
});

test('every check in the table has a failing and a passing fixture', () => {
  for (const check of CHECKS) {
    const failing = Object.keys(FAILING).filter((f) => FAILING[f]!.includes(check.name));
    assert.ok(failing.length > 0, `no failing fixture for ${check.name}`);
    for (const f of failing) assert.ok(fixtureNames('pass-').includes(passingTwin(f)), `no passing twin ${passingTwin(f)} for ${check.name}`);
  }
});

let schemaSet: SchemaSet | null = null;
function schemas(): SchemaSet {
  schemaSet ??= compileSchemas([], nodeSchemaHost(nodeFileHost));
  return schemaSet;
}

for (const [name, checks] of Object.entries(FAILING)) {
  const twin = passingTwin(name);
  test(`${twin} (${name} fixed) is not found by ${checks.join(', ')} and has no error or warning`, () => {
    const compiled = compileString(fixture(twin));
    assert.ok(compiled.tree, `${twin} does not compile: ${JSON.stringify(compiled.diagnostics)}`);
    assert.deepEqual(compiled.diagnostics, [], `${twin} compiles with diagnostics`);
    const found = runChecks(compiled.tree, {});
    for (const check of checks) assert.deepEqual(found.filter((d) => d.check === check), [], `${twin} is still found by ${check}`);
    assert.deepEqual(found.map((d) => d.check), PASS_NOTES[twin] ?? [], JSON.stringify(found, null, 1));
    assert.ok(found.every((d) => d.severity === 'note'));
    // The whole tool (schemas and checks) has no error or warning on it either.
    const path = projectPath(`test/fixtures/checks/${twin}`);
    const report = lintBytes(path, new Uint8Array(readFileSync(path)), { host: nodeFileHost, schemas: schemas() });
    assert.equal(report.fatal, false);
    const serious = report.diagnostics.filter((d) => d.severity !== 'note');
    assert.deepEqual(serious, [], `${twin}: ${serious.map((d) => `${d.check}: ${d.message}`).join('; ')}`);
  });
}
