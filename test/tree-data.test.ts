/**
 * Values' bytes as latin1 text (tree/data.ts): one character per byte, for
 * every byte value, at every length the JSON view and the checks decode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latin1Text } from '../src/tree/data.js';

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
