/**
 * The CLI runs from one bundled script with a V8 code cache (scripts/bundle.ts,
 * loaded by bin/vmgenid-lint.js), and a lint on the built-in bindings loads
 * neither the schema compiler nor Ajv nor YAML: start-up pays only for what
 * the run needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectPath } from './helpers.js';
import { LINT_WORKER } from '../src/cli/lint-jobs.js';

const bundle = projectPath('dist/src/bundle/cli.cjs');
const cache = projectPath('dist/src/bundle/cli.cache');
const bin = projectPath('bin/vmgenid-lint.js');
const trace = projectPath('test/fixtures/bundle/trace-modules.cjs');
const example = projectPath('fixtures/example/board.dts');

function run(args: string[]): { status: number | null; loaded: string[]; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', trace, bin, ...args], { encoding: 'utf8', env: { ...process.env, VMGENID_LINT_DEBUG: '1' } });
  const lines = r.stderr.split('\n');
  return {
    status: r.status,
    loaded: lines.filter((l) => l.startsWith('loaded ')).map((l) => l.slice('loaded '.length)),
    stderr: lines.filter((l) => !l.startsWith('loaded ')).join('\n'),
  };
}

const heavy = (files: string[]) => files.filter((f) => /[\\/]node_modules[\\/](yaml|ajv-formats)[\\/]|[\\/]ajv[\\/]dist[\\/](2019|ajv|core)\.js$/.test(f));

test('the build writes the bundle and its code cache; the bundle requires no compiler, Ajv or YAML up front', () => {
  assert.ok(existsSync(bundle), 'npm run build writes dist/src/bundle/cli.cjs');
  assert.ok(existsSync(cache), 'npm run build trains dist/src/bundle/cli.cache');
  const source = readFileSync(bundle, 'utf8');
  // Calls, not the text Ajv's helpers carry in strings (`equal.code = 'require("…")'`).
  const required = [...source.matchAll(/(?<!['"`])require\("([^"]+)"\)/g)].map((m) => m[1]!);
  assert.ok(required.length > 0);
  // Node's own modules only: the one helper of Ajv's the precompiled validators call is inside.
  assert.deepEqual([...new Set(required.filter((s) => !s.startsWith('node:')))], []);
  assert.match(source, /"node_modules\/ajv\/dist\/runtime\/equal\.js"/);
});

test('a lint on the built-in bindings runs from the bundle, its code cache accepted, and loads no compiler, Ajv or YAML', () => {
  const r = run([example]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /code cache/);
  assert.ok(r.loaded.includes(bin));
  assert.ok(!r.loaded.some((f) => f.endsWith('validators.cjs')), 'the validators come inside the bundle');
  assert.deepEqual(heavy(r.loaded), []);
});

test('a lint loads no worker_threads (and the stream modules it brings) unless it runs --jobs', () => {
  for (const args of [['--version'], ['--all', example]]) {
    const r = run(args);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.loaded.includes('node:fs'), 'the trace sees built-ins');
    assert.ok(!r.loaded.includes('node:worker_threads'), `${args.join(' ')} loaded worker_threads`);
  }
  // The bin tells a --jobs worker by the argv lint-jobs.ts gives it: the two must name it alike.
  assert.ok(readFileSync(bin, 'utf8').includes(`'${LINT_WORKER}'`));
});

test('a user binding brings the compiler, Ajv and YAML in', () => {
  const r = run(['--schema', projectPath('schemas/rng/vmgenid.yaml'), example]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(heavy(r.loaded).length >= 2, r.loaded.join('\n'));
});

/** An install of the loader alone (bin/), with an empty dist/src/bundle/ for a test's own bundle and cache. */
function fakeInstall(): string {
  const root = mkdtempSync(join(tmpdir(), 'vmgenid-bundle-'));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist', 'src', 'bundle'), { recursive: true });
  copyFileSync(bin, join(root, 'bin', 'vmgenid-lint.js'));
  copyFileSync(projectPath('bin/package.json'), join(root, 'bin', 'package.json'));
  return root;
}

test('a code cache made for another bundle of the same length is not used (V8 would take it)', () => {
  // Seen once: a rebuilt bundle that changed one digit ran the old code from the old cache.
  const root = fakeInstall();
  try {
    const fake = (say: string) => `exports.main = async () => { process.stdout.write('${say}'); };\n//# vmgenid-lint-bundle ${say.repeat(8)}\n`;
    const bundleFile = join(root, 'dist', 'src', 'bundle', 'cli.cjs');
    const cacheFile = join(root, 'dist', 'src', 'bundle', 'cli.cache');
    const runFake = (env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(root, 'bin', 'vmgenid-lint.js')], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(root, 'user-cache'), ...env } });
    writeFileSync(bundleFile, fake('B'));
    assert.equal(runFake({ VMGENID_LINT_WRITE_CODE_CACHE: cacheFile }).stdout, 'B');
    const head = `BBBBBBBB ${process.versions.v8}\n`;
    assert.ok(readFileSync(cacheFile).subarray(0, head.length).equals(Buffer.from(head)), 'the cache names its bundle and the V8 that made it');
    assert.equal(runFake().stdout, 'B');
    writeFileSync(bundleFile, fake('A'));
    assert.equal(fake('A').length, fake('B').length);
    assert.equal(runFake().stdout, 'A');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('on a Node whose V8 did not make the build\'s code cache, the first start writes a cache of its own for this user, and later starts use it', () => {
  const root = fakeInstall();
  try {
    const bundleFile = join(root, 'dist', 'src', 'bundle', 'cli.cjs');
    writeFileSync(bundleFile, "exports.main = async () => { process.stdout.write('ok'); };\n//# vmgenid-lint-bundle CCCCCCCC\n");
    // The build's cache, made by another V8 (as when the package was built on Node 20 and runs on 24).
    writeFileSync(join(root, 'dist', 'src', 'bundle', 'cli.cache'), Buffer.from('CCCCCCCC 0.0.0-another-v8\nnot V8 data'));
    const userCache = join(root, 'user-cache');
    const start = () =>
      spawnSync(process.execPath, [join(root, 'bin', 'vmgenid-lint.js')], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: userCache, VMGENID_LINT_DEBUG: '1' } });
    const first = start();
    assert.equal(first.stdout, 'ok');
    assert.match(first.stderr, /no code cache fits this Node; compiling/);
    const written = join(userCache, 'vmgenid-lint', `cli-v8-${process.versions.v8}.cache`);
    assert.ok(readFileSync(written).subarray(0, 9).equals(Buffer.from('CCCCCCCC ')), 'a cache for this user and this V8');
    const second = start();
    assert.equal(second.stdout, 'ok');
    assert.doesNotMatch(second.stderr, /code cache/, 'the second start takes it');
    // A cache folder that cannot be written is only slower, never an error.
    const blocked = spawnSync(process.execPath, [join(root, 'bin', 'vmgenid-lint.js')], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: join(bundleFile, 'not-a-folder') },
    });
    assert.equal(blocked.status, 0, blocked.stderr);
    assert.equal(blocked.stdout, 'ok');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
