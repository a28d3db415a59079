/**
 * User schemas (`--schema`, check-binding) written to hurt: `$ref` loops,
 * nesting past any real binding, backtracking patterns, and an `$id` that
 * would quietly replace a built-in schema. Each is a clear error (exit 2)
 * or a verdict in bounded time; never a stack overflow, a hang, or a
 * silent change of what the built-in schemas say.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileSchemas } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { nodeFileHost } from '../src/source/host.js';
import { projectPath, runCli } from './helpers.js';

const fixture = (name: string) => projectPath(`test/fixtures/hostile-schemas/${name}`);
const host = nodeSchemaHost(nodeFileHost);

async function cli(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const start = Date.now();
  const r = await runCli(args, { stdin });
  return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr, ms: Date.now() - start };
}

function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-hostile-schemas-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

// ------------------------------------------------------------ $ref loops

test('hostile schemas: two definitions that $ref each other are a $ref loop, named hop by hop, exit 2', async () => {
  const r = await cli(['--all', '--schema', fixture('loop-same-file.yaml'), fixture('tree.dts')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /loop-same-file\.yaml:19:3: error: \$ref loop: .*loop-same-file\.yaml#\/definitions\/a \(\$ref '#\/definitions\/b', line 19\) → .*loop-same-file\.yaml#\/definitions\/b \(\$ref '#\/definitions\/a', line 21\) → back to .*loop-same-file\.yaml#\/definitions\/a \[schema_ref_loop\]/);
  assert.doesNotMatch(r.stdout + r.stderr, /call stack|RangeError|internal error/i);
  assert.ok(r.ms < 3000, `${r.ms} ms`);
});

test('hostile schemas: a $ref loop across two files names both files', async () => {
  const r = await cli(['--all', '--schema', fixture('loop-two-files-a.yaml'), '--schema', fixture('loop-two-files-b.yaml'), fixture('tree.dts')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /loop-two-files-a\.yaml#\/definitions\/here \(\$ref 'loop-two-files-b\.yaml#\/definitions\/there', line 19\) → .*loop-two-files-b\.yaml#\/definitions\/there \(\$ref 'loop-two-files-a\.yaml#\/definitions\/here', line 13\) → back to/);
  assert.ok(r.ms < 3000, `${r.ms} ms`);
});

test('hostile schemas: a property schema whose allOf, oneOf and not lead back to it is a $ref loop', async () => {
  const r = await cli(['--all', '--schema', fixture('loop-allof.yaml'), fixture('tree.dts')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const loop = r.stdout.split('\n').find((l) => l.includes('[schema_ref_loop]')) ?? '';
  for (const hop of ['#/definitions/level (oneOf', '#/definitions/level/oneOf/1 (not', "#/definitions/level/oneOf/1/not ($ref '#/properties/hostile,level'", '#/properties/hostile,level (allOf', "#/properties/hostile,level/allOf/0 ($ref '#/definitions/level'"]) {
    assert.ok(loop.includes(hop), `${hop} missing from: ${loop}`);
  }
  assert.ok(r.ms < 3000, `${r.ms} ms`);
});

test('hostile schemas: check-binding on a binding whose $ref loops is exit 2 with the chain, not a finding per example', async () => {
  const r = await cli(['check-binding', fixture('loop-same-file.yaml')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /error: \$ref loop: .*#\/definitions\/a .* → .*#\/definitions\/b .* → back to/);
});

test('hostile schemas: a tree-shaped schema (recursion through child nodes) still compiles and checks every level', async () => {
  const set = compileSchemas([fixture('recursive-tree.yaml')], host);
  assert.deepEqual(set.diagnostics.filter((d) => d.severity === 'error'), []);
  const binding = set.get('http://devicetree.org/schemas/hostile/recursive-tree.yaml#')!;
  const level = (depth: number, below?: object) => ({ 'hostile,depth': [[depth]], ...(below ? { child: below } : {}) });
  const good = { compatible: ['hostile,tree'], ...level(0, level(1, level(2, level(3)))) };
  assert.deepEqual(set.validate(good, binding), []);
  const bad = { compatible: ['hostile,tree'], ...level(0, level(1, level(2, { 'hostile,stray': true }))) };
  const errors = set.validate(bad, binding).map((e) => `${e.instancePath} ${e.keyword}`);
  assert.deepEqual(errors.sort(), ['/child/child/child additionalProperties', '/child/child/child required']);
  const r = await cli(['--all', '--schema', fixture('recursive-tree.yaml'), fixture('tree.dts')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /tree\.dts:\d+:\d+: error: 'hostile,stray-at-top' is not allowed/);
  assert.doesNotMatch(r.stdout, /schema_ref_loop/);
});

test('hostile schemas: a binding nested thousands of levels deep is an error naming the file, never a stack overflow', async () => {
  await withTemp(async (dir) => {
    const head = '$id: http://devicetree.org/schemas/hostile/deep.yaml#\n$schema: http://devicetree.org/meta-schemas/core.yaml#\ntitle: Deep\nproperties:\n  foo: ';
    for (const [name, depth] of [['deep-100.yaml', 100], ['deep-700.yaml', 700], ['deep-20000.yaml', 20000]] as const) {
      const file = join(dir, name);
      writeFileSync(file, `${head}${'{not: '.repeat(depth)}{}${'}'.repeat(depth)}\n`);
      for (const args of [['--schema', file, fixture('tree.dts')], ['check-binding', file]]) {
        const r = await cli(args);
        assert.equal(r.code, 2, `${name} ${args[0]}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, new RegExp(`${name}:\\d+:\\d+: error: (YAML )?nested (too deeply|more than 64 levels)`), `${name} ${args[0]}`);
        assert.doesNotMatch(r.stdout + r.stderr, /call stack|RangeError|internal error/i, `${name} ${args[0]}`);
      }
    }
  });
});
