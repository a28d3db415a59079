/**
 * The tree the compiler builds: merges, deletions, labels, references and
 * phandles, checked on the tree itself (the golden blobs check the bytes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeByRef } from '../src/tree/lookup.js';
import type { Node } from '../src/tree/node.js';
import { compileString, hex } from './helpers.js';

function compiled(source: string, options = {}): Node {
  const result = compileString(source, {}, options);
  assert.ok(result.tree, JSON.stringify(result.diagnostics));
  return result.tree.root;
}

function at(root: Node, path: string): Node {
  const node = nodeByRef(root, path);
  assert.ok(node, `no node ${path}`);
  return node;
}

function value(root: Node, path: string, prop: string): string {
  const p = at(root, path).property(prop);
  assert.ok(p, `no property ${path}:${prop}`);
  return hex(p.value.bytes);
}

test('a later definition replaces a property in place and appends new ones', () => {
  const root = compiled('/dts-v1/;\n/ { a = <1>; b = <2>; };\n/ { a = <3>; c = <4>; };\n');
  assert.deepEqual(root.liveProperties.map((p) => p.name), ['a', 'b', 'c']);
  assert.equal(value(root, '/', 'a'), '00000003');
});

test('a deleted property comes back in its old place when redefined', () => {
  const root = compiled('/dts-v1/;\n/ { a = <1>; b = <2>; };\n/ { /delete-property/ a; };\n/ { a = <5>; };\n');
  assert.deepEqual(root.liveProperties.map((p) => p.name), ['a', 'b']);
  assert.equal(value(root, '/', 'a'), '00000005');
});

test('labels: written order kept as dtc lists them, merged labels go in front', () => {
  const root = compiled('/dts-v1/;\n/ { x: y: n { }; };\nz: &x { };\n&y { };\n');
  assert.deepEqual(at(root, '/n').labels.map((l) => l.name), ['z', 'x', 'y']);
});

test('/delete-node/ by name, by label and by path', () => {
  const root = compiled('/dts-v1/;\n/ { a { }; l: b { }; c { }; d { }; };\n/ { /delete-node/ a; };\n/delete-node/ &l;\n/delete-node/ &{/c};\n');
  assert.deepEqual(root.liveChildren.map((n) => n.name), ['d']);
});

test('a deleted label cannot be referenced', () => {
  const result = compileString('/dts-v1/;\n/ { l: a { }; };\n/delete-node/ &l;\n&l { };\n');
  assert.equal(result.tree, null);
  assert.match(result.diagnostics[0]!.message, /Label or path l not found/);
});

test('phandles: explicit ones are kept, new ones are the lowest free numbers in reference order', () => {
  const root = compiled('/dts-v1/;\n/ { u = <&c &b &a>; a: a { phandle = <1>; }; b: b { }; c: c { }; };\n');
  assert.equal(value(root, '/', 'u'), '000000020000000300000001');
  assert.equal(value(root, '/b', 'phandle'), '00000003');
  assert.equal(at(root, '/c').property('linux,phandle'), undefined);
});

test('-H both adds linux,phandle before phandle', () => {
  const root = compiled('/dts-v1/;\n/ { u = <&a>; a: a { }; };\n', { phandleFormat: 'both' });
  assert.deepEqual(at(root, '/a').liveProperties.map((p) => p.name), ['linux,phandle', 'phandle']);
});

test('a path reference becomes the NUL-terminated path, between its neighbours', () => {
  const root = compiled('/dts-v1/;\n/ { p = "a", &t, "b"; t: target@1 { }; };\n');
  assert.equal(Buffer.from(at(root, '/').property('p')!.value.bytes).toString('latin1'), 'a\0/target@1\0b\0');
});

test('/omit-if-no-ref/ drops unreferenced nodes only', () => {
  const root = compiled('/dts-v1/;\n/ { r = <&used>; /omit-if-no-ref/ unused { }; used: /omit-if-no-ref/ used { }; };\n');
  assert.deepEqual(root.liveChildren.map((n) => n.name), ['used']);
});

test('with -@, labelled nodes are kept and listed in __symbols__', () => {
  const root = compiled('/dts-v1/;\n/ { keep: /omit-if-no-ref/ n { }; };\n', { symbols: true });
  assert.deepEqual(root.liveChildren.map((n) => n.name), ['n', '__symbols__']);
  assert.equal(Buffer.from(at(root, '/__symbols__').property('keep')!.value.bytes).toString(), '/n\0');
});

test('an overlay wraps &ref bodies in fragments and records fixups', () => {
  const root = compiled('/dts-v1/;\n/plugin/;\n&base { n: node { r = <&n &ext>; }; };\n');
  assert.deepEqual(root.liveChildren.map((n) => n.name), ['fragment@0', '__fixups__', '__local_fixups__']);
  assert.equal(value(root, '/fragment@0', 'target'), 'ffffffff');
  assert.equal(Buffer.from(at(root, '/__fixups__').property('base')!.value.bytes).toString(), '/fragment@0:target:0\0');
  assert.equal(Buffer.from(at(root, '/__fixups__').property('ext')!.value.bytes).toString(), '/fragment@0/__overlay__/node:r:4\0');
  assert.equal(value(root, '/__local_fixups__/fragment@0/__overlay__/node', 'r'), '00000000');
});

test('the boot CPU is guessed from the first /cpus child', () => {
  const result = compileString('/dts-v1/;\n/ { cpus { cpu@2 { reg = <2>; }; cpu@0 { reg = <0>; }; }; };\n');
  assert.equal(result.tree?.bootCpuid, 2);
});

test('a check failure stops later fix-ups, as in dtc -f output', () => {
  // Duplicate labels fail before phandle references are filled in.
  const result = compileString('/dts-v1/;\n/ { u = <&a>; a: x { }; a: y { }; };\n');
  assert.ok(result.tree);
  assert.equal(result.diagnostics[0]!.check, 'duplicate_label');
  assert.equal(hex(result.tree.root.property('u')!.value.bytes), 'ffffffff');
});

test('duplicate_label: found on nodes, properties and inside values alike; none in a tree whose labels are all distinct', () => {
  const labels = (source: string) => compileString(source).diagnostics.filter((d) => d.check === 'duplicate_label').map((d) => d.message);
  assert.deepEqual(labels('/dts-v1/;\n/ { a: x { p = <1 b: 2>; }; y { c: q = <3>; r = "s" b:; }; };\n'), ["Duplicate label 'b' on value of 'r' in /y and value of 'p' in /x"]);
  assert.deepEqual(labels('/dts-v1/;\n/ { a: x { p = <1>; }; y { a: q = <3>; }; };\n'), ["Duplicate label 'a' on 'q' in /y and /x"]);
  assert.deepEqual(labels('/dts-v1/;\n/ { a: x { b: p = <1 c: 2>; }; d: y { }; };\n'), []);
  // The same label twice on one node is one place, as in dtc.
  assert.deepEqual(labels('/dts-v1/;\n/ { a: a: x { }; };\n'), []);
});
