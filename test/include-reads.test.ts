/**
 * The include cache a lint run shares between its inputs
 * (source/include-policy.ts IncludeReads): each file read once, the fence
 * still the asking input's, the bytes kept bounded.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { includeFence, IncludeReads, readIncluded } from '../src/source/include-policy.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmgenid-include-reads-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function file(rel: string, text: string): string {
  const path = join(scratch, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

test('a file included again in the same run is not read again: the run sees the bytes it first read', () => {
  const header = file('shared/a.h', '#define A 1\n');
  const fence = includeFence([join(scratch, 'board.dts')], [], false, scratch);
  const reads = new IncludeReads();
  const first = readIncluded(header, fence, reads);
  assert.ok(first instanceof Uint8Array);
  writeFileSync(header, '#define A 2\n');
  assert.equal(readIncluded(header, fence, reads), first);
  // Without the cache, a read is a read.
  assert.equal(Buffer.from(readIncluded(header, fence) as Uint8Array).toString(), '#define A 2\n');
});

test('the fence is the asking input\'s: a file another input could include is refused outside this one\'s', () => {
  const header = file('vendor/b.h', '#define B 1\n');
  const reads = new IncludeReads();
  const wide = includeFence([join(scratch, 'x.dts')], [join(scratch, 'vendor')], false, join(scratch, 'elsewhere'));
  assert.ok(readIncluded(header, wide, reads) instanceof Uint8Array);
  mkdirSync(join(scratch, 'other'), { recursive: true });
  const narrow = includeFence([join(scratch, 'other', 'y.dts')], [], false, join(scratch, 'other'));
  const refused = readIncluded(header, narrow, reads);
  assert.ok(!(refused instanceof Uint8Array));
  assert.match(refused.error, /is outside/);
});

test('what a path is not stays so: a folder or a missing file is refused each time', () => {
  const reads = new IncludeReads();
  const fence = includeFence([join(scratch, 'board.dts')], [], false, scratch);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(readIncluded(join(scratch, 'shared'), fence, reads), { error: 'Is a directory' });
    assert.match((readIncluded(join(scratch, 'missing.h'), fence, reads) as { error: string }).error, /No such file/);
  }
});

test('past its budget the cache forgets the file read least recently', () => {
  const fence = includeFence([join(scratch, 'board.dts')], [], false, scratch);
  const reads = new IncludeReads(20);
  const a = file('lru/a.h', '0123456789012\n'); // 14 bytes
  const b = file('lru/b.h', 'abcdefghijklm\n'); // 14 more: a goes
  const firstA = readIncluded(a, fence, reads);
  const firstB = readIncluded(b, fence, reads);
  assert.equal(readIncluded(b, fence, reads), firstB);
  assert.notEqual(readIncluded(a, fence, reads), firstA);
});

test('the fence is worked out once per folder of inputs, and is the one includeFence gives', () => {
  const reads = new IncludeReads();
  const folders = [join(scratch, 'vendor')];
  const a = reads.fence([join(scratch, 'one.dts')], folders, false);
  assert.equal(reads.fence([join(scratch, 'two.dts')], folders, false), a);
  assert.deepEqual(a, includeFence([join(scratch, 'one.dts')], folders, false));
  mkdirSync(join(scratch, 'sub'), { recursive: true });
  const other = reads.fence([join(scratch, 'sub', 'three.dts')], folders, false);
  assert.notEqual(other, a);
  assert.deepEqual(other, includeFence([join(scratch, 'sub', 'three.dts')], folders, false));
  assert.notEqual(reads.fence([join(scratch, 'one.dts')], folders, true), a);
});
