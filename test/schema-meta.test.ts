import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetaChecker } from '../src/schema/meta-check.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { loadBinding, parseBinding } from '../src/schema/load.js';
import { nodeFileHost } from '../src/source/host.js';
import { projectPath } from './helpers.js';

const host = nodeSchemaHost(nodeFileHost);
const meta = MetaChecker.load(host);
const fixtureRoot = projectPath('test/fixtures/schema/bindings');

function check(name: string) {
  const b = loadBinding(`${fixtureRoot}/test/${name}.yaml`, host);
  return meta.check(b, { roots: [fixtureRoot] }).filter((d) => d.severity === 'error');
}

test('meta-schemas compile', () => {
  assert.deepEqual(meta.diagnostics, []);
});

test('both built-in rng bindings pass the binding check', () => {
  for (const f of ['vmgenid.yaml', 'microsoft,vmgenid.yaml']) {
    const b = loadBinding(projectPath(`schemas/rng/${f}`), host);
    assert.deepEqual(meta.check(b), [], f);
  }
});

test('core schemas pass the binding check', () => {
  for (const f of ['dt-core', 'interrupts', 'reg', 'memory', 'reserved-memory', 'types']) {
    const b = loadBinding(projectPath(`schemas/core/${f}.yaml`), host);
    // (quoting 'null' and regexes is deliberate there; only errors count)
    assert.deepEqual(meta.check(b).filter((d) => d.severity === 'error'), [], f);
  }
});

test('a good binding passes', () => {
  assert.deepEqual(check('good'), []);
});

// [fixture, expected check, line]; each fixture has exactly one defect.
const cases: [string, string, number][] = [
  ['bad-id', 'binding_id', 4],
  ['bad-maintainer', 'binding_maintainers', 10],
  ['bad-title', 'binding_title', 7],
  ['cells-count', 'binding_cells', 20],
  ['interrupt-cells', 'binding_interrupts', 14],
  ['items-redundant', 'binding_items', 18],
  ['items-redundant', 'binding_consumers', 18],
  ['mixed-keywords', 'binding_keywords', 22],
  ['no-additional', 'binding_additional', 4],
  ['scalar-ref-items', 'binding_keywords', 21],
  ['unknown-keyword', 'binding_keywords', 19],
  ['unknown-toplevel', 'binding_toplevel', 14],
  ['vendor-untyped', 'binding_vendor', 18],
  ['yaml-syntax', 'binding_yaml', 6],
];
for (const [name, checkName, line] of cases) {
  test(`defect caught: ${name}`, () => {
    const ds = check(name);
    const hit = ds.find((d) => d.check === checkName);
    assert.ok(hit, `${name}: got ${JSON.stringify(ds.map((d) => [d.check, d.message]))}`);
    assert.equal(hit.span?.line, line, hit.message);
    assert.match(hit.span!.file, new RegExp(`${name}\\.yaml$`));
  });
}

test('$id is compared with the path under the schemas root', () => {
  const b = loadBinding(`${fixtureRoot}/test/bad-id.yaml`, host);
  const d = meta.check(b, { roots: [fixtureRoot] }).find((x) => x.check === 'binding_id');
  assert.match(d!.message, /expected http:\/\/devicetree\.org\/schemas\/test\/bad-id\.yaml#/);
});

test('required top-level keys are reported under their own checks', () => {
  const b = parseBinding('schemas/x.yaml', '$schema: http://devicetree.org/meta-schemas/base.yaml#\nproperties: {}\n');
  const checks = meta.check(b).map((d) => d.check).sort();
  assert.ok(checks.includes('binding_id'));
  assert.ok(checks.includes('binding_title'));
  assert.ok(checks.includes('binding_maintainers'));
});

test('$refs to unknown schemas are reported when the known ids are given', () => {
  const b = parseBinding(
    'schemas/test/r.yaml',
    [
      '$id: http://devicetree.org/schemas/test/r.yaml#',
      '$schema: http://devicetree.org/meta-schemas/base.yaml#',
      'title: R',
      'maintainers: [A B <a@b.org>]',
      'properties:',
      '  acme,x:',
      '    $ref: /schemas/nope.yaml#',
      '',
    ].join('\n'),
  );
  const ds = meta.check(b, { knownIds: new Set(['http://devicetree.org/schemas/types.yaml#']) });
  const d = ds.find((x) => x.check === 'binding_ref');
  assert.ok(d);
  assert.equal(d.span?.line, 7);
});

test('needless quotes are a warning, on the lines dt-doc-validate -n names', () => {
  const b = loadBinding(`${fixtureRoot}/test/needless-quotes.yaml`, host);
  const ds = meta.check(b, { roots: [fixtureRoot] });
  assert.deepEqual(
    ds.map((d) => [d.severity, d.check, d.span?.line, d.message]),
    [
      ['warning', 'binding_quotes', 16, 'quotes are not necessary: acme,needless-quotes'],
      ['warning', 'binding_quotes', 22, 'quotes are not necessary: a'],
    ],
  );
});

test('the fix-up case bindings pass (dt-doc-validate 2022.08 accepts them too)', () => {
  for (const f of ['arrays', 'generic']) {
    const b = loadBinding(projectPath(`test/fixtures/schema/fixup-cases/fx/${f}.yaml`), host);
    assert.deepEqual(meta.check(b), [], f);
  }
});
