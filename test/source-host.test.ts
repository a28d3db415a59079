/**
 * nodeFileHost.readBytes reads files to their end without stat'ing them
 * first: every size around its 64 KiB first read comes back exact, and a
 * pipe (which knows no size) reads like a file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nodeFileHost } from '../src/source/host.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmgenid-host-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

test('readBytes: files of every size around the first read come back exact, each its own copy', () => {
  const sizes = [0, 1, 65_535, 65_536, 65_537, 196_607, 196_608, 300_001];
  const read = sizes.map((size, i) => {
    const path = join(scratch, `f${size}`);
    writeFileSync(path, pattern(size, i));
    return nodeFileHost.readBytes(path);
  });
  sizes.forEach((size, i) => {
    const bytes = read[i];
    assert.ok(bytes instanceof Uint8Array, `size ${size}`);
    assert.equal(bytes.length, size);
    assert.deepEqual(bytes, pattern(size, i), `size ${size}`);
    assert.equal(bytes.byteLength, bytes.buffer.byteLength, 'not a view of a larger buffer');
  });
});

test('readBytes: a folder, a missing file and a pipe', async (t) => {
  assert.deepEqual(nodeFileHost.readBytes(scratch), { error: 'Is a directory' });
  assert.deepEqual(nodeFileHost.readBytes(join(scratch, 'missing')), { error: 'No such file or directory' });
  if (spawnSync('mkfifo', ['--version']).status !== 0) {
    t.skip('mkfifo is not installed');
    return;
  }
  const fifo = join(scratch, 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const data = pattern(150_000, 7);
  writeFileSync(join(scratch, 'source'), data);
  // A writer in another process, a little at a time: reads come back short.
  const writer = spawn('sh', ['-c', `dd if=${join(scratch, 'source')} of=${fifo} bs=1000 2>/dev/null`]);
  const bytes = nodeFileHost.readBytes(fifo);
  await new Promise((resolve) => writer.on('exit', resolve));
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual(bytes, data);
});
