/**
 * Selects run as plain predicates (schema/select-predicate.ts) must give Ajv's
 * verdicts: keyword by keyword on hand-made schemas and values, and for every
 * built-in select on the JSON of every node of the test fixtures (and of the
 * real boards of ../shared/corpus when it is there), on the nodes as they are
 * and with their names, parents and compatibles changed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { loadSchemaSet } from '../src/schema/load-set.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { selectTest, type SchemaSet } from '../src/schema/schema-set.js';
import { selectPredicate } from '../src/schema/select-predicate.js';
import { nodeJson } from '../src/schema/json-view.js';
import { phandleIndex } from '../src/tree/lookup.js';
import { liveNodeList } from '../src/tree/lookup.js';
import { loadTree } from '../src/load-tree.js';
import { nodeFileHost } from '../src/source/host.js';
import { corpusPath, projectPath } from './helpers.js';

const ODD_VALUES: unknown[] = [
  {},
  [],
  [[]],
  '',
  'x',
  'simple-bus',
  0,
  1.5,
  -3,
  Number.NaN,
  true,
  false,
  null,
  { $nodename: [] },
  { $nodename: 'cpus' },
  { $nodename: null },
  { $nodename: ['cpus', 'cpus'] },
  { $nodename: [7] },
  { compatible: [] },
  { compatible: 'simple-bus' },
  { compatible: [['simple-bus']] },
  { $parent: null },
  { $parent: [] },
  { $parent: {} },
];

function ajv(): Ajv2019 {
  return new Ajv2019({ strict: false, allErrors: true });
}

test('each keyword the predicate reads gives the verdict Ajv gives', () => {
  const schemas: unknown[] = [
    true,
    false,
    {},
    { type: 'object' },
    { type: 'array' },
    { type: 'string' },
    { type: 'number' },
    { type: 'integer' },
    { type: 'boolean' },
    { type: 'null' },
    { type: ['string', 'null'] },
    { required: ['a', 'b'] },
    { required: ['constructor'] },
    { properties: { a: { type: 'string' }, b: false, c: true } },
    { patternProperties: { '^a': { type: 'integer' }, 'b$': false } },
    { patternProperties: { '^a': true } },
    { items: [{ const: 1 }, { type: 'string' }] },
    { items: { type: 'integer' } },
    { minItems: 1, maxItems: 2 },
    { contains: { const: 'x' } },
    { const: 'x' },
    { const: 1 },
    { const: null },
    { enum: ['x', 1, null, true] },
    { pattern: '^[a-z]+@' },
    { pattern: '\\p{Lu}' },
    { not: { required: ['a'] } },
    { allOf: [{ required: ['a'] }, { required: ['b'] }] },
    { anyOf: [{ required: ['a'] }, { required: ['b'] }] },
    { oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    { $id: 'http://example.com/x', description: 'd', required: ['a'] },
    { required: ['$nodename'], properties: { $nodename: { items: [{ pattern: '^cpu@' }], type: 'array', minItems: 1, maxItems: 1 } }, not: { properties: { $parent: false } } },
  ];
  const values: unknown[] = [
    ...ODD_VALUES,
    { a: 'x' },
    { a: 1, b: 2 },
    { a: 'x', b: 'y' },
    { b: 'x' },
    { c: 1 },
    { ab: 1, b: 1 },
    { aa: 1.5 },
    { constructor: 1 },
    [1, 'x', 3],
    [1, 2],
    ['x'],
    ['x', 'y', 'z'],
    [2, 'x'],
    'abc@1',
    'Abc',
    'ünï',
    { $nodename: ['cpu@0'] },
    { $nodename: ['cpu@0'], $parent: {} },
  ];
  const compiler = ajv();
  for (const schema of schemas) {
    const predicate = selectPredicate(schema);
    assert.ok(predicate, `reads ${JSON.stringify(schema)}`);
    const compiled = compiler.compile(schema as object);
    for (const v of values) assert.equal(predicate(v), compiled(v), `${JSON.stringify(schema)} on ${JSON.stringify(v)}`);
  }
});

test('a select with a keyword or value the predicate does not read is left to Ajv', () => {
  for (const schema of [
    { $ref: '#/definitions/x' },
    { additionalProperties: false },
    { const: ['x'] },
    { enum: [{ a: 1 }] },
    { type: 'thing' },
    { pattern: '(' },
    { minItems: -1 },
    { required: 'a' },
    { anyOf: [] },
    { properties: { a: { $ref: '#' } } },
    'not a schema',
  ]) {
    assert.equal(selectPredicate(schema), null, JSON.stringify(schema));
  }
});

/** The JSON view of every node of one DTS file. */
function nodesOfFile(path: string, includeDirs: string[], set: SchemaSet, out: unknown[]): void {
  const loaded = loadTree(path, new Uint8Array(readFileSync(path)), { host: nodeFileHost, includeDirs });
  if (!loaded.tree) return;
  const phandles = phandleIndex(loaded.tree.root);
  const view = { types: set, cache: new Map(), parentCache: new Map(), childNames: true };
  for (const node of liveNodeList(loaded.tree.root)) out.push(nodeJson(node, view, phandles));
}

/** The JSON view of every node of the DTS files in `dir` (recursively). */
function nodesOf(dir: string, set: SchemaSet, out: unknown[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) nodesOf(path, set, out);
    else if (/\.dts$/.test(entry.name)) nodesOfFile(path, [], set, out);
  }
}

/** The real boards of the corpus, preprocessed with their include folders (its MANIFEST.tsv). */
function realBoardNodes(corpus: string, set: SchemaSet, out: unknown[]): void {
  const root = join(corpus, 'real', 'tf-a');
  const rows = readFileSync(join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  for (const row of rows) {
    const [, input, dirs] = row.split('\t');
    nodesOfFile(join(root, input!), dirs!.split(' ').map((d) => join(root, d)), set, out);
  }
}

/** A node and the same node with its name, parent and compatible changed. */
function variants(json: Record<string, unknown>): unknown[] {
  const out: unknown[] = [json];
  for (const name of ['cpus', 'cpu@0', 'memory@0', 'interrupt-controller@1', 'soc', 'x@10', 'x@0', 'x@01', '/']) {
    out.push({ ...json, $nodename: [name] });
  }
  const { $parent: _parent, ...orphan } = json;
  out.push(orphan);
  out.push({ ...json, $parent: { $nodename: ['cpus'] } });
  out.push({ ...json, $parent: { $nodename: ['/'] } });
  out.push({ ...json, $parent: { $nodename: ['bus'], compatible: ['simple-bus'] } });
  out.push({ ...json, compatible: ['simple-bus'] });
  out.push({ ...json, compatible: ['microsoft,vmgenid'] });
  out.push({ ...json, compatible: ['vendor,x', 'virtual,vmgenctr'] });
  return out;
}

test('every built-in select is a predicate, with Ajv\'s verdict on every node of the fixtures and the real boards', async (t) => {
  const set = await loadSchemaSet([], nodeSchemaHost(nodeFileHost));
  const nodes: unknown[] = [];
  nodesOf(projectPath('test/fixtures'), set, nodes);
  nodesOf(projectPath('fixtures'), set, nodes);
  const corpus = corpusPath();
  if (corpus) realBoardNodes(corpus, set, nodes);
  else t.diagnostic('../shared/corpus is absent: the real boards are not asked');
  // Our fixtures alone hold a few hundred nodes; with the real boards, thousands.
  assert.ok(nodes.length > (corpus ? 500 : 300), `${nodes.length} nodes`);
  t.diagnostic(`${nodes.length} nodes`);
  const values = [...ODD_VALUES, ...nodes.flatMap((n) => variants(n as Record<string, unknown>))];
  let asked = 0;
  for (const entry of set.entries) {
    const compiled = set.selectorOf(entry.id);
    if (typeof compiled !== 'function') continue;
    assert.ok(selectPredicate(entry.fixed['select']), `${entry.id}: its select is read as a predicate`);
    const test = selectTest(entry, compiled);
    assert.equal(typeof test, 'function');
    let selected = 0;
    for (const v of values) {
      const verdict = (test as (d: unknown) => boolean)(v);
      assert.equal(verdict, compiled(v) === true, `${entry.id} on ${JSON.stringify(v).slice(0, 300)}`);
      if (verdict) selected++;
    }
    // Each select says yes to something here, so the comparison is not all "no".
    assert.ok(selected > 0, `${entry.id} selects some node`);
    asked++;
  }
  assert.ok(asked >= 10, `${asked} selects compared`);
});
