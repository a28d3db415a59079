/** `npm run fuzz`: its help, and a short default campaign without the conformance corpus that finds nothing on clean code. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectPath } from './helpers.js';

const FUZZ = projectPath('dist/scripts/fuzz.js');

test('fuzz --help lists the options and every kind, exit 0', () => {
  const r = spawnSync(process.execPath, [FUZZ, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const word of ['--seconds', '--cases', '--seed', '--kinds', '--case', '--out', '--cli', '--no-corpus', '--keep-going']) assert.ok(r.stdout.includes(word), word);
  for (const kind of ['dtb', 'dts', 'cpp', 'compile', 'yaml', 'folder', 'args', 'schema', 'output', 'signal', 'pipe', 'cpp-diff']) assert.match(r.stdout, new RegExp(`^  ${kind} `, 'm'), kind);
});

test('fuzz refuses an unknown option or kind with exit 2', () => {
  for (const args of [['--nope'], ['--kinds', 'dtb,nope'], ['--cases', 'x']]) {
    const r = spawnSync(process.execPath, [FUZZ, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^fuzz: /);
  }
});

test('a short default campaign without the corpus finds nothing on clean code', { timeout: 180_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'vmgenid-fuzz-test-'));
  try {
    const r = spawnSync(process.execPath, [FUZZ, '--no-corpus', '--seed', '7', '--cases', '300', '--keep-going', '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /summary: seed 7, \d+ s, 300 cases .*no failure/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the fuzzer knows which files a command line may write: an -o value, unless it is also a positional input', async () => {
  // Each of these was once reported as a crash ("leftover file", "input changed") by the million-case campaign.
  const { outputsOf } = await import('../scripts/fuzz/snapshot.js');
  const outputs = (argv: string[]) => [...outputsOf({ kind: 'args', what: 'args', files: {}, argv })];
  assert.deepEqual(outputs(['-o', 'relative', '-', 'relative', 'in.dts']), []);
  assert.deepEqual(outputs(['-o', '-I', 'in.dts', '-I', 'x']), ['-I']);
  assert.deepEqual(outputs(['-D', 'in.dts', '-U', 'dump', '0xffffffff', '-o', 'in.dts']), ['in.dts']);
  assert.deepEqual(outputs(['--schema', 'dtb', 'check-binding', 'X=', '-o', 'dtb', 'github', 'in.dts']), ['dtb']);
  assert.deepEqual(outputs(['-o', '-o', 'in.dts']), ['-o']);
});
