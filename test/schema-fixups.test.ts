import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixupBinding, fixupProperty, fixItemsSize, type JsonObject } from '../src/schema/fixups.js';
import { loadBinding } from '../src/schema/load.js';
import { nodeFileHost } from '../src/source/host.js';
import { projectPath } from './helpers.js';

const prop = (name: string, schema: JsonObject): JsonObject => {
  const copy = structuredClone(schema);
  fixupProperty(name, copy);
  return copy;
};

test('fixupBinding drops documentation and does not modify its input', () => {
  const input = {
    $id: 'x', title: 't', maintainers: ['a <a@b.c>'], examples: ['x'], description: 'd',
    properties: { compatible: { const: 'a,b' } }, additionalProperties: false,
  };
  const before = structuredClone(input);
  const out = fixupBinding(input);
  assert.deepEqual(input, before);
  assert.equal(out.maintainers, undefined);
  assert.equal(out.examples, undefined);
  assert.equal(out.description, undefined);
  assert.equal(out.type, 'object');
});

test('string const becomes an items list of one', () => {
  assert.deepEqual(prop('compatible', { const: 'a,b', description: 'x' }), {
    items: [{ const: 'a,b' }], type: 'array', minItems: 1, maxItems: 1,
  });
  assert.deepEqual(prop('compatible', { enum: ['a', 'b'] }), {
    items: [{ enum: ['a', 'b'] }], type: 'array', minItems: 1, maxItems: 1,
  });
});

test('scalar int constraints wrap into matrix form', () => {
  assert.deepEqual(prop('#interrupt-cells', { const: 3 }), {
    items: [{ items: [{ const: 3 }], type: 'array', minItems: 1, maxItems: 1 }],
    type: 'array', minItems: 1, maxItems: 1,
  });
  assert.deepEqual(prop('reg', { items: [{ const: 0x10 }] }).items, [
    { items: [{ const: 0x10 }], type: 'array', minItems: 1, maxItems: 1 },
  ]);
});

test('maxItems alone implies minItems and the reverse', () => {
  assert.deepEqual(prop('interrupts', { maxItems: 1 }), { maxItems: 1, minItems: 1 });
  assert.deepEqual(prop('interrupts', { minItems: 2 }), { minItems: 2, maxItems: 2 });
  const s: JsonObject = { items: [{ const: 'a' }, { const: 'b' }], minItems: 1 };
  fixItemsSize(s);
  assert.deepEqual(s, { items: [{ const: 'a' }, { const: 'b' }], minItems: 1, maxItems: 2, type: 'array' });
});

test('empty items entries only give the count', () => {
  assert.deepEqual(prop('clocks', { items: [{ description: 'a' }, { description: 'b' }] }), {
    type: 'array', maxItems: 2, minItems: 2,
  });
});

test('int array size allows both one row and rows of one', () => {
  const out = prop('acme,levels', { $ref: '/schemas/types.yaml#/definitions/uint32-array', minItems: 2, maxItems: 4 });
  assert.deepEqual(out.oneOf, [
    { minItems: 2, maxItems: 4, items: { maxItems: 1, minItems: 1 }, type: 'array' },
    { items: [{ minItems: 2, maxItems: 4 }], type: 'array', minItems: 1, maxItems: 1 },
  ]);
});

test('int array items describe the cells of the row', () => {
  const out = prop('acme,levels', {
    $ref: '/schemas/types.yaml#/definitions/uint32-array', items: [{ const: 1 }, { const: 2 }],
  });
  assert.deepEqual(out.items, [{ items: [{ const: 1 }, { const: 2 }], type: 'array', minItems: 2, maxItems: 2 }]);
});

test('required interrupts accepts interrupts-extended; interrupt-parent allowed', () => {
  const out = fixupBinding({
    $id: 'x', properties: { interrupts: { maxItems: 1 } }, required: ['interrupts'], additionalProperties: false,
  });
  const props = out.properties as JsonObject;
  assert.equal(props['interrupt-parent'], true);
  assert.deepEqual(props['interrupts-extended'], { maxItems: 1, minItems: 1 });
  assert.deepEqual(out.required, []);
  assert.deepEqual(out.oneOf, [{ required: ['interrupts'] }, { required: ['interrupts-extended'] }]);
  // an existing oneOf is kept; the alternative goes under allOf
  const out2 = fixupBinding({
    $id: 'x', properties: { interrupts: true }, required: ['interrupts'], oneOf: [{ required: ['a'] }],
  });
  assert.deepEqual(out2.allOf, [{ oneOf: [{ required: ['interrupts'] }, { required: ['interrupts-extended'] }] }]);
});

test('implicit properties are added to closed node schemas only', () => {
  const closed = fixupBinding({ $id: 'x', properties: { a: true }, additionalProperties: false });
  const p = closed.properties as JsonObject;
  for (const k of ['phandle', 'status', 'secure-status', '$nodename', 'pinctrl-names']) assert.equal(p[k], true, k);
  assert.deepEqual(closed.patternProperties, { 'pinctrl-[0-9]+': true });
  const clocks = fixupBinding({ $id: 'x', properties: { clocks: { maxItems: 1 } }, additionalProperties: false });
  assert.equal((clocks.properties as JsonObject)['assigned-clocks'], true);
  const open = fixupBinding({ $id: 'x', properties: { a: true }, additionalProperties: true });
  assert.equal((open.properties as JsonObject).phandle, undefined);
  assert.equal(open.additionalProperties, undefined, 'additionalProperties: true is dropped');
});

test('select is generated from the compatibles, else $nodename, else nothing', () => {
  const out = fixupBinding({ $id: 'x', properties: { compatible: { enum: ['b,y', 'a,x', 'syscon'] } } });
  assert.deepEqual(out.select, {
    required: ['compatible'], properties: { compatible: { contains: { enum: ['a,x', 'b,y'] } } },
  });
  const byName = fixupBinding({ $id: 'x', properties: { $nodename: { pattern: '^foo' } } });
  assert.deepEqual(byName.select, {
    required: ['$nodename'],
    properties: { $nodename: { items: [{ pattern: '^foo' }], type: 'array', minItems: 1, maxItems: 1 } },
  });
  assert.equal(fixupBinding({ $id: 'x', properties: { a: true } }).select, false);
  assert.equal(fixupBinding({ $id: 'x', select: true, properties: {} }).select, true);
});

test('dependencies split into dependentRequired / dependentSchemas', () => {
  const out = fixupBinding({ $id: 'x', dependencies: { a: ['b'], c: { required: ['d'] } } });
  assert.deepEqual(out.dependentRequired, { a: ['b'] });
  assert.deepEqual(out.dependentSchemas, { c: { required: ['d'] } });
});

test('our fix-ups of both rng bindings match what dt-mk-schema 2022.08 produced', () => {
  const reference = JSON.parse(
    readFileSync(projectPath('test/fixtures/schema/dt-mk-schema-processed.json'), 'utf8'),
  ) as Record<string, JsonObject>;
  for (const file of ['vmgenid.yaml', 'microsoft,vmgenid.yaml']) {
    const b = loadBinding(projectPath(`schemas/rng/${file}`), nodeFileHost);
    const ours = fixupBinding(b.json);
    const theirs = reference[b.id!]!;
    assert.ok(theirs, `reference has ${b.id}`);
    for (const key of ['properties', 'patternProperties', 'required', 'oneOf', 'select', 'additionalProperties', 'type', 'title', '$id']) {
      assert.deepEqual(ours[key], theirs[key], `${file}: ${key}`);
    }
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).filter((k) => k !== '$filename').sort(), file);
  }
});

test('fix-ups of the fixup-cases bindings equal dt-mk-schema 2022.08 output exactly', () => {
  const reference = JSON.parse(
    readFileSync(projectPath('test/fixtures/schema/fixup-cases/dt-mk-schema-processed.json'), 'utf8'),
  ) as Record<string, JsonObject>;
  for (const file of ['arrays.yaml', 'generic.yaml']) {
    const b = loadBinding(projectPath(`test/fixtures/schema/fixup-cases/fx/${file}`), nodeFileHost);
    assert.deepEqual(b.diagnostics, []);
    const ours = fixupBinding(b.json);
    assert.deepEqual(ours, reference[b.id!], file);
  }
});
