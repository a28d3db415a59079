/**
 * Values (tree/data.ts): their bytes as latin1 text, one character per byte,
 * for every byte value, at every length the JSON view and the checks decode;
 * and a scratch value reused for one value after another (as the parser
 * builds cell lists) handing out values that share nothing with it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Data, latin1Text } from '../src/tree/data.js';
import type { Span } from '../src/source/span.js';

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

test('latin1Text: every byte value, short and long values, and a prefix', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const text = latin1Text(all);
  assert.equal(text.length, 256);
  for (let i = 0; i < 256; i++) assert.equal(text.charCodeAt(i), i);
  assert.equal(latin1Text(all, 10), text.slice(0, 10));
  const long = pattern(10_000, 3);
  const longText = latin1Text(long);
  assert.equal(longText, Buffer.from(long).toString('latin1'));
  assert.equal(latin1Text(long, 9_999), longText.slice(0, 9_999));
  assert.equal(latin1Text(new Uint8Array(0)), '');
});

test('a scratch value hands out exact values that later use of the scratch leaves alone', () => {
  const span = (col: number): Span => ({ file: 'a.dts', line: 1, col, endLine: 1, endCol: col + 1 });
  const scratch = new Data();
  scratch.clear().addMarker('uint32');
  for (let i = 0; i < 40; i++) scratch.addElementSpan(span(i)).appendCell(i);
  scratch.addMarker('label', 'end');
  const first = scratch.take();
  scratch.clear().addMarker('uint8').addElementSpan(span(99)).appendByte(0xab);
  const second = scratch.take();
  scratch.clear().addMarker('uint16').appendInteger(0xffffn, 16);

  assert.equal(first.length, 160);
  assert.equal(first.bytes.length, 160);
  assert.equal(first.cell(39 * 4), 39);
  assert.deepEqual(first.markers, [
    { offset: 0, type: 'uint32', ref: null },
    { offset: 160, type: 'label', ref: 'end' },
  ]);
  assert.equal(first.elements.count, 40);
  assert.equal(first.elements.offset(39), 156);
  assert.deepEqual(first.elements.span(39), span(39));

  assert.deepEqual([...second.bytes], [0xab]);
  assert.deepEqual(second.markers, [{ offset: 0, type: 'uint8', ref: null }]);
  assert.equal(second.elements.count, 1);
  assert.equal(second.elements.offset(0), 0);
  assert.deepEqual(second.elements.span(0), span(99));

  // A taken value grows on its own: merging into it does not reach the scratch.
  second.merge(first);
  assert.equal(second.length, 161);
  assert.equal(scratch.length, 2);
  assert.deepEqual(scratch.markers, [{ offset: 0, type: 'uint16', ref: null }]);
});

test('element spans: positions kept as numbers, files and macros per element only when they differ', () => {
  const at = (file: string, col: number, macro?: string): Span => ({ file, line: 3, col, endLine: 3, endCol: col + 2, ...(macro !== undefined ? { macro } : {}) });
  const value = new Data().addMarker('uint32');
  for (let i = 0; i < 20; i++) value.addElementSpan(at('a.dts', i)).appendCell(i);
  // A token from another file (a line marker inside a value) and one from a macro.
  value.addElementSpan(at('b.dtsi', 7)).appendCell(20);
  value.addElementSpan(at('a.dts', 9, 'IRQ')).appendCell(21);
  const e = value.elements;
  assert.equal(e.count, 22);
  assert.deepEqual(e.span(0), at('a.dts', 0));
  assert.deepEqual(e.span(19), at('a.dts', 19));
  assert.deepEqual(e.span(20), at('b.dtsi', 7));
  assert.deepEqual(e.span(21), at('a.dts', 9, 'IRQ'));
  assert.equal(e.offset(21), 84);

  // A span covering cells of one file joins them; across files it is the first element's.
  assert.deepEqual(value.spanOfBytes(4, 12), { file: 'a.dts', line: 3, col: 1, endLine: 3, endCol: 4 });
  assert.deepEqual(value.spanOfBytes(76, 84), at('a.dts', 19));
  assert.equal(value.spanOfBytes(88, 92), null);

  // Remapping one element (as after the preprocessor) leaves the others' file alone.
  const remapped = value.copy();
  remapped.elements.set(0, at('board.dts', 5, 'REG'));
  assert.deepEqual(remapped.elements.span(0), at('board.dts', 5, 'REG'));
  assert.deepEqual(remapped.elements.span(1), at('a.dts', 1));
  assert.deepEqual(value.elements.span(0), at('a.dts', 0), 'a copy is independent');

  // Bytes inserted before an element move its offset, not those before.
  const ref = new Data().addMarker('uint32').addElementSpan(at('a.dts', 1)).appendCell(1);
  ref.addMarker('ref-path', '/x').addElementSpan(at('a.dts', 4)).appendCell(2);
  ref.insertAtMarker(ref.markers[1]!, new Uint8Array([0x2f, 0x78, 0]));
  assert.deepEqual([ref.elements.offset(0), ref.elements.offset(1)], [0, 7]);

  // Merged values keep every element, shifted past the first value.
  const merged = new Data().addElementSpan(at('m.dts', 2)).appendByte(1).merge(value);
  assert.equal(merged.elements.count, 23);
  assert.equal(merged.elements.offset(1), 1);
  assert.deepEqual(merged.elements.span(21), at('b.dtsi', 7));
});
