/**
 * `--jobs N`: the inputs linted by worker threads give the report one
 * thread gives, byte for byte, in every format, with configurations,
 * standard input, binding problems and inputs that do not compile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath, runCli } from './helpers.js';

/** A folder of boards: the lint fixtures, one that does not compile, one with its own configuration, and bindings with a broken one. */
function boards(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
  cpSync(projectPath('test/fixtures/lint'), join(dir, 'lint'), { recursive: true });
  writeFileSync(join(dir, 'broken.dts'), '/dts-v1/;\n/ { a = <1 2; };\n');
  mkdirSync(join(dir, 'team'));
  writeFileSync(join(dir, 'team', '.vmgenid-lint.yaml'), 'rules: { vmgenid-node-name: off }\nmaxWarnings: 0\n');
  cpSync(projectPath('fixtures/example/board.dts'), join(dir, 'team', 'board.dts'));
  mkdirSync(join(dir, 'bindings'));
  cpSync(projectPath('test/fixtures/lint/bindings'), join(dir, 'bindings', 'ok'), { recursive: true });
  writeFileSync(join(dir, 'bindings', 'broken.yaml'), '$id: http://devicetree.org/schemas/broken.yaml#\n$schema: http://devicetree.org/meta-schemas/core.yaml#\ntitle: [\n');
  return dir;
}

for (const format of ['json', 'text', 'sarif', 'github']) {
  test(`--jobs 3 gives the report one thread gives (${format})`, async () => {
    const dir = boards();
    try {
      const args = ['--all', '--schema', join(dir, 'bindings'), '-I', join(dir, 'lint'), '-f', format, dir];
      const one = await runCli(args);
      const three = await runCli(['--jobs', '3', ...args]);
      assert.equal(three.stderr, one.stderr);
      assert.equal(three.code, one.code);
      assert.equal(three.stdout.toString(), one.stdout.toString());
      // Not a report of nothing: the folder's boards were judged, the broken one refused.
      assert.match(one.stdout.toString(), /broken\.dts/);
      assert.equal(one.code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('--jobs with standard input among the inputs reads it once, in the command', async () => {
  const dir = boards();
  try {
    const stdin = '/dts-v1/;\n/ { compatible = "acme,board"; vmgenid { compatible = "microsoft,vmgenid"; }; };\n';
    const args = ['-f', 'json', join(dir, 'team', 'board.dts'), '-', join(dir, 'lint', 'good.dts')];
    const one = await runCli(args, { stdin });
    const two = await runCli(['-j', '2', ...args], { stdin });
    assert.equal(two.stdout.toString(), one.stdout.toString());
    assert.equal(two.code, one.code);
    assert.match(one.stdout.toString(), /<stdin>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--jobs: the output is never written over a file a worker read', async () => {
  const dir = boards();
  try {
    const dtsi = join(dir, 'lint', 'bad-schema.dtsi');
    const r = await runCli(['-j', '2', '-o', dtsi, join(dir, 'lint', 'good.dts'), join(dir, 'lint', 'bad-schema.dts')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to write the output over .*bad-schema\.dtsi, which this run read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const bad of ['0', '-1', 'two', '1.5', '300']) {
  test(`--jobs ${bad} is a usage error that says what it takes`, async () => {
    const r = await runCli(['--jobs', bad, projectPath('fixtures/example/board.dts')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs .*from 1 to 256, or auto/);
  });
}

test('--jobs auto and one input: linted in the command (nothing to share)', async () => {
  const r = await runCli(['--jobs', 'auto', '-f', 'json', projectPath('fixtures/example/board.dts')]);
  const one = await runCli(['-f', 'json', projectPath('fixtures/example/board.dts')]);
  assert.equal(r.code, one.code);
  assert.equal(r.stdout.toString(), one.stdout.toString());
});
