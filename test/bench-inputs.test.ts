/**
 * The benchmark's generated boards are valid devicetrees of the shape they
 * claim, and its node count of a blob is right: a bench that times a broken
 * input, or picks "the largest boards" by a wrong count, measures nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compileDtsText } from '../src/compiler.js';
import { writeDtb } from '../src/dtb/write.js';
import { nodeFileHost } from '../src/source/host.js';
import type { Node } from '../src/tree/node.js';
import { writeFlatBoard, writeLargeBoard } from '../scripts/bench-inputs.js';
import { dtbNodeCount } from '../scripts/bench-kernel-front.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmgenid-bench-inputs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function count(node: Node): number {
  return 1 + node.children.filter((c) => !c.deleted).reduce((n, c) => n + count(c), 0);
}

test('the flat board: one file, every device labelled and referred to by label, as many nodes as it says', () => {
  const board = writeFlatBoard(join(scratch, 'flat'), 40);
  const text = readFileSync(board.path, 'latin1');
  assert.doesNotMatch(text, /\/include\//);
  const r = compileDtsText(board.path, text, { host: nodeFileHost });
  assert.ok(r.tree, JSON.stringify(r.diagnostics.slice(0, 3)));
  assert.equal(count(r.tree.root), board.nodes);
  const soc = r.tree.root.children.find((c) => c.name === 'soc')!;
  assert.equal(soc.children.length, 40);
  for (const device of soc.children) assert.ok(device.property('example,peer'), device.name);
  // Every device referred to by some peer gets a phandle.
  assert.ok(soc.children.some((d) => d.property('phandle')));
});

test('the large board compiles over its included files to as many nodes as it says', () => {
  const board = writeLargeBoard(join(scratch, 'large'), 60);
  const r = compileDtsText(board.path, readFileSync(board.path, 'latin1'), { host: nodeFileHost, includeDirs: [join(scratch, 'large')] });
  assert.ok(r.tree, JSON.stringify(r.diagnostics.slice(0, 3)));
  assert.equal(count(r.tree.root), board.nodes);
});

test('dtbNodeCount counts the nodes of a blob', () => {
  const board = writeFlatBoard(join(scratch, 'count'), 7);
  const r = compileDtsText(board.path, readFileSync(board.path, 'latin1'), { host: nodeFileHost });
  assert.ok(r.tree);
  assert.equal(dtbNodeCount(writeDtb(r.tree)), count(r.tree.root));
});
