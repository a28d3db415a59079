/**
 * Reading a /proc/device-tree-style folder (dtc -I fs). The folders are made
 * here by mirroring a compiled fixture the way Linux exposes it: a folder per
 * node, a file per property, and a `name` file in every node.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { finishTree } from '../src/compiler.js';
import { isDeviceTreeFolder, readDeviceTreeFolder } from '../src/dtb/fs-read.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import { loadTree } from '../src/load-tree.js';
import { InputError } from '../src/source/diagnostic.js';
import { nodeFileHost } from '../src/source/host.js';
import type { DeviceTree, Node } from '../src/tree/node.js';
import { compileString, hex, projectPath } from './helpers.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vmgenid-fs-'));
}

/** Write a tree out as Linux shows it, with the `name` property Linux adds (base name + NUL, "\0" for the root). */
function mirror(node: Node, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'name'), Buffer.from(node.baseName + '\0', 'latin1'));
  for (const p of node.liveProperties) writeFileSync(join(dir, p.name), p.value.bytes);
  for (const c of node.liveChildren) mirror(c, join(dir, c.name));
}

/** Properties and children in byte order of their names: the order the folder reader promises. */
function sortTree(node: Node): void {
  const byName = (a: { name: string }, b: { name: string }) => Buffer.compare(Buffer.from(a.name, 'latin1'), Buffer.from(b.name, 'latin1'));
  node.properties.sort(byName);
  node.children.sort(byName);
  node.children.forEach(sortTree);
}

/** The blob a tree compiles to after dtc's checks (which drop redundant `name` properties). */
function finishedBlob(tree: DeviceTree): Uint8Array {
  const done = finishTree(tree, {});
  assert.deepEqual(done.diagnostics, []);
  return writeDtb(done.tree!);
}

function refusal(read: () => unknown): InputError {
  try {
    read();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('the folder was accepted');
}

test('fs reader: the example board, mirrored as /proc/device-tree, reads back to its blob (sorted, no reservations)', () => {
  const path = projectPath('fixtures/example/board.dts');
  const compiled = loadTree(path, new Uint8Array(readFileSync(path)), { host: nodeFileHost });
  assert.ok(compiled.tree, JSON.stringify(compiled.diagnostics));
  const blob = writeDtb(compiled.tree);

  const dir = tempDir();
  mirror(readDtb(blob, 'board.dtb').root, dir);
  const fromFolder = readDeviceTreeFolder(dir);
  assert.deepEqual(fromFolder.reserves, [], 'a folder has no memory reservations');

  const expected = readDtb(blob, 'board.dtb');
  expected.reserves = [];
  sortTree(expected.root);
  assert.equal(hex(finishedBlob(fromFolder)), hex(finishedBlob(expected)));
});

test('fs reader: properties and children come in byte order of their names, whatever the folder lists', () => {
  const dir = tempDir();
  for (const name of ['model', 'compatible', 'A', '#size-cells', '#address-cells']) writeFileSync(join(dir, name), '');
  for (const name of ['uart@9000000', 'cpus', 'Zed', 'chosen']) mkdirSync(join(dir, name));
  const tree = readDeviceTreeFolder(dir);
  assert.deepEqual(tree.root.properties.map((p) => p.name), ['#address-cells', '#size-cells', 'A', 'compatible', 'model']);
  assert.deepEqual(tree.root.children.map((c) => c.name), ['Zed', 'chosen', 'cpus', 'uart@9000000']);
  assert.equal(tree.root.child('cpus')!.parent, tree.root);
});

test('fs reader: values are the files\' bytes, unchanged', () => {
  const dir = tempDir();
  const bytes = Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef, 0xff]);
  mkdirSync(join(dir, 'vmgenid@0'));
  writeFileSync(join(dir, 'vmgenid@0', 'reg'), bytes);
  writeFileSync(join(dir, 'vmgenid@0', 'empty'), '');
  const node = readDeviceTreeFolder(dir).root.child('vmgenid@0')!;
  assert.deepEqual(Buffer.from(node.property('reg')!.value.bytes), bytes);
  assert.equal(node.property('empty')!.value.length, 0);
  assert.deepEqual(node.property('reg')!.value.markers, []);
});

test('fs reader: the boot CPU is guessed from the first /cpus child, as dtc -I fs does', () => {
  const compiled = compileString('/dts-v1/; / { cpus { #address-cells = <1>; #size-cells = <0>; cpu@3 { reg = <3>; }; cpu@5 { reg = <5>; }; }; };');
  const dir = tempDir();
  mirror(compiled.tree!.root, dir);
  assert.equal(readDeviceTreeFolder(dir).bootCpuid, 3);
  assert.equal(readDeviceTreeFolder(join(dir, 'cpus')).bootCpuid, 0, 'no /cpus below this root');
});

test('fs reader: `name` files are read as properties; the checks drop correct ones and report a wrong one, as dtc', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'name'), '\0');
  mkdirSync(join(dir, 'good@1'));
  writeFileSync(join(dir, 'good@1', 'name'), 'good\0');
  mkdirSync(join(dir, 'bad@2'));
  writeFileSync(join(dir, 'bad@2', 'name'), 'other\0');
  const tree = readDeviceTreeFolder(dir);
  assert.ok(tree.root.property('name'), 'read as an ordinary property');
  const done = finishTree(tree, {});
  assert.equal(tree.root.property('name'), undefined, 'the root\'s "\\0" matches its empty name');
  assert.equal(tree.root.child('good@1')!.property('name'), undefined);
  assert.ok(tree.root.child('bad@2')!.property('name'));
  assert.deepEqual(
    done.diagnostics.map((d) => d.check),
    ['name_properties'],
  );
});

test('fs reader: a missing folder, a file, or an unreadable entry is an InputError naming it', () => {
  const dir = tempDir();
  const missing = refusal(() => readDeviceTreeFolder(join(dir, 'nope')));
  assert.equal(missing.diagnostics[0]!.check, 'input');
  assert.match(missing.diagnostics[0]!.message, /No such file or directory/);

  writeFileSync(join(dir, 'file'), 'x');
  assert.match(refusal(() => readDeviceTreeFolder(join(dir, 'file'))).diagnostics[0]!.message, /not a folder/);

  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'soc'), { recursive: true });
  symlinkSync(join(dir, 'nowhere'), join(tree, 'soc', 'dangling'));
  const d = refusal(() => readDeviceTreeFolder(tree)).diagnostics[0]!;
  assert.equal(d.file, join(tree, 'soc', 'dangling'));
  assert.equal(d.nodePath, '/soc');
  assert.match(d.message, /cannot read/);
});

test('fs reader: depth, size and entry limits stop a runaway folder (a symbolic-link loop too)', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
  assert.match(refusal(() => readDeviceTreeFolder(dir, { maxDepth: 2 })).diagnostics[0]!.message, /deeper than 2/);
  readDeviceTreeFolder(dir, { maxDepth: 3 });

  writeFileSync(join(dir, 'a', 'big'), Buffer.alloc(100));
  assert.match(refusal(() => readDeviceTreeFolder(dir, { maxBytes: 99 })).diagnostics[0]!.message, /more than 99 bytes/);
  assert.match(refusal(() => readDeviceTreeFolder(dir, { maxEntries: 3 })).diagnostics[0]!.message, /more than 3 files and folders/);

  symlinkSync('..', join(dir, 'a', 'b', 'loop'));
  refusal(() => readDeviceTreeFolder(dir));
});

test('fs reader: a Linux-style folder is told apart from a folder of sources', () => {
  const live = tempDir();
  writeFileSync(join(live, '#address-cells'), Buffer.from([0, 0, 0, 2]));
  assert.equal(isDeviceTreeFolder(live), true);
  const sources = tempDir();
  writeFileSync(join(sources, 'board.dts'), '/dts-v1/; / { };');
  assert.equal(isDeviceTreeFolder(sources), false);
  assert.equal(isDeviceTreeFolder(join(sources, 'board.dts')), false);
});
