/**
 * The JSON view's regrouping (schema/json-view.ts), pinned by a golden dump:
 * GPIO specifiers split by the controller's #gpio-cells (not under a hog, and
 * a phandle without #gpio-cells taken as no arguments), interrupts by the
 * interrupt parent's #interrupt-cells, reg by the cells handed down, ranges
 * and dma-ranges by those and the bus's own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { projectPath, runCli } from './helpers.js';

test('dump: regrouped cells as dt-schema sees them (golden)', async () => {
  const fixture = projectPath('test/fixtures/json-view/regroup.dts');
  const r = await runCli(['dump', fixture]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString('utf8'), readFileSync(projectPath('test/fixtures/json-view/regroup.json'), 'utf8'));
  const bus = JSON.parse(r.stdout.toString('utf8'))['bus@40000000'];
  assert.deepEqual(bus['button@1000']['reset-gpios'], [[2, 3, 0], [2, 4, 1]]);
  assert.deepEqual(bus.ranges, [[0, 0, 0x40000000, 0x100000], [0x100000, 0, 0x50000000, 0x100000]]);
});

test("$parent: readable by the validators, shared by siblings, never listed; disabled and ignored nodes known", async () => {
  const { loadTree } = await import('../src/load-tree.js');
  const { nodeJson, isDisabledNode, isIgnored } = await import('../src/schema/json-view.js');
  const { phandleIndex } = await import('../src/tree/lookup.js');
  const { nodeFileHost } = await import('../src/source/host.js');
  const source = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	bus@1000 {
		#address-cells = <1>;
		#size-cells = <0>;
		status = "disabled";
		a@1 { reg = <1>; };
		b@2 { reg = <2>; status = "okay"; };
	};
	__overlay__ { c { }; };
};
`;
  const loaded = loadTree('parent.dts', new TextEncoder().encode(source), { host: nodeFileHost, includeDirs: [] });
  const root = loaded.tree!.root;
  const view = { cache: new Map(), parentCache: new Map() };
  const phandles = phandleIndex(root);
  const bus = root.child('bus@1000')!;
  const [a, b] = [nodeJson(bus.child('a@1')!, view, phandles), nodeJson(bus.child('b@2')!, view, phandles)];
  const parent = a['$parent'] as Record<string, unknown>;
  assert.deepEqual(parent['#size-cells'], [[0]]);
  assert.deepEqual(parent['$nodename'], ['bus@1000']);
  assert.equal(parent['a@1'], undefined, 'the parent is seen without its children');
  assert.equal(b['$parent'], parent, 'siblings share one parent object');
  assert.equal(nodeJson(root, view, phandles)['$parent'], undefined);
  assert.ok(!Object.keys(a).includes('$parent'));
  assert.ok(!JSON.stringify(a).includes('$parent'));
  const keys: string[] = [];
  for (const key in a) keys.push(key);
  assert.deepEqual(keys, ['$nodename', 'reg']);
  // dt-validate hands a disabled status down to children without their own.
  assert.equal(isDisabledNode(nodeJson(bus, view, phandles)), true);
  assert.equal(isDisabledNode(a), true);
  assert.equal(isDisabledNode(b), false);
  assert.equal(isIgnored(a), false);
  assert.equal(isIgnored(nodeJson(root.child('__overlay__')!.child('c')!, view, phandles)), true);
});
