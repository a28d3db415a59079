/**
 * The built-in schemas compiled at build time (scripts/build-schemas.ts) judge
 * exactly as the ones compiled at run time: every lint, check and agreement
 * fixture gives the same diagnostics either way, with and without a user
 * schema; and missing or stale artefacts fall back to compiling.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchemas } from '../scripts/build-schemas.js';
import { lintBytes, type LintOptions } from '../src/lint.js';
import { compileSchemas } from '../src/schema/compile.js';
import { loadSchemaSet } from '../src/schema/load-set.js';
import { builtinSchemaDir, nodeSchemaHost, type SchemaHost } from '../src/schema/host.js';
import type { SchemaSet } from '../src/schema/schema-set.js';
import {
  builtinFiles,
  defaultArtefactDir,
  MANIFEST_FILE,
  schemaKey,
  SOURCES_FILE,
  VALIDATORS_FILE,
  type PrecompiledManifest,
} from '../src/schema/precompiled.js';
import { nodeFileHost } from '../src/source/host.js';
import { projectPath } from './helpers.js';

const host = nodeSchemaHost(nodeFileHost);

// validators.cjs is CommonJS: artefacts load from any folder on any Node.
const skip = false;

// Artefacts built for this test, below dist/ so that their `require`s of Ajv's
// runtime resolve as they do from dist/schemas (and independent of it, so a
// concurrent `npm run build` does not matter).
const scratch = mkdtempSync(projectPath('dist/.precompiled-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const artefacts = join(scratch, 'fresh');
const problems = buildSchemas(artefacts);

/** A copy of the fresh artefacts, changed by `edit`, in its own folder (a module is loaded once per path). */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const f of [MANIFEST_FILE, VALIDATORS_FILE, SOURCES_FILE]) copyFileSync(join(artefacts, f), join(dir, f));
  edit(dir);
  return dir;
}

const precompiled = compileSchemas([], host, { precompiled: artefacts });
const runtime = compileSchemas([], host, { precompiled: false });
const userSchemas = [projectPath('test/fixtures/lint/bindings')];
const userPrecompiled = compileSchemas(userSchemas, host, { precompiled: artefacts });
const userRuntime = compileSchemas(userSchemas, host, { precompiled: false });

function fixtures(): string[] {
  const out: string[] = [];
  for (const dir of ['test/fixtures/lint', 'test/fixtures/checks', 'test/fixtures/agreement']) {
    for (const name of readdirSync(projectPath(dir)).sort()) if (name.endsWith('.dts')) out.push(projectPath(`${dir}/${name}`));
  }
  return out;
}

function lint(file: string, schemas: SchemaSet, all: boolean) {
  const options: LintOptions = { host: nodeFileHost, includeDirs: [projectPath('include')], schemas, all };
  return lintBytes(file, new Uint8Array(readFileSync(file)), options).diagnostics;
}

test('the build precompiles the built-in schemas', { skip }, () => {
  assert.deepEqual(problems, []);
  assert.equal(precompiled.builtinSource, 'precompiled');
  assert.equal(runtime.builtinSource, 'runtime');
  assert.equal(userPrecompiled.builtinSource, 'precompiled');
  assert.equal(userRuntime.builtinSource, 'runtime');
});

test('precompiled entries are the run-time ones: ids, paths, fix-ups and compatibles', { skip }, () => {
  assert.deepEqual(precompiled.diagnostics, runtime.diagnostics);
  assert.deepEqual(userPrecompiled.diagnostics, userRuntime.diagnostics);
  const shape = (s: SchemaSet) => s.entries.map((e) => ({ id: e.id, path: e.path, core: e.core, fixed: e.fixed, compatibles: e.compatibles }));
  assert.deepEqual(shape(precompiled), shape(runtime));
  assert.deepEqual(shape(userPrecompiled), shape(userRuntime));
  assert.deepEqual(precompiled.bindings().map((e) => e.id), runtime.bindings().map((e) => e.id));
});

test('precompiled and run-time schemas: the same property types', { skip }, () => {
  const names = new Set<string>();
  for (const e of runtime.entries) {
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, sub] of Object.entries(v)) {
          names.add(k);
          walk(sub);
        }
      }
    };
    walk(e.fixed);
  }
  for (const n of ['reg', 'interrupts', 'foo-microvolt', 'clocks', 'pinctrl-0', 'vmgenid-x', 'linux,initrd-start']) names.add(n);
  for (const n of names) {
    assert.deepEqual(precompiled.propertyTypes(n), runtime.propertyTypes(n), n);
    assert.deepEqual(precompiled.propertyDim(n), runtime.propertyDim(n), n);
    assert.deepEqual(userPrecompiled.propertyTypes(n), userRuntime.propertyTypes(n), n);
  }
});

for (const file of fixtures()) {
  const name = file.slice(projectPath('test/fixtures/').length);
  test(`precompiled and run-time schemas agree: ${name}`, { skip }, () => {
    for (const all of [false, true]) {
      assert.deepEqual(lint(file, precompiled, all), lint(file, runtime, all), `${name}${all ? ' --all' : ''}`);
      assert.deepEqual(lint(file, userPrecompiled, all), lint(file, userRuntime, all), `${name} --schema${all ? ' --all' : ''}`);
    }
  });
}

test('raw errors agree node by node, selection included', { skip }, () => {
  const nodes: unknown[] = [
    { $nodename: ['rng@80000000'], compatible: ['microsoft,vmgenid'], reg: [[0x80000000, 0x1000]], interrupts: [[0, 35, 1]] },
    { $nodename: ['rng@1'], compatible: ['microsoft,vmgenid'], reg: [[1, 2], [3, 4]], foo: true, status: ['okk'] },
    { $nodename: ['rng'], compatible: ['virtual,vmgenctr'], reg: [[1, 2]], '#interrupt-cells': [[2]] },
    { $nodename: ['memory@0'], reg: [[0, 0x1000]] },
    { $nodename: ['/'], compatible: ['Bad Compat'], 'Bad_Name!': true },
    { $nodename: ['reserved-memory'], '#address-cells': [[1]], '#size-cells': [[1]], ranges: true, 'buf@0': { reg: [[0, 1]], 'no-map': true, reusable: true } },
    { $nodename: ['cpus'], '#address-cells': [[1]], '#size-cells': [[0]], 'cpu@0': { device_type: ['cpu'], reg: [[0]] } },
    { $nodename: ['chosen'], 'linux,initrd-start': [[0, 0, 0]], bootargs: ['x'] },
  ];
  const strip = (errs: unknown[]) => JSON.parse(JSON.stringify(errs)) as unknown;
  for (const node of nodes) {
    assert.deepEqual(
      precompiled.selecting(node).map((e) => e.id),
      runtime.selecting(node).map((e) => e.id),
    );
    assert.deepEqual(strip(precompiled.coreValidate(node)), strip(runtime.coreValidate(node)));
    for (const b of runtime.bindings()) {
      assert.deepEqual(strip(precompiled.validate(node, precompiled.get(b.id)!)), strip(runtime.validate(node, b)), b.id);
    }
  }
});

test('a user schema with a built-in $id wins, and the built-ins are compiled at run time with it', () => {
  const own = [projectPath('schemas/rng/vmgenid.yaml')];
  const a = compileSchemas(own, host, { precompiled: artefacts });
  const b = compileSchemas(own, host, { precompiled: false });
  assert.equal(a.builtinSource, 'runtime');
  assert.deepEqual(a.diagnostics, b.diagnostics);
  assert.ok(a.diagnostics.some((d) => d.check === 'schema_duplicate'));
  assert.deepEqual(a.entries.map((e) => [e.id, e.path]), b.entries.map((e) => [e.id, e.path]));
});

test('missing artefacts: compiled at run time', () => {
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  const s = compileSchemas([], host, { precompiled: empty });
  assert.equal(s.builtinSource, 'runtime');
  assert.deepEqual(s.diagnostics, []);
  const onlyManifest = variant('only-manifest', (dir) => rmSync(join(dir, VALIDATORS_FILE)));
  assert.equal(compileSchemas([], host, { precompiled: onlyManifest }).builtinSource, 'runtime');
  const broken = variant('broken-manifest', (dir) => writeFileSync(join(dir, MANIFEST_FILE), '{'));
  assert.equal(compileSchemas([], host, { precompiled: broken }).builtinSource, 'runtime');
  const noSources = variant('no-sources', (dir) => rmSync(join(dir, SOURCES_FILE)));
  assert.equal(compileSchemas([], host, { precompiled: noSources }).builtinSource, 'runtime');
});

test('stale artefacts: compiled at run time', () => {
  // Another key (schema files or code changed since the build).
  const stale = variant('stale-key', (dir) => {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as PrecompiledManifest;
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...m, key: '0'.repeat(64) }));
  });
  assert.equal(compileSchemas([], host, { precompiled: stale }).builtinSource, 'runtime');
  // validators.cjs from another build than the manifest (a build caught half-way).
  const mixed = variant('mixed', (dir) => {
    const js = readFileSync(join(dir, VALIDATORS_FILE), 'utf8');
    writeFileSync(join(dir, VALIDATORS_FILE), js.replace(/exports\.KEY = "[0-9a-f]+";/, 'exports.KEY = "other";'));
  });
  assert.equal(compileSchemas([], host, { precompiled: mixed }).builtinSource, 'runtime');
  // sources.bin that is not the schema files' bytes: one byte changed, one byte more, or another build's.
  const flip = (edit: (b: Buffer) => Buffer) => (dir: string) => writeFileSync(join(dir, SOURCES_FILE), edit(readFileSync(join(dir, SOURCES_FILE))));
  const changed = variant('sources-changed', flip((b) => (b[b.length - 10]! ^= 1, b)));
  assert.equal(compileSchemas([], host, { precompiled: changed }).builtinSource, 'runtime');
  const longer = variant('sources-longer', flip((b) => Buffer.concat([b, Buffer.from('\n')])));
  assert.equal(compileSchemas([], host, { precompiled: longer }).builtinSource, 'runtime');
  // (The key's first digit changed: a key that starts with 0 becomes one that starts with 1.)
  const otherBuild = variant('sources-other-build', flip((b) => ((b[0] = b[0] === 0x30 ? 0x31 : 0x30), b)));
  assert.equal(compileSchemas([], host, { precompiled: otherBuild }).builtinSource, 'runtime');
  assert.equal(compileSchemas([], host, { precompiled: variant('sources-same', () => {}) }).builtinSource, 'precompiled');
  // A built-in schema file edited after the build: the run sees and judges the edit.
  const dir = builtinSchemaDir();
  const edited = join(dir, 'rng', 'microsoft,vmgenid.yaml');
  const editing: SchemaHost = {
    ...host,
    readBytes(p) {
      const bytes = host.readBytes(p);
      if (p !== edited || !(bytes instanceof Uint8Array)) return bytes;
      const text = new TextDecoder().decode(bytes).replace(/(\n {2}reg:\n(?: {4}.*\n)*? {4}maxItems: )1\n/, '$12\n');
      assert.notEqual(text, new TextDecoder().decode(bytes), 'the edit applies');
      return new TextEncoder().encode(text);
    },
  };
  const s = compileSchemas([], editing, { precompiled: artefacts });
  assert.equal(s.builtinSource, 'runtime');
  const node = { $nodename: ['rng@1'], compatible: ['microsoft,vmgenid'], reg: [[1, 2], [3, 4]], interrupts: [[0, 35, 1]] };
  assert.deepEqual(s.validate(node, s.bindingsFor(['microsoft,vmgenid'])!), []);
  assert.notDeepEqual(runtime.validate(node, runtime.bindingsFor(['microsoft,vmgenid'])!), []);
  assert.notDeepEqual(precompiled.validate(node, precompiled.bindingsFor(['microsoft,vmgenid'])!), []);
  // A schema file added after the build.
  const added: SchemaHost = {
    ...host,
    listYaml(d) {
      const listed = host.listYaml!(d);
      return Array.isArray(listed) && d === dir ? [...listed, join(dir, 'rng', 'zz-new.yaml')] : listed;
    },
    readBytes(p) {
      return p === join(dir, 'rng', 'zz-new.yaml') ? new TextEncoder().encode('$id: http://devicetree.org/schemas/rng/zz-new.yaml#\n') : host.readBytes(p);
    },
  };
  assert.equal(compileSchemas([], added, { precompiled: artefacts }).builtinSource, 'runtime');
});

test('dist/schemas, when current, is what a plain load uses', (t) => {
  const dir = defaultArtefactDir();
  const manifestPath = join(dir, MANIFEST_FILE);
  const files = builtinFiles(builtinSchemaDir(), host);
  const current =
    existsSync(manifestPath) &&
    files !== null &&
    (JSON.parse(readFileSync(manifestPath, 'utf8')) as PrecompiledManifest).key === schemaKey(builtinSchemaDir(), files, host);
  // (schemaKey hashes the code as it is now: the run itself trusts the manifest's codeKey.)
  if (!current) {
    t.skip('dist/schemas is missing or stale: `npm run build` writes it');
    return;
  }
  assert.equal(compileSchemas([], host).builtinSource, 'precompiled');
});

test('the fast load of the built-ins takes the property-type tables the build worked out, and they are the run-time ones', async () => {
  const fast = await loadSchemaSet([], host, { precompiled: artefacts });
  assert.equal(fast.builtinSource, 'precompiled');
  const manifest = JSON.parse(readFileSync(join(artefacts, MANIFEST_FILE), 'utf8')) as PrecompiledManifest;
  assert.ok(manifest.types.exact.length > 50, 'the manifest carries the tables');
  assert.deepEqual(fast.typeTableData(), runtime.typeTableData());
  // And they answer alike, for exact names, pattern names, unit suffixes and unknown names.
  for (const name of ['reg', 'interrupts', 'clocks', 'compatible', 'status', 'pinctrl-0', 'vdd-supply', 'foo-gpios', 'timeout-ms', 'no-such-thing']) {
    assert.deepEqual(fast.propertyTypes(name), runtime.propertyTypes(name), name);
    assert.deepEqual(fast.propertyDim(name), runtime.propertyDim(name), name);
  }
});

test('damaged type tables in the manifest: the run works them out from the schemas, no crash', async () => {
  const damaged = variant('damaged-types', (dir) => {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as PrecompiledManifest;
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...m, types: { exact: [7], patterns: [['(', ['string']]], dims: [] } }));
  });
  const set = await loadSchemaSet([], host, { precompiled: damaged });
  assert.equal(set.builtinSource, 'precompiled');
  assert.deepEqual(set.typeTableData(), runtime.typeTableData());
});
