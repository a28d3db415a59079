/**
 * The npm package works from its tarball: `npm pack`, install the tarball in
 * an empty project (its dependencies come from the registry), and run
 * `npx vmgenid-lint` there — what a user gets, not what the checkout has.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectPath } from './helpers.js';

function npmAvailable(): boolean {
  return spawnSync('npm', ['--version'], { stdio: 'ignore' }).status === 0;
}

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
  if (r.error) throw r.error;
  return r;
}

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

test('package: the packed tarball installs into an empty project and lints with npx', { timeout: 240_000 }, (t) => {
  if (!npmAvailable()) {
    t.skip('npm is not available');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'vmgenid-package-'));
  // --ignore-scripts: `npm test` has just built dist/; a prepare script must not rebuild it under the running tests.
  const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], projectPath(''));
  assert.equal(pack.status, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as PackResult[];
  const paths = packed!.files.map((f) => f.path);
  for (const needed of ['package.json', 'bin/vmgenid-lint.js', 'dist/src/cli/process.js', 'dist/src/cli/main.js', 'fixtures/example/board.dts', 'README.md']) {
    assert.ok(paths.includes(needed), `the tarball has ${needed}`);
  }
  assert.ok(!paths.some((p) => p.startsWith('dist/test/') || p.startsWith('test/')), 'tests are not shipped');

  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-app', version: '1.0.0', private: true }) + '\n');
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, packed!.filename)], app);
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.stdout}\n${install.stderr}`);

  const version = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
  const v = run('npx', ['--no-install', 'vmgenid-lint', '--version'], app);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), version);

  // The example board ships with the package: clean, exit 0.
  const clean = run('npx', ['--no-install', 'vmgenid-lint', 'node_modules/vmgenid-lint/fixtures/example/board.dts'], app);
  assert.equal(clean.status, 0, `${clean.stdout}\n${clean.stderr}`);
  // The bundled example is clean but for one note: it shows what a finding looks like.
  assert.match(clean.stdout, /^0 errors, 0 warnings, 1 note in 1 file$/m);
  assert.match(clean.stdout, /\[vmgenid-node-name\]/);

  // A vmgenid node without interrupts: the bundled binding must be found from the installed package.
  writeFileSync(
    join(app, 'bad.dts'),
    '/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tvmgenid@1000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0 0x1000 0 0x10>;\n\t};\n};\n',
  );
  const bad = run('npx', ['--no-install', 'vmgenid-lint', 'bad.dts'], app);
  assert.equal(bad.status, 1, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stdout, /^bad\.dts:5:2: error: .*\[vmgenid-interrupt-count, schema_required\]$/m);

  // An input that cannot be read: exit 2.
  const missing = run('npx', ['--no-install', 'vmgenid-lint', 'missing.dts'], app);
  assert.equal(missing.status, 2, `${missing.stdout}\n${missing.stderr}`);
});
