/**
 * A binding that judges property names alone (vendor-prefixes.yaml's shape)
 * is asked once per name; its verdict on a node, and its findings on a node
 * with a bad name, are the ones a whole run of the binding gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLoaded } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { parseBinding } from '../src/schema/load.js';
import { judgesNamesAlone, NameVerdicts } from '../src/schema/name-only.js';
import { nodeFileHost } from '../src/source/host.js';

const PREFIXES = `%YAML 1.2
---
$id: http://devicetree.org/schemas/test/prefixes.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: Vendor prefixes
maintainers:
  - Test Author <test@example.org>
select: true
properties: {}
patternProperties:
  "^(gpio|i2c-gpio),.*": true
  "^acme,.*":
    description: Acme Inc.
  "^oldco,.*":
    description: Old Co.
    deprecated: true
  "^[a-zA-Z0-9#_][a-zA-Z0-9+\\\\-._@]{0,63}$": true
  "^#.*": true
additionalProperties: false
`;

test('the vendor-prefixes shape judges names alone; a schema with anything more does not', () => {
  const fixed = (extra: Record<string, unknown>) => ({ $id: 'x', type: 'object', properties: { status: true }, patternProperties: { '^acme,.*': { description: 'Acme' } }, additionalProperties: false, ...extra });
  assert.equal(judgesNamesAlone(fixed({})), true);
  assert.equal(judgesNamesAlone(fixed({ required: ['status'] })), false);
  assert.equal(judgesNamesAlone(fixed({ minProperties: 1 })), false);
  assert.equal(judgesNamesAlone(fixed({ properties: { status: { const: 'okay' } } })), false);
  assert.equal(judgesNamesAlone(fixed({ patternProperties: { '^acme,.*': { type: 'string' } } })), false);
  assert.equal(judgesNamesAlone(fixed({ additionalProperties: { type: 'string' } })), false);
  assert.equal(judgesNamesAlone(fixed({ type: 'array' })), false);
  assert.equal(judgesNamesAlone(fixed({ allOf: [] })), false);
});

test('NameVerdicts asks each name once and forgets nothing it needs', () => {
  const asked: string[] = [];
  const names = new NameVerdicts();
  const passes = (one: Record<string, unknown>) => {
    const name = Object.keys(one)[0]!;
    asked.push(name);
    return !name.startsWith('bad,');
  };
  assert.equal(names.allPass({ a: 1, b: 2 }, passes), true);
  assert.equal(names.allPass({ b: 1, a: 2 }, passes), true);
  assert.equal(names.allPass({ a: 1, 'bad,x': 2 }, passes), false);
  assert.equal(names.allPass({ 'bad,x': 2 }, passes), false);
  assert.deepEqual(asked, ['a', 'b', 'bad,x']);
  // A name that cannot be asked (a pattern out of time) sends the node to the whole binding.
  assert.equal(names.allPass({ c: 1 }, () => { throw new Error('budget'); }), false);
});

test('a binding judged by names gives the verdicts and findings the whole binding gives', () => {
  const set = compileLoaded([parseBinding('/bindings/test/prefixes.yaml', PREFIXES)], nodeSchemaHost(nodeFileHost));
  const entry = set.entries.find((e) => e.id.includes('/test/prefixes'))!;
  assert.equal(judgesNamesAlone(entry.fixed), true, JSON.stringify(entry.fixed));
  const good = { $nodename: ['serial@1000'], compatible: ['acme,uart'], 'acme,speed': [[1]], 'gpio,line': [[2]], '#size-cells': [[1]], 'oldco,x': true };
  assert.deepEqual(set.validate(good, entry), []);
  assert.deepEqual(set.validate({ ...good }, entry), [], 'asked again: the names are known now');
  const bad = { ...good, 'nobody,thing': true, 'acme,ok': true, 'Weird Name!': true };
  const errors = set.validate(bad, entry).map((e) => `${e.keyword} ${JSON.stringify(e.params)}`);
  assert.deepEqual(errors.sort(), ['additionalProperties {"additionalProperty":"Weird Name!"}', 'additionalProperties {"additionalProperty":"nobody,thing"}']);
});
