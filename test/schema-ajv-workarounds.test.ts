/**
 * Where Ajv's verdict would differ from dt-validate's, the schema Ajv
 * compiles is rewritten to mean the same in a form Ajv gets right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLoaded } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { parseBinding } from '../src/schema/load.js';
import { nodeFileHost } from '../src/source/host.js';

const head = (id: string) => `%YAML 1.2
---
$id: http://devicetree.org/schemas/pool/${id}.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: ${id}
maintainers:
  - Test Author <test@example.org>
`;

// The shape of Linux's shared-dma-pool binding: a common schema by $ref, an if/then beside it, nothing else allowed.
const common = `${head('common')}
properties:
  size: true
  reusable:
    type: boolean
additionalProperties: true
`;
const pool = `${head('pool')}
allOf:
  - $ref: common.yaml
properties:
  compatible:
    enum: ['acme,pool', 'acme,restricted-pool']
if:
  properties:
    compatible:
      contains:
        const: acme,restricted-pool
then:
  properties:
    reusable: false
unevaluatedProperties: false
`;

const set = compileLoaded([parseBinding('/b/pool/common.yaml', common), parseBinding('/b/pool/pool.yaml', pool)], nodeSchemaHost(nodeFileHost));
const binding = set.get('http://devicetree.org/schemas/pool/pool.yaml#')!;

test('properties a $ref evaluated still count with an if/then beside it (Ajv alone forgets them when the if fails)', () => {
  const errors = set.validate({ $nodename: ['pool'], compatible: ['acme,pool'], size: [[0, 0x1000]], reusable: true }, binding);
  assert.deepEqual(errors.map((e) => e.keyword), []);
});

test('the then still applies when the if holds, and an unknown property is still refused', () => {
  const errors = set.validate({ $nodename: ['pool'], compatible: ['acme,restricted-pool'], size: [[0, 0x1000]], reusable: true, bogus: true }, binding);
  const said = errors.map((e) => `${e.keyword} ${e.instancePath} ${JSON.stringify(e.params)}`);
  assert.ok(said.some((s) => s.startsWith('false schema /reusable')), said.join('\n'));
  assert.ok(said.some((s) => s.includes('"unevaluatedProperty":"bogus"')), said.join('\n'));
});
