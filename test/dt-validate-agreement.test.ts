/**
 * `--all` agrees with dt-validate 2022.08 (core schemas only) on our own
 * fixtures. The expected (node, property) pairs were produced by running
 * dt-validate on the compiled fixtures, so CI needs no dt-schema install;
 * scripts/compare-dt-validate.ts re-checks the real-board corpus when
 * dt-validate is present.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { onlyIn, parseDtValidate, parseOurs, type Finding } from '../scripts/compare-dt-validate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'vmgenid-lint.js');

function ours(fixture: string): Finding[] {
  const r = spawnSync(process.execPath, [cli, '--all', '-f', 'json', join(root, 'test', 'fixtures', 'agreement', fixture)], { encoding: 'utf8' });
  return parseOurs(r.stdout).findings;
}

const pairs = (list: readonly Finding[]): string[] => list.map((f) => `${f.node} ${f.property || '(node)'}`).sort();

// dt-validate -s core.json core.dtb (dt-schema 2022.08, empty bindings folder).
const CORE_EXPECTED: Finding[] = [
  { node: 'funnel@0', property: 'reg', text: "'anyOf' conditional failed (reg or ranges required)" },
  { node: '/', property: 'model', text: "'model' is a required property" },
  { node: '/', property: 'Timer@1A0000', text: 'does not match any of the regexes' },
  { node: 'memory@80000000', property: 'device_type', text: "'memory' was expected" },
  { node: 'chosen', property: 'linux,initrd-start', text: 'is too long' },
  { node: 'soc', property: 'ranges', text: "'ranges' is a required property" },
  { node: 'uart@1000', property: 'status', text: "'fail' is not one of ['okay', 'disabled', 'reserved']" },
];

test('core schemas: same (node, property) findings as dt-validate', () => {
  const found = ours('core.dts');
  assert.deepEqual(onlyIn(found, CORE_EXPECTED), [], 'only ours');
  assert.deepEqual(onlyIn(CORE_EXPECTED, found), [], 'only dt-validate');
  assert.deepEqual(pairs(found), pairs(CORE_EXPECTED));
});

test('dt-validate output parsing keys findings by node and property', () => {
  const text = [
    'x.dtb: /: funnel@0: \'anyOf\' conditional failed, one must be fixed:',
    "\t'reg' is a required property",
    "\t'ranges' is a required property",
    '\tFrom schema: root-node.yaml',
    "x.dtb: /: memory@80000000:device_type:0: 'memory' was expected",
    '\tFrom schema: memory.yaml',
    "x.dtb: interrupt-controller@2c010000: #ranges: True is not of type 'array'",
    "x.dtb: /: 'extsys@1A010310' does not match any of the regexes: '@(0|[1-9a-f][0-9a-f]*)$'",
  ].join('\n');
  assert.deepEqual(
    parseDtValidate(text).map((f) => `${f.node} ${f.property}`),
    ['funnel@0 reg', 'memory@80000000 device_type', 'interrupt-controller@2c010000 #ranges', '/ extsys@1A010310'],
  );
});
