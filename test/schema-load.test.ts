import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBinding, parseBinding } from '../src/schema/load.js';
import { joinPointer, splitPointer } from '../src/schema/json-pointer.js';
import { memoryHost } from './helpers.js';

const text = `%YAML 1.2
---
$id: http://devicetree.org/schemas/a.yaml#
properties:
  reg:
    maxItems: 1
  "#cells":
    - 1
    - 2
`;

test('parseBinding gives JSON, id and positions of pointers', () => {
  const b = parseBinding('a.yaml', text);
  assert.deepEqual(b.diagnostics, []);
  assert.equal(b.id, 'http://devicetree.org/schemas/a.yaml#');
  assert.deepEqual(b.json, {
    $id: 'http://devicetree.org/schemas/a.yaml#',
    properties: { reg: { maxItems: 1 }, '#cells': [1, 2] },
  });
  assert.deepEqual(b.locate('/properties/reg/maxItems'), { line: 6, col: 5 });
  assert.deepEqual(b.locate('/properties/reg'), { line: 5, col: 3 });
  assert.deepEqual(b.locate('/properties/#cells/1'), { line: 9, col: 7 });
  // a pointer past the document stops at the deepest node found
  assert.deepEqual(b.locate('/properties/reg/nothing/here'), { line: 5, col: 3 });
  assert.deepEqual(b.spanAt('/$id'), { file: 'a.yaml', line: 3, col: 1, endLine: 3, endCol: 2 });
});

test('YAML errors become diagnostics with a position, never exceptions', () => {
  const b = parseBinding('bad.yaml', 'a: 1\nb: [x\n');
  assert.equal(b.json, undefined);
  assert.equal(b.diagnostics.length > 0, true);
  assert.equal(b.diagnostics[0]!.check, 'binding_yaml');
  assert.equal(b.diagnostics[0]!.span!.file, 'bad.yaml');
  const dup = parseBinding('dup.yaml', 'a: 1\na: 2\n');
  assert.equal(dup.diagnostics[0]!.check, 'binding_yaml');
  assert.equal(dup.diagnostics[0]!.span!.line, 2);
});

test('unreadable files are diagnostics', () => {
  const b = loadBinding('missing.yaml', memoryHost({}));
  assert.equal(b.diagnostics[0]!.check, 'binding_read');
  assert.match(b.diagnostics[0]!.message, /No such file/);
});

test('pointers round-trip with escapes', () => {
  assert.deepEqual(splitPointer('/a~1b/c~0d'), ['a/b', 'c~d']);
  assert.equal(joinPointer(['a/b', 'c~d', 0]), '/a~1b/c~0d/0');
  assert.deepEqual(splitPointer(''), []);
});
