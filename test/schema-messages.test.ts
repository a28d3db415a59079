import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describeErrors, propertyOf } from '../src/schema/messages.js';

// Hand-written instances in dt-schema's JSON form, checked by small schemas.
const ajv = new Ajv2019({ allErrors: true, strict: false, verbose: true });
function run(schema: object, node: unknown) {
  const v = ajv.compile(schema);
  v(node);
  return describeErrors(v.errors ?? []).map((m) => [m.check, m.message]);
}

test('property names from instance paths', () => {
  assert.equal(propertyOf('/reg/0/1'), 'reg');
  assert.equal(propertyOf('/rng@1/reg/0'), 'rng@1/reg');
  assert.equal(propertyOf(''), undefined);
  assert.equal(propertyOf('/a~1b'), 'a/b');
});

test('required / additional / counts', () => {
  const schema = {
    type: 'object',
    properties: { reg: { minItems: 1, maxItems: 1 }, interrupts: { items: { minItems: 3, maxItems: 3 } }, compatible: { maxItems: 1 } },
    required: ['compatible'],
    additionalProperties: false,
  };
  assert.deepEqual(run(schema, { reg: [[1, 2], [3, 4]], foo: true, interrupts: [[1, 2]] }), [
    ['schema_required', 'compatible is required'],
    ['schema_additional', "'foo' is not allowed: additional property"],
    ['schema_items', 'reg must have exactly 1 entry, found 2'],
    ['schema_items', 'interrupts: expected 3 cells per entry, entry 0 has 2'],
  ]);
  assert.deepEqual(run(schema, { compatible: ['a', 'b'] }), [['schema_items', 'compatible must have at most 1 string, found 2']]);
});

test('type / enum / const / pattern / range / unique / dependency', () => {
  const schema = {
    properties: {
      status: { items: [{ enum: ['okay', 'disabled'] }] },
      compatible: { items: [{ const: 'acme,x' }] },
      model: { items: { pattern: '^[a-z]+$' } },
      '#size-cells': { items: { items: { maximum: 2 } } },
      'clock-names': { uniqueItems: true },
      flag: { type: 'boolean' },
    },
    dependentRequired: { '#size-cells': ['#address-cells'] },
  };
  assert.deepEqual(
    run(schema, {
      status: ['on'], compatible: ['acme,y'], model: ['X'], '#size-cells': [[3]], 'clock-names': ['a', 'a'], flag: [[1]],
    }),
    [
      ['schema_enum', "status entry 0: 'on' is not one of 'okay', 'disabled'"],
      ['schema_const', "compatible entry 0: 'acme,y' should be 'acme,x'"],
      ['schema_pattern', "model entry 0: 'X' does not match '^[a-z]+$'"],
      ['schema_range', '#size-cells entry 0 cell 0: 3 must be <= 2'],
      ['schema_unique', 'clock-names: entries 0 and 1 are the same'],
      ['schema_type', 'flag: expected an empty (flag) property, found a cell value'],
      ['schema_dependency', '#size-cells requires #address-cells'],
    ],
  );
});

test('combinators fold their branches', () => {
  const either = { oneOf: [{ required: ['interrupts'] }, { required: ['interrupts-extended'] }] };
  assert.deepEqual(run(either, {}), [['schema_required', 'interrupts is required (or interrupts-extended)']]);
  const status = { properties: { status: { items: { anyOf: [{ enum: ['okay'] }, { pattern: '^fail-' }] } } } };
  assert.deepEqual(run(status, { status: ['bad'] }), [['schema_enum', "status entry 0: 'bad' is not one of 'okay', /^fail-/"]]);
  const forms = { properties: { ranges: { anyOf: [{ const: true }, { type: 'array', items: { type: 'array' } }] } } };
  const got = run(forms, { ranges: 'x' });
  assert.equal(got.length, 1);
  assert.equal(got[0]![0], 'schema_conditional');
});

test('messages keep Ajv locations for --verbose', () => {
  const v = ajv.compile({ properties: { reg: { maxItems: 1 } } });
  v({ reg: [[1], [2]] });
  const [m] = describeErrors(v.errors ?? []);
  assert.equal(m!.instancePath, '/reg');
  assert.equal(m!.schemaPath, '#/properties/reg/maxItems');
  assert.equal(m!.property, 'reg');
});

test('a failed anyOf whose branches are $refs is one finding that says why, as jsonschema reports it', async () => {
  const { compileSchemas } = await import('../src/schema/compile.js');
  const { nodeSchemaHost } = await import('../src/schema/host.js');
  const { nodeFileHost } = await import('../src/source/host.js');
  const set = compileSchemas([], nodeSchemaHost(nodeFileHost));
  const clock = set.get('http://devicetree.org/schemas/clock/clock.yaml#')!;
  const messages = describeErrors(set.validate({ $nodename: ['cpu@0'], 'clock-frequency': ['fast'] }, clock));
  assert.deepEqual(
    messages.map((m) => `${m.property}: ${m.message}`),
    ['clock-frequency: clock-frequency does not match any allowed form: clock-frequency entry 0: expected a list of cells, found a string'],
  );
});
