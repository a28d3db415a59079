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
import { describeErrors } from '../src/schema/messages.js';

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

// The shape of Linux's LED bindings: a common schema by allOf/$ref, a value the binding narrows.
const ledCommon = `${head('led-common')}
properties:
  label: true
  default-state:
    enum: [[on], [off]]
  linux,default-trigger: true
additionalProperties: true
`;
const led = `${head('led')}
allOf:
  - $ref: led-common.yaml
properties:
  compatible:
    const: acme,led
  linux,default-trigger:
    enum: [[heartbeat], [timer]]
unevaluatedProperties: false
`;
const leds = compileLoaded([parseBinding('/b/pool/led-common.yaml', ledCommon), parseBinding('/b/pool/led.yaml', led)], nodeSchemaHost(nodeFileHost));
const ledBinding = leds.get('http://devicetree.org/schemas/pool/led.yaml#')!;
const unexpected = (node: object) =>
  leds
    .validate(node, ledBinding)
    .filter((e) => e.keyword === 'unevaluatedProperties')
    .map((e) => String(e.params.unevaluatedProperty))
    .sort();

test('as dt-validate counts: a value that fails makes its property unevaluated, and a failed allOf branch all of its own', () => {
  // The trigger fails the binding's enum: unevaluated; default-state fails the common schema, so the whole $ref branch fails.
  assert.deepEqual(unexpected({ $nodename: ['led'], compatible: ['acme,led'], label: ['x'], 'default-state': ['blink'], 'linux,default-trigger': ['cpu0'] }), [
    'default-state',
    'label',
    'linux,default-trigger',
  ]);
  // Only the common schema's value fails: its branch fails, so label goes too; the trigger passes the binding's own entry.
  assert.deepEqual(unexpected({ $nodename: ['led'], compatible: ['acme,led'], label: ['x'], 'default-state': ['blink'], 'linux,default-trigger': ['timer'] }), ['default-state', 'label']);
  // A valid node has nothing unevaluated.
  assert.deepEqual(unexpected({ $nodename: ['led'], compatible: ['acme,led'], label: ['x'], 'default-state': ['on'], 'linux,default-trigger': ['timer'] }), []);
});

// The shape of Linux's rockchip,dwc3 binding: a closed schema pulled in by $ref, the binding closed again.
const dwc = `${head('dwc')}
properties:
  compatible:
    contains:
      const: acme,dwc
  reg:
    maxItems: 1
required: [reg]
unevaluatedProperties: false
`;
const soc = `${head('soc-dwc')}
allOf:
  - $ref: dwc.yaml#
properties:
  compatible:
    items:
      - const: acme,soc-dwc
      - const: acme,dwc
  resets: true
unevaluatedProperties: false
`;
const dwcs = compileLoaded([parseBinding('/b/pool/dwc.yaml', dwc), parseBinding('/b/pool/soc-dwc.yaml', soc)], nodeSchemaHost(nodeFileHost));

test('a closed schema reached by $ref reports its own unevaluated properties and its own required ones, apart from the binding', () => {
  const binding = dwcs.get('http://devicetree.org/schemas/pool/soc-dwc.yaml#')!;
  const errors = dwcs.validate({ $nodename: ['usb'], compatible: ['acme,soc-dwc'], resets: [[1]] }, binding);
  const described = describeErrors(errors).map((m) => `${m.check} ${m.property}`).sort();
  // dwc.yaml, judged apart, finds compatible and resets unevaluated (compatible fails its contains, resets it does not know) and reg missing;
  // the binding finds compatible too short, and compatible unevaluated as a failed value.
  assert.deepEqual(described, [
    'schema_additional compatible',
    'schema_additional compatible',
    'schema_additional resets',
    'schema_contains compatible',
    'schema_items compatible',
    'schema_required reg',
  ]);
});

// The shape of Linux's rockchip power-controller binding: child nodes closed through a recursive local $ref.
const domains = `${head('domains')}
properties:
  compatible:
    const: acme,power-controller
patternProperties:
  '^power-domain@[0-9a-f]+$':
    $ref: '#/$defs/domain'
    unevaluatedProperties: false
$defs:
  domain:
    type: object
    properties:
      reg: true
      qos:
        $ref: /schemas/types.yaml#/definitions/phandle-array
        items:
          maxItems: 1
    patternProperties:
      '^power-domain@[0-9a-f]+$':
        $ref: '#/$defs/domain'
        unevaluatedProperties: false
additionalProperties: false
`;
const pd = compileLoaded([parseBinding('/b/pool/domains.yaml', domains)], nodeSchemaHost(nodeFileHost));

test('a closed child node judged through a recursive $ref: a failed value is also unevaluated there, at every depth', () => {
  const binding = pd.get('http://devicetree.org/schemas/pool/domains.yaml#')!;
  const node = {
    $nodename: ['power-controller'],
    compatible: ['acme,power-controller'],
    'power-domain@1': { reg: [[1]], qos: [[7, 8]], 'power-domain@2': { reg: [[2]], qos: [[9, 10]] } },
  };
  const unevaluated = pd
    .validate(node, binding)
    .filter((e) => e.keyword === 'unevaluatedProperties')
    .map((e) => `${e.instancePath} ${String(e.params.unevaluatedProperty)}`)
    .sort();
  assert.deepEqual(unevaluated, ['/power-domain@1 qos', '/power-domain@1/power-domain@2 qos']);
});

test("counting what a failed node's patternProperties evaluated matches a user's patterns with the linear-time engine, never by backtracking", () => {
  const hostile = `${head('hostile')}
properties:
  compatible:
    const: acme,hostile
patternProperties:
  '^(a+)+$': true
unevaluatedProperties: false
`;
  const set = compileLoaded([parseBinding('/b/pool/hostile.yaml', hostile)], nodeSchemaHost(nodeFileHost));
  const binding = set.get('http://devicetree.org/schemas/pool/hostile.yaml#')!;
  // A name that makes a backtracking engine take 2^30 steps; the node fails (its compatible), so the count runs.
  const name = `${'a'.repeat(30)}!`;
  const start = Date.now();
  const errors = set.validate({ $nodename: ['x'], compatible: ['acme,other'], [name]: true }, binding);
  assert.ok(Date.now() - start < 5000, `${Date.now() - start} ms`);
  assert.ok(errors.some((e) => e.keyword === 'unevaluatedProperties' && e.params.unevaluatedProperty === name));
});

// The shape of Linux's rockchip GRF binding: a child closed inside an if/then, its own binding by $ref.
const grfPhy = `${head('grf-phy')}
properties:
  compatible:
    const: acme,usb2phy
  reg: true
  host-port:
    type: object
required: [compatible]
additionalProperties: false
`;
const grf = `${head('grf')}
properties:
  compatible:
    contains:
      enum: ['acme,grf', 'acme,other-grf']
  '#address-cells': true
  '#size-cells': true
allOf:
  - if:
      properties:
        compatible:
          contains:
            const: acme,grf
    then:
      patternProperties:
        'usb2phy@[0-9a-f]+$':
          type: object
          $ref: grf-phy.yaml#
          unevaluatedProperties: false
additionalProperties: true
`;
const grfs = compileLoaded([parseBinding('/b/pool/grf-phy.yaml', grfPhy), parseBinding('/b/pool/grf.yaml', grf)], nodeSchemaHost(nodeFileHost));

test('a child closed inside the then its parent takes is judged there too, as jsonschema judges it', () => {
  const binding = grfs.get('http://devicetree.org/schemas/pool/grf.yaml#')!;
  const node = (compatible: string) => ({
    $nodename: ['syscon@ff770000'],
    compatible: [compatible, 'syscon'],
    'usb2phy@e450': { $nodename: ['usb2phy@e450'], compatible: ['acme,usb2phy'], reg: [[0xe450, 0x10]], port: { $nodename: ['port'] } },
  });
  const errors = (compatible: string) =>
    grfs
      .validate(node(compatible), binding)
      .filter((e) => e.keyword !== 'if')
      .map((e) => `${e.keyword} ${e.instancePath} ${String(e.params.unevaluatedProperty ?? e.params.additionalProperty ?? '')}`)
      .sort();
  // The then applies: the child's own binding refuses port, and the closed place in the then does too.
  assert.deepEqual(errors('acme,grf'), ['additionalProperties /usb2phy@e450 port', 'unevaluatedProperties /usb2phy@e450 port']);
  // The if fails: nothing judges the child.
  assert.deepEqual(errors('acme,other-grf'), []);
});
