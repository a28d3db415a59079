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
  assert.equal(first.elementOffsets.length, 40);
  assert.equal(first.elementOffsets[39], 156);
  assert.equal(first.elementSpans[39]!.col, 39);

  assert.deepEqual([...second.bytes], [0xab]);
  assert.deepEqual(second.markers, [{ offset: 0, type: 'uint8', ref: null }]);
  assert.deepEqual(second.elementOffsets, [0]);
  assert.equal(second.elementSpans[0]!.col, 99);

  // A taken value grows on its own: merging into it does not reach the scratch.
  second.merge(first);
  assert.equal(second.length, 161);
  assert.equal(scratch.length, 2);
  assert.deepEqual(scratch.markers, [{ offset: 0, type: 'uint16', ref: null }]);
});
