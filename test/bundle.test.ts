/**
 * The CLI runs from one bundled module (scripts/bundle.ts), and a lint on
 * the built-in bindings loads neither the schema compiler nor Ajv nor YAML:
 * start-up pays only for what the run needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { projectPath } from './helpers.js';

const bundle = projectPath('dist/src/bundle/cli.js');
const bin = projectPath('bin/vmgenid-lint.js');
const hook = projectPath('test/fixtures/bundle/trace-imports.mjs');

function loadedBy(args: string[]): { status: number | null; urls: string[] } {
  const r = spawnSync(process.execPath, ['--no-warnings', '--experimental-loader', hook, bin, ...args], { encoding: 'utf8' });
  const urls = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('resolved '))
    .map((l) => l.slice('resolved '.length));
  return { status: r.status, urls };
}

test('the build writes the bundle, and it imports only Node built-ins up front', () => {
  assert.ok(existsSync(bundle), 'npm run build writes dist/src/bundle/cli.js');
  const staticImports = [...readFileSync(bundle, 'utf8').matchAll(/^import .* from ["']([^"']+)["'];?$/gm)].map((m) => m[1]!);
  assert.ok(staticImports.length > 0);
  assert.deepEqual(staticImports.filter((s) => !s.startsWith('node:')), []);
});

test('a lint on the built-in bindings runs from the bundle and loads no compiler, Ajv or YAML', () => {
  const { status, urls } = loadedBy([projectPath('fixtures/example/board.dts')]);
  assert.equal(status, 0);
  assert.ok(urls.some((u) => u.endsWith('/dist/src/bundle/cli.js')), 'bin loads the bundle');
  const heavy = urls.filter((u) => /\/node_modules\/(ajv|ajv-formats|yaml)\/|\/dist\/src\/schema\/compile\.js$|\/dist\/src\/cli\/process\.js$/.test(u));
  assert.deepEqual(heavy, []);
});

test('a user binding brings the compiler in, from its own module', () => {
  const { status, urls } = loadedBy(['--schema', projectPath('schemas/rng/vmgenid.yaml'), projectPath('fixtures/example/board.dts')]);
  assert.equal(status, 0);
  assert.ok(urls.some((u) => u.endsWith('/dist/src/schema/compile.js')));
});
