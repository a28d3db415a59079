/**
 * Which schemas judge a node: every one whose select matches, as dt-validate
 * applies them (not the first binding that documents a compatible).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLoaded } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { parseBinding } from '../src/schema/load.js';
import { nodeFileHost } from '../src/source/host.js';
import { lintBytes } from '../src/lint.js';
import { compileSchemas } from '../src/schema/compile.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const host = nodeSchemaHost(nodeFileHost);

function binding(name: string, body: string): string {
  return `%YAML 1.2
---
$id: http://devicetree.org/schemas/test/${name}.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: ${name}
maintainers:
  - Test Author <test@example.org>
${body}
`;
}

const BINDINGS: Record<string, string> = {
  // Documents the board's first compatible.
  'acme-uart': binding(
    'acme-uart',
    `properties:
  compatible:
    const: acme,uart
  reg:
    maxItems: 1
required: [compatible, reg]
additionalProperties: true`,
  ),
  // Documents the fallback compatible only: dt-validate applies it too.
  'generic-uart': binding(
    'generic-uart',
    `properties:
  compatible:
    contains:
      const: generic,uart
  clock-frequency: true
required: [clock-frequency]
additionalProperties: true`,
  ),
  // Its select is its own: every node named serial@…, whatever its compatible.
  'serial-names': binding(
    'serial-names',
    `select:
  properties:
    $nodename:
      pattern: '^serial@'
  required: [$nodename]
properties:
  current-speed: true
required: [current-speed]
additionalProperties: true`,
  ),
  // Names the compatible but selects nothing: never applied.
  'never': binding(
    'never',
    `select: false
properties:
  compatible:
    const: acme,uart
required: [acme,never-there]
additionalProperties: true`,
  ),
  // Only "syscon": the select dt-schema makes leaves syscon out, so none.
  'syscon-only': binding(
    'syscon-only',
    `properties:
  compatible:
    const: syscon
required: [acme,never-there]
additionalProperties: true`,
  ),
};

const set = compileLoaded(
  Object.entries(BINDINGS).map(([name, text]) => parseBinding(`/bindings/test/${name}.yaml`, text)),
  host,
);

const uart = { $nodename: ['serial@1000'], compatible: ['acme,uart', 'generic,uart', 'syscon'], reg: [[0x1000, 0x100]] };

test('every binding whose select matches a node is applied, in load order', () => {
  const ids = set.selecting(uart).map((e) => e.id.replace(/^.*\/test\//, ''));
  assert.deepEqual(ids, ['acme-uart.yaml#', 'generic-uart.yaml#', 'serial-names.yaml#']);
});

test('a select of another shape runs on every node; select: false and a syscon-only binding never select', () => {
  const ids = (node: object) => set.selecting(node).map((e) => e.id.replace(/^.*\/test\//, ''));
  assert.deepEqual(ids({ $nodename: ['serial@2000'] }), ['serial-names.yaml#']);
  assert.deepEqual(ids({ $nodename: ['timer@2000'], compatible: ['syscon'] }), []);
  assert.deepEqual(ids({ $nodename: ['timer@2000'], compatible: ['generic,uart'] }), ['generic-uart.yaml#']);
});

test('the core schemas select too: applicable() holds them with the bindings', () => {
  const all = set.applicable(uart);
  assert.ok(all.some((e) => e.core && e.id.includes('dt-core')), 'dt-core applies to every node');
  assert.ok(all.some((e) => !e.core));
});

test('findings come from each selecting binding: the fallback binding and the node-name one are heard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'applicable-'));
  try {
    for (const [name, text] of Object.entries(BINDINGS)) writeFileSync(join(dir, `${name}.yaml`), text.replace('/schemas/test/', '/schemas/'));
    const schemas = compileSchemas([dir], host);
    const board = `/dts-v1/;
/ {
  model = "test board";
  compatible = "acme,board";
  #address-cells = <1>;
  #size-cells = <1>;
  serial@1000 {
    compatible = "acme,uart", "generic,uart";
    reg = <0x1000 0x100>;
  };
};
`;
    const report = lintBytes('board.dts', new TextEncoder().encode(board), { schemas, all: true, checks: false, host: nodeFileHost });
    const required = report.diagnostics.filter((d) => d.check === 'schema_required').map((d) => `${d.bindingId?.replace(/^.*\/schemas\//, '')}: ${d.message}`);
    assert.deepEqual(required.sort(), [
      'generic-uart.yaml#: clock-frequency is required',
      'serial-names.yaml#: current-speed is required',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
