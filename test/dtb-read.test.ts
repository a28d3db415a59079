/**
 * The DTB reader never trusts a header field: each damaged blob below must be
 * refused with an error that says what is wrong and where, not a crash.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import { InputError } from '../src/source/diagnostic.js';
import { compileString, projectPath } from './helpers.js';

const good = new Uint8Array(readFileSync(projectPath('test/fixtures/compile/labels-refs.dtb')));

function damaged(edit: (view: DataView, bytes: Uint8Array) => void, length = good.length): Uint8Array {
  const bytes = good.slice(0, length);
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

function refusal(blob: Uint8Array): string {
  try {
    readDtb(blob, 'bad.dtb');
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.diagnostics[0]!.file, 'bad.dtb');
    return err.diagnostics[0]!.message;
  }
  assert.fail('the damaged blob was accepted');
}

test('dtb reader: a good blob reads back to the same bytes', () => {
  const tree = readDtb(good, 'good.dtb');
  assert.deepEqual(writeDtb(tree), good);
  assert.equal(tree.reserves.length, 2);
});

test('dtb reader: version 16 blobs (no size_dt_struct) are read', () => {
  const v16 = damaged((v) => v.setUint32(20, 16));
  assert.deepEqual(writeDtb(readDtb(v16, 'v16.dtb')), good);
});

const cases: Array<[string, Uint8Array, RegExp]> = [
  ['empty input', new Uint8Array(0), /too short for an FDT header/],
  ['bad magic', damaged((v) => v.setUint32(0, 0xdeadbeef)), /bad magic 0xdeadbeef/],
  ['truncated blob', good.slice(0, good.length - 8), /totalsize \d+ is larger than the blob/],
  ['old version', damaged((v) => v.setUint32(20, 15)), /version 15 is not supported/],
  ['incompatible version', damaged((v) => v.setUint32(24, 18)), /last compatible version 18/],
  ['structure offset past the end', damaged((v) => v.setUint32(8, 0x10000)), /structure block offset 0x10000 is past totalsize/],
  ['misaligned structure', damaged((v) => v.setUint32(8, v.getUint32(8) + 2)), /not 4-byte aligned/],
  ['strings past the end', damaged((v) => v.setUint32(32, 0x10000)), /strings block .* extends past totalsize/],
  ['structure size past the end', damaged((v) => v.setUint32(36, 0x10000)), /structure block .* extends past totalsize/],
  ['reservation map offset past the end', damaged((v) => v.setUint32(16, 0x10000)), /memory reservation block offset/],
  ['first token', damaged((v) => v.setUint32(v.getUint32(8), 7)), /begins with token 0x7/],
  [
    'property name offset outside the strings',
    damaged((v) => {
      // The first property of the root follows its token and empty name.
      const struct = v.getUint32(8);
      v.setUint32(struct + 8 + 8, 0xffff);
    }),
    /string offset 65535, outside the strings block/,
  ],
  [
    'property length past the block',
    damaged((v) => {
      const struct = v.getUint32(8);
      v.setUint32(struct + 8 + 4, 0xfffff);
    }),
    /has length 1048575, past the end of the structure block/,
  ],
  [
    'missing FDT_END',
    damaged((v) => {
      const end = v.getUint32(8) + v.getUint32(36) - 4;
      v.setUint32(end, 2);
    }),
    /FDT_END/,
  ],
];

for (const [name, blob, message] of cases) {
  test(`dtb reader refuses: ${name}`, () => {
    assert.match(refusal(blob), message);
  });
}

test('dtb reader: nesting deeper than the limit is refused, not a stack overflow', () => {
  const depth = 600;
  const source = '/dts-v1/; / { ' + 'n { '.repeat(depth) + '};'.repeat(depth) + ' };';
  // Build the blob by hand: the DTS parser has its own (smaller) limit.
  const { tree } = compileString('/dts-v1/; / { };');
  assert.ok(tree);
  let node = tree.root;
  for (let i = 0; i < depth; i++) {
    const child = new (node.constructor as typeof import('../src/tree/node.js').Node)('n');
    node.addChild(child);
    node = child;
  }
  assert.ok(source.length > 0);
  assert.match(refusal(writeDtb(tree)), /nested more than 512 deep/);
});
