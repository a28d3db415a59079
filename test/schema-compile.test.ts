import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLoaded, compileSchemas } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { parseBinding } from '../src/schema/load.js';
import { describeErrors } from '../src/schema/messages.js';
import { nodeFileHost } from '../src/source/host.js';

const host = nodeSchemaHost(nodeFileHost);
const set = compileSchemas([], host);

const good = {
  $nodename: ['rng@80000000'],
  compatible: ['microsoft,vmgenid'],
  reg: [[0x80000000, 0x1000]],
  interrupts: [[0, 35, 1]],
};

test('built-in schemas load without diagnostics', () => {
  assert.deepEqual(set.diagnostics, []);
  assert.ok(set.get('http://devicetree.org/schemas/rng/microsoft,vmgenid.yaml#'));
  assert.ok(set.get('http://devicetree.org/schemas/types.yaml'));
});

test('bindingsFor: the first documented compatible picks the binding', () => {
  assert.equal(set.bindingsFor(['acme,unknown', 'microsoft,vmgenid'])?.id, 'http://devicetree.org/schemas/rng/microsoft,vmgenid.yaml#');
  assert.equal(set.bindingsFor(['virtual,vmgenctr'])?.id, 'http://devicetree.org/schemas/rng/vmgenid.yaml#');
  assert.equal(set.bindingsFor(['acme,unknown']), undefined);
  assert.equal(set.selecting(good).length, 1);
});

test('a correct node passes its binding and the core schemas', () => {
  const b = set.bindingsFor(good.compatible)!;
  assert.deepEqual(set.validate(good, b), []);
  assert.deepEqual(set.coreValidate(good), []);
  // implicit properties and interrupts-extended are accepted
  const ext = { $nodename: ['rng@1'], compatible: ['microsoft,vmgenid'], reg: [[1, 2]], 'interrupts-extended': [[1, 0, 35, 1]], status: ['okay'], phandle: [[3]] };
  assert.deepEqual(set.validate(ext, b), []);
});

test('binding errors', () => {
  const b = set.bindingsFor(good.compatible)!;
  const msgs = describeErrors(set.validate({ ...good, reg: [[1, 2], [3, 4]], foo: true }, b));
  assert.deepEqual(msgs.map((m) => [m.check, m.message]).sort(), [
    ['schema_additional', "'foo' is not allowed: additional property"],
    ['schema_items', 'reg must have exactly 1 entry, found 2'],
  ]);
  const missing = describeErrors(set.validate({ $nodename: ['rng'], compatible: ['microsoft,vmgenid'], reg: [[1, 2]] }, b));
  assert.deepEqual(missing.map((m) => [m.check, m.message, m.property]), [
    ['schema_required', 'interrupts is required (or interrupts-extended)', 'interrupts'],
  ]);
});

test('core schema errors: names, status, cells, memory', () => {
  const msgs = describeErrors(set.coreValidate({ ...good, status: ['okk'], 'Bad_Name!': true, compatible: ['Bad Compat'] }));
  const checks = msgs.map((m) => m.check).sort();
  assert.deepEqual(checks, ['schema_additional', 'schema_enum', 'schema_pattern']);
  // dt-schema 2022.08 knows only okay, disabled and reserved.
  assert.deepEqual(describeErrors(set.coreValidate({ ...good, status: ['fail-sss'] })).map((m) => m.check), ['schema_enum']);
  const mem = describeErrors(set.coreValidate({ $nodename: ['memory@0'], reg: [[0, 0x1000]] }));
  assert.deepEqual(mem.map((m) => m.message), ['device_type is required']);
  // reg rows are checked on the child, against its parent's cells (seen through the hidden $parent).
  const child: Record<string, unknown> = { $nodename: ['rng@1'], reg: [[1, 2]] };
  Object.defineProperty(child, '$parent', { value: { $nodename: ['/'], '#address-cells': [[2]], '#size-cells': [[2]] }, enumerable: false });
  assert.deepEqual(describeErrors(set.coreValidate(child)).map((m) => m.message), ['reg: expected 4 cells per entry, entry 0 has 2']);
  const rm = describeErrors(set.coreValidate({ $nodename: ['reserved-memory'], '#address-cells': [[1]], '#size-cells': [[1]], ranges: true, 'buf@0': { reg: [[0, 1]], 'no-map': true, reusable: true } }));
  assert.equal(rm.length, 1);
});

test('the seed binding: its flaws are allowed by its own schema', () => {
  const b = set.bindingsFor(['virtual,vmgenctr'])!;
  const node = { $nodename: ['rng@80000000'], compatible: ['virtual,vmgenctr'], reg: [[0x80000000, 0x1000]], interrupts: [[0, 35, 1]], '#interrupt-cells': [[3]] };
  assert.deepEqual(set.validate(node, b), []);
  const wrong = describeErrors(set.validate({ ...node, '#interrupt-cells': [[2]] }, b));
  assert.deepEqual(wrong.map((m) => m.check), ['schema_const']);
});

test('propertyTypes from $refs to types.yaml', () => {
  assert.deepEqual(set.propertyTypes('reg'), ['uint32-matrix']);
  assert.deepEqual(set.propertyTypes('#interrupt-cells'), ['uint32']);
  assert.deepEqual(set.propertyTypes('compatible'), ['string-array']);
  assert.deepEqual(set.propertyTypes('status'), ['string']);
  assert.deepEqual(set.propertyTypes('interrupt-controller'), ['flag']);
  assert.deepEqual(set.propertyTypes('interrupts-extended'), ['phandle-array']);
  assert.deepEqual(set.propertyTypes('interrupt-parent'), ['phandle']);
  assert.deepEqual(set.propertyTypes('#foo-cells'), ['uint32']);
  assert.deepEqual(set.propertyTypes('clock-frequency-hz'), ['uint32-matrix']);
  assert.deepEqual(set.propertyTypes('acme,unknown'), []);
  // the root node's model is a string list in dt-schema 2022.08
  assert.equal(set.propertyType('model'), 'string-array');
});

test('user schemas come first and broken ones are diagnostics', () => {
  const user = parseBinding('user.yaml', [
    '$id: http://devicetree.org/schemas/user.yaml#',
    '$schema: http://devicetree.org/meta-schemas/core.yaml#',
    'title: User',
    'maintainers: [A B <a@b.org>]',
    'properties:',
    "  compatible: { const: 'acme,user' }",
    '  acme,level: { $ref: /schemas/types.yaml#/definitions/uint8, description: x }',
    'additionalProperties: false',
  ].join('\n'));
  const s = compileLoaded([user, parseBinding('broken.yaml', 'a: [')], host);
  assert.ok(s.diagnostics.length >= 1);
  assert.equal(s.diagnostics[0]!.check, 'binding_yaml');
  const b = s.bindingsFor(['acme,user'])!;
  assert.deepEqual(s.validate({ compatible: ['acme,user'], 'acme,level': [[7]] }, b), []);
  assert.equal(describeErrors(s.validate({ compatible: ['acme,user'], 'acme,level': [[700]] }, b))[0]!.check, 'schema_range');
  assert.deepEqual(s.propertyTypes('acme,level'), ['uint8']);
});
