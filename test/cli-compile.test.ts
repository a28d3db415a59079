/**
 * The compile command end to end, in-process: exit codes, atomic output,
 * errors with positions, dtc's option rules.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectPath, runCli, type CliRun } from './helpers.js';

async function cli(args: string[], stdin = ''): Promise<CliRun> {
  return runCli(args, { stdin });
}

const fixture = projectPath('test/fixtures/compile/labels-refs.dts');
const golden = readFileSync(projectPath('test/fixtures/compile/labels-refs.dtb'));

test('compile: writes dtc\'s blob to a file, atomically, and exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const out = join(dir, 'out.dtb');
  const r = await cli(['compile', fixture, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(out), golden);
  assert.deepEqual(readdirSync(dir), ['out.dtb'], 'no temporary file is left behind');
});

test('compile: stdin in, DTS out', async () => {
  const r = await cli(['compile', '-O', 'dts', '-'], '/dts-v1/; / { a = <1>; };');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.toString('latin1'), '/dts-v1/;\n\n/ {\n\ta = <0x01>;\n};\n');
});

test('compile: a blob is detected by its content and decompiled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const blob = join(dir, 'board.data');
  writeFileSync(blob, golden);
  const r = await cli(['compile', '-O', 'dts', blob]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.toString('latin1'), readFileSync(projectPath('test/fixtures/dts-write/labels-refs.from-dtb.dts'), 'latin1'));
});

test('compile: a syntax error gives file:line:col, exit 2 and no output file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const src = join(dir, 'bad.dts');
  writeFileSync(src, '/dts-v1/;\n/ {\n\ta = <1 2;\n};\n');
  const out = join(dir, 'bad.dtb');
  const r = await cli(['compile', src, '-o', out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: error: `));
  assert.ok(!existsSync(out));
});

test('compile: a damaged blob is an error naming the file, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const blob = join(dir, 'cut.dtb');
  writeFileSync(blob, golden.subarray(0, 60));
  const r = await cli(['compile', blob]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cut\.dtb: error: header totalsize \d+ is larger than the blob \(60 bytes\)/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('compile: a missing input is exit 2 with the reason', async () => {
  const r = await cli(['compile', '/nonexistent/x.dts']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /x\.dts: error: cannot read: No such file or directory/);
});

test('compile: refuses to write over its input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const src = join(dir, 'a.dts');
  writeFileSync(src, '/dts-v1/; / { };');
  const r = await cli(['compile', src, '-o', src]);
  assert.equal(r.code, 2);
  assert.equal(readFileSync(src, 'utf8'), '/dts-v1/; / { };');
});

test('compile: -p with -S, and -a not a power of two, are usage errors as in dtc', async () => {
  assert.equal((await cli(['compile', fixture, '-p', '16', '-S', '4096'])).code, 2);
  const r = await cli(['compile', fixture, '-a', '12']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /power of two/);
});

test('compile: -a pads the blob to a multiple', async () => {
  const r = await cli(['compile', fixture, '-a', '256']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length % 256, 0);
  assert.equal(r.stdout.readUInt32BE(4), r.stdout.length);
});

test('compile: the preprocessor runs on its own for source with directives, takes -D/-U, and --no-cpp turns it off', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const src = join(dir, 'macros.dts');
  writeFileSync(src, '/dts-v1/;\n#ifndef VALUE\n#define VALUE 7\n#endif\n/ { v = <VALUE>; };\n');
  const auto = await cli(['compile', '-O', 'dts', src]);
  assert.equal(auto.code, 0, auto.stderr);
  assert.match(auto.stdout.toString('latin1'), /v = <0x07>;/);
  const defined = await cli(['compile', '-O', 'dts', '-D', 'VALUE=0x20', src]);
  assert.match(defined.stdout.toString('latin1'), /v = <0x20>;/);
  const undefined_ = await cli(['compile', '-O', 'dts', '-D', 'VALUE=0x20', '-U', 'VALUE', src]);
  assert.match(undefined_.stdout.toString('latin1'), /v = <0x07>;/);
  const off = await cli(['compile', '--no-cpp', src]);
  assert.equal(off.code, 2, 'dtc alone cannot read #ifndef');
  assert.match(off.stderr, /macros\.dts:2:\d+: error:/);
});

test('compile: -o naming a directory is a clear error, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-compile-'));
  const r = await cli(['compile', fixture, '-o', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /error: cannot write: it is a directory; give a file name/);
  assert.deepEqual(readdirSync(dir), [], 'no temporary file is left behind');
});
