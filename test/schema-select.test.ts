/**
 * The core schemas' selects that only ask for a node name are answered by
 * comparing the name (schema-set.ts coreSelect): the same verdict as Ajv's
 * compiled select, on the JSON view's nodes and on odd values alike.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSchemaSet } from '../src/schema/load-set.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { coreSelect, selectedNodeName } from '../src/schema/schema-set.js';
import { nodeFileHost } from '../src/source/host.js';

test('selects by node name: found in the core schemas, and judged as Ajv judges them', async () => {
  const set = await loadSchemaSet([], nodeSchemaHost(nodeFileHost));
  const byName = set.entries.filter((e) => e.core && selectedNodeName(e.fixed['select']) !== null);
  assert.deepEqual(byName.map((e) => selectedNodeName(e.fixed['select'])).sort(), ['/', 'aliases', 'chosen', 'cpus', 'reserved-memory']);
  const names = ['/', 'aliases', 'chosen', 'cpus', 'reserved-memory', 'memory@0', 'cpus@0', 'aliases2', '', 'Chosen'];
  const values: unknown[] = [
    ...names.map((n) => ({ $nodename: [n] })),
    ...names.map((n) => ({ $nodename: [n], compatible: ['x'] })),
    { $nodename: ['aliases', 'aliases'] },
    { $nodename: [] },
    { $nodename: 'aliases' },
    { $nodename: null },
    { compatible: ['aliases'] },
    {},
    [],
    'aliases',
    null,
    7,
  ];
  for (const entry of byName) {
    const compiled = set.selectorOf(entry.id);
    assert.equal(typeof compiled, 'function');
    const shortcut = coreSelect(entry, compiled);
    assert.notEqual(shortcut, compiled, `${entry.id} takes the shortcut`);
    for (const v of values) {
      assert.equal((shortcut as (d: unknown) => boolean)(v), (compiled as (d: unknown) => boolean)(v) === true, `${entry.id} on ${JSON.stringify(v)}`);
    }
  }
  // A select that asks for more keeps its compiled form.
  const other = set.entries.find((e) => e.core && typeof set.selectorOf(e.id) === 'function' && selectedNodeName(e.fixed['select']) === null)!;
  assert.equal(coreSelect(other, set.selectorOf(other.id)), set.selectorOf(other.id));
});
