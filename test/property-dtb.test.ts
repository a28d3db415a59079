/**
 * Property-based tests of the DTB front end (issue "Hostile input"): the
 * reader turns any bytes into a tree or an InputError, never another throw;
 * and reading what the writer wrote gives the same tree and the same bytes.
 * Seeds are fixed, so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishTree } from '../src/compiler.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import { writeDts } from '../src/dtb/dts-write.js';
import { loadTree } from '../src/load-tree.js';
import { InputError } from '../src/source/diagnostic.js';
import type { DeviceTree } from '../src/tree/node.js';
import { assertCliSurvives, INCBIN_FILES, looksLikeCrash, mutatedBlob, plainTree, rawTree, runs, validSource } from './arbitraries.js';
import { compileString, hex, memoryHost } from './helpers.js';

/** Blobs of valid trees: compiled from generated sources, and written from arbitrary trees. */
const validBlob: fc.Arbitrary<Uint8Array> = fc.oneof(
  validSource.map((src) => {
    const r = compileString(src, INCBIN_FILES);
    assert.ok(r.tree, src);
    return writeDtb(r.tree);
  }),
  rawTree.map((tree) => writeDtb(tree)),
);

/** A header with every field drawn near the values that matter, over a random body. */
const forgedHeader: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(fc.oneof(fc.constantFrom(0, 1, 4, 8, 16, 17, 0x28, 0x38, 0x40, 0x48, 0x100, 0x7fffffff, 0xffffffff), fc.nat({ max: 0x200 })), { minLength: 9, maxLength: 9 }),
    fc.uint8Array({ maxLength: 200 }),
    fc.boolean(),
  )
  .map(([fields, body, sizeRight]) => {
    const b = new Uint8Array(40 + body.length);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0xd00dfeed);
    fields.forEach((f, i) => v.setUint32(4 + i * 4, f >>> 0));
    if (sizeRight) v.setUint32(4, b.length);
    b.set(body, 40);
    return b;
  });

const hostileBlob = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }) },
  { weight: 2, arbitrary: forgedHeader },
  { weight: 4, arbitrary: mutatedBlob(validBlob) },
);

/** Read a blob: a tree, or an InputError with an error diagnostic; anything else fails the property. */
function readOrInputError(blob: Uint8Array): DeviceTree | null {
  try {
    return readDtb(blob, 'x.dtb');
  } catch (err) {
    assert.ok(err instanceof InputError, `readDtb threw ${(err as Error)?.stack ?? err}`);
    assert.ok(err.diagnostics.length > 0 && err.diagnostics.every((d) => d.severity === 'error' && !looksLikeCrash(d.message)));
    return null;
  }
}

test('property dtb: the reader turns any bytes into a tree or an InputError', () => {
  fc.assert(
    fc.property(hostileBlob, (blob) => {
      const tree = readOrInputError(blob);
      if (!tree) return;
      // What was read, written again, reads back the same (NOPs, shared name strings and slack are gone).
      const rewritten = writeDtb(tree);
      assert.deepEqual(plainTree(readDtb(rewritten, 'y.dtb')), plainTree(tree));
      // Whatever it read, the later passes and both writers take.
      const done = finishTree(tree, {});
      if (done.tree) {
        writeDts(done.tree);
        writeDtb(done.tree);
      }
    }),
    { seed: 0xb10b01, numRuns: runs(400) },
  );
});

test('property dtb: loadTree never throws on a blob, and with no tree says why', () => {
  const host = memoryHost({});
  fc.assert(
    fc.property(hostileBlob, (blob) => {
      const r = loadTree('x.dtb', blob, { host });
      if (r.tree === null) assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
      // Told it is a blob, whatever the bytes.
      const forced = loadTree('x', blob, { host, from: 'dtb' });
      assert.equal(forced.kind, 'dtb');
    }),
    { seed: 0xb10b02, numRuns: runs(250) },
  );
});

test('property dtb: tree → writeDtb → readDtb gives the same tree, and writing it again the same bytes', () => {
  fc.assert(
    fc.property(rawTree, (tree) => {
      const blob = writeDtb(tree);
      const read = readDtb(blob, 'x.dtb');
      assert.deepEqual(plainTree(read), plainTree(tree));
      assert.equal(hex(writeDtb(read)), hex(blob));
    }),
    { seed: 0xb10b03, numRuns: runs(250) },
  );
});

test('property dtb: compiled trees read back the same (names, values, reservations, boot cpu)', () => {
  fc.assert(
    fc.property(validSource, fc.option(fc.nat({ max: 0xffffffff })), (src, bootCpuid) => {
      const r = compileString(src, INCBIN_FILES, bootCpuid === null ? {} : { bootCpuid });
      assert.ok(r.tree);
      const blob = writeDtb(r.tree);
      const read = readDtb(blob, 'x.dtb');
      assert.deepEqual(plainTree(read), plainTree(r.tree));
      assert.equal(hex(writeDtb(read)), hex(blob));
      // And through the passes a blob input goes through (phandles already assigned: nothing changes).
      const finished = finishTree(read, {});
      assert.ok(finished.tree);
      assert.equal(hex(writeDtb(finished.tree)), hex(blob));
    }),
    { seed: 0xb10b04, numRuns: runs(150) },
  );
});

test('property dtb: padding, alignment and reserve slots keep the tree readable and the same', () => {
  fc.assert(
    fc.property(
      rawTree,
      fc.record({ padding: fc.nat(64), minSize: fc.nat(512), reserveSlots: fc.nat(3), align: fc.constantFrom(0, 1, 4, 8, 64, 256) }, { requiredKeys: [] }),
      (tree, options) => {
        const blob = writeDtb(tree, options);
        if (options.align) assert.equal(blob.length % options.align, 0);
        const read = readDtb(blob, 'x.dtb');
        // Empty reserve slots read as the end of the list (size 0), as in dtc.
        assert.deepEqual(plainTree(read), plainTree(tree));
      },
    ),
    { seed: 0xb10b05, numRuns: runs(150) },
  );
});

const DTC = '/usr/bin/dtc';

test('property dtb: blobs of arbitrary trees decompile to the same DTS as dtc 1.6.1 (types guessed)', (t) => {
  if (!existsSync(DTC)) {
    t.skip(`${DTC} is not installed: no comparison with dtc`);
    return;
  }
  fc.assert(
    fc.property(rawTree, (tree) => {
      const blob = writeDtb(tree);
      const dtc = spawnSync(DTC, ['-q', '-f', '-I', 'dtb', '-O', 'dts', '-o', '-', '-'], { input: blob });
      fc.pre(dtc.status === 0);
      const ours = finishTree(readDtb(blob, 'x.dtb'), {});
      assert.ok(ours.tree);
      assert.equal(writeDts(ours.tree), dtc.stdout.toString('latin1'));
    }),
    { seed: 0xb10b07, numRuns: runs(60) },
  );
});

const COMMANDS: string[][] = [['-'], ['-f', 'sarif', '-'], ['compile', '-'], ['compile', '-O', 'dts', '-'], ['compile', '--from', 'dtb', '-O', 'dts', '-'], ['dump', '-']];

test('property dtb: the CLI exits 0, 1 or 2 on any blob, without a stack trace', async () => {
  await assertCliSurvives(hostileBlob, COMMANDS, { seed: 0xb10b06, numRuns: runs(120) });
});
