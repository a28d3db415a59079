/**
 * The core schemas dt-schema 2022.08 ships beyond the basics (graph, i2c,
 * PCI, clocks, pin control, resets, PHYs, GPIO and hogs, caches), each
 * judged on a small fixture. The expected findings are dt-validate's
 * (`dt-validate -s core.json`, core schemas only; for graph.dts with the
 * test binding bindings/acme,bridge.yaml added), keyed by node and property.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { onlyIn, parseOurs, type Finding } from '../scripts/compare-dt-validate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'vmgenid-lint.js');
const fixtures = join(root, 'test', 'fixtures', 'agreement');

interface Diag {
  check: string;
  node?: string;
  property?: string;
  binding?: string;
}

function run(fixture: string, extra: string[] = []): Diag[] {
  const r = spawnSync(process.execPath, [cli, '--all', ...extra, '-f', 'json', join(fixtures, fixture)], { encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { files: { diagnostics: Diag[] }[] }).files.flatMap((f) => f.diagnostics);
}

const pair = (f: Finding): string => `${f.node} ${f.property || '(node)'}`;

// dt-validate -s core.json families.dtb, one line per finding.
const FAMILIES_EXPECTED: Finding[] = [
  { node: 'oscillator', property: 'clock-output-names', text: "'#clock-cells' is a dependency of 'clock-output-names'" },
  { node: 'i2c@1000', property: 'clock-frequency', text: '500 is less than the minimum of 1000' },
  { node: 'eeprom@50', property: 'reg', text: "'reg' is a required property" },
  { node: 'sensor@90', property: 'reg', text: "'oneOf' conditional failed (144 is no 7- or 10-bit address)" },
  { node: 'pcie@40000000', property: 'device_type', text: "'device_type' is a required property" },
  { node: 'uart@2000', property: 'pinctrl-names', text: "'pinctrl-0' is a dependency of 'pinctrl-names'" },
  { node: 'uart@2000', property: 'reset-names', text: "'resets' is a dependency of 'reset-names'" },
  { node: 'usb-phy@3000', property: '#phy-cells', text: "'#phy-cells' is a required property" },
  { node: 'gpio@4000', property: 'gpio-controller', text: "'#gpio-cells' is a dependency of 'gpio-controller'" },
  { node: 'led-hog', property: '', text: 'More than one condition true in oneOf schema' },
  { node: 'cache-controller@5000', property: 'cache-level', text: "'cache-level' is a required property" },
];

test('core schema families: the same (node, property) findings as dt-validate', () => {
  const found = parseOurs(JSON.stringify({ files: [{ diagnostics: run('families.dts') }] })).findings;
  assert.deepEqual(onlyIn(found, FAMILIES_EXPECTED), [], 'only ours');
  assert.deepEqual(onlyIn(FAMILIES_EXPECTED, found), [], 'only dt-validate');
});

test('core schema families: each finding comes from the schema at dt-schema\'s $id', () => {
  const byPair = new Map(run('families.dts').map((d) => [`${d.node} ${d.property ?? ''}`, d]));
  const from = (key: string): string | undefined => byPair.get(key)?.binding;
  assert.equal(from('/oscillator clock-output-names'), 'http://devicetree.org/schemas/clock/clock.yaml#');
  assert.equal(from('/i2c@1000 clock-frequency'), 'http://devicetree.org/schemas/i2c/i2c-controller.yaml#');
  assert.equal(from('/i2c@1000 eeprom@50/reg'), 'http://devicetree.org/schemas/i2c/i2c-controller.yaml#');
  assert.equal(from('/pcie@40000000 device_type'), 'http://devicetree.org/schemas/pci/pci-bus.yaml#');
  assert.equal(from('/uart@2000 pinctrl-names'), 'http://devicetree.org/schemas/pinctrl/pinctrl-consumer.yaml#');
  assert.equal(from('/uart@2000 reset-names'), 'http://devicetree.org/schemas/reset/reset.yaml#');
  assert.equal(from('/usb-phy@3000 #phy-cells'), 'http://devicetree.org/schemas/phy/phy-provider.yaml#');
  assert.equal(from('/gpio@4000 gpio-controller'), 'http://devicetree.org/schemas/gpio/gpio.yaml#');
  assert.equal(from('/gpio@4000/led-hog '), 'http://devicetree.org/schemas/gpio/gpio-hog.yaml#');
  assert.equal(from('/cache-controller@5000 cache-level'), 'http://devicetree.org/schemas/cache-controller.yaml#');
});

// dt-validate -s (core + bindings/acme,bridge.yaml) graph.dtb:
//   bridge@1000: ports:port@1: 'reg' is a required property
//   bridge@1000: ports:port@0:endpoint: Unevaluated properties are not allowed ('vendor,swap' was unexpected)
//   bridge@2000: ports: 'oneOf' conditional failed (neither port nor #address-cells/#size-cells)
test('graph.yaml: ports, port-base and endpoint-base as a binding refers to them', () => {
  const found = run('graph.dts', ['--schema', join(fixtures, 'bindings')]);
  assert.deepEqual(found.map((d) => `${d.check} ${d.node} ${d.property}`).sort(), [
    'schema_additional /bridge@1000 ports/port@0/endpoint/vendor,swap',
    'schema_required /bridge@1000 ports/port@1/reg',
    'schema_required /bridge@2000 port',
  ]);
});

test('graph.yaml: the fixture binding passes its own example', () => {
  const r = spawnSync(process.execPath, [cli, 'check-binding', join(fixtures, 'bindings', 'acme,bridge.yaml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
