/**
 * Loading bindings as dt-mk-schema does (issue 19): what libyaml and
 * Python's `re` take, what jsonschema lets pass, the bindings it ignores
 * (a warning here, the run goes on), and a `$ref` to nothing acting as the
 * false schema, as in dt-validate.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileLoaded, compileSchemas } from '../src/schema/compile.js';
import { fixupBinding } from '../src/schema/fixups.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { parseBinding } from '../src/schema/load.js';
import { normalizeForAjv, pythonRegexToJs } from '../src/schema/python-compat.js';
import { refusalOf } from '../src/schema/accept.js';
import { memoryHost, projectPath, runCli } from './helpers.js';
import { nodeFileHost } from '../src/source/host.js';

process.chdir(projectPath(''));

const head = (id: string, title = 'Acme'): string =>
  [
    '%YAML 1.2',
    '---',
    `$id: http://devicetree.org/schemas/${id}.yaml#`,
    '$schema: http://devicetree.org/meta-schemas/core.yaml#',
    `title: ${title}`,
    'maintainers:',
    '  - A <a@example.org>',
    '',
  ].join('\n');

/** One binding in memory, compiled as a lint run compiles --schema files (with the built-in core schemas). */
function compileOne(name: string, text: string) {
  const files: Record<string, string> = { [`/b/${name}`]: text };
  const mem = memoryHost(files);
  const real = nodeSchemaHost(nodeFileHost);
  const host = {
    readBytes: (p: string) => (p.startsWith('/b/') ? mem.readBytes(p) : real.readBytes(p)),
    isDirectory: (p: string) => (p === '/b' ? true : real.isDirectory!(p)),
    listYaml: (d: string) => (d === '/b' ? Object.keys(files) : real.listYaml!(d)),
  };
  return compileSchemas(['/b'], host);
}

test('YAML: a bare `-` before `,` `]` `}` in a flow collection is the string "-", as libyaml reads it', () => {
  const b = parseBinding('f.yaml', 'a: [x, -, y, -]\nb: {k: -}\nc: [-x, a-]\n');
  assert.deepEqual(b.diagnostics, []);
  assert.deepEqual(b.json, { a: ['x', '-', 'y', '-'], b: { k: '-' }, c: ['-x', 'a-'] });
  // What libyaml refuses stays refused: `- ` is a block entry inside a flow sequence.
  assert.equal(parseBinding('g.yaml', 'a: [ - ]\n').diagnostics[0]?.check, 'binding_yaml');
  assert.equal(parseBinding('h.yaml', 'a: [- x]\n').diagnostics[0]?.check, 'binding_yaml');
});

test('patterns: Python syntax rewritten to what JavaScript reads the same way', () => {
  assert.equal(pythonRegexToJs('^ppmu-event[0-9]+(-[a-z0-9]+){,2}$'), '^ppmu-event[0-9]+(-[a-z0-9]+){0,2}$');
  assert.equal(pythonRegexToJs('^gpio([0-1]|1[0-8]])$'), '^gpio([0-1]|1[0-8]\\])$');
  assert.equal(pythonRegexToJs('^a\\-b\\,c{x}$'), '^a-b,c\\{x\\}$');
  assert.equal(pythonRegexToJs('(?P<n>a)(?P=n)'), '(?<n>a)\\k<n>');
  const ppmu = new RegExp(pythonRegexToJs('^ppmu-event[0-9]+(-[a-z0-9]+){,2}$'), 'u');
  assert.ok(ppmu.test('ppmu-event3') && ppmu.test('ppmu-event3-a-b'));
  assert.ok(!ppmu.test('ppmu-event3-a-b-c'));
  // Python reads `1[0-8]]` as "1, a digit, then ']'".
  const lpi = new RegExp(pythonRegexToJs('^gpio([0-1]|1[0-8]])$'), 'u');
  assert.ok(lpi.test('gpio1') && lpi.test('gpio18]') && !lpi.test('gpio18'));
});

test('a binding with a Python-only pattern compiles and judges as dt-validate does', () => {
  const text = `${head('ppmu')}properties:\n  compatible:\n    const: acme,ppmu\npatternProperties:\n  '^ev[0-9]+(-[a-z]+){,2}$':\n    type: object\nadditionalProperties: false\n`;
  const set = compileOne('ppmu.yaml', text);
  assert.deepEqual(set.diagnostics, []);
  const b = set.bindingsFor(['acme,ppmu'])!;
  assert.deepEqual(set.validate({ compatible: ['acme,ppmu'], 'ev1-a-b': {} }, b), []);
  assert.notDeepEqual(set.validate({ compatible: ['acme,ppmu'], 'ev1-a-b-c': {} }, b), []);
});

test('fix-ups: slashless $ref fragments, non-boolean deprecated and non-schema properties load (as jsonschema lets them pass)', () => {
  const text =
    `${head('odd')}properties:\n  compatible:\n    const: acme,odd\n` +
    '  acme,name:\n    $ref: /schemas/types.yaml#definitions/string\n' +
    '  gpios:\n    deprecated: yes\n' +
    '  acme,paired:\n    - description: a list where a schema belongs\n' +
    '  acme,empty:\n' +
    'additionalProperties: false\n';
  const set = compileOne('odd.yaml', text);
  assert.deepEqual(set.diagnostics, []);
  const b = set.bindingsFor(['acme,odd'])!;
  assert.deepEqual(set.validate({ compatible: ['acme,odd'], 'acme,name': ['x'], 'acme,paired': true, 'acme,empty': true }, b), []);
  assert.notDeepEqual(set.validate({ compatible: ['acme,odd'], 'acme,name': [[1]] }, b), [], 'the $ref still applies');
  const { rewrites } = normalizeForAjv(fixupBinding(parseBinding('odd.yaml', text).json));
  assert.deepEqual(rewrites, [], 'fixupBinding has made them already');
  assert.deepEqual(
    normalizeForAjv({ properties: { a: { $ref: 'x.yaml#definitions/y' }, b: null, c: { deprecated: 'yes' } } }).schema,
    { properties: { a: { $ref: 'x.yaml#/definitions/y' }, b: true, c: { deprecated: true } } },
  );
});

test('unresolved $ref: acts as the false schema, one warning per binding naming the file, line and missing $id', () => {
  const text =
    `${head('uses-missing')}properties:\n  compatible:\n    const: acme,missing\n` +
    '  port:\n    $ref: /schemas/nowhere/graph.yaml#/properties/port\n' +
    '  ports:\n    $ref: /schemas/nowhere/graph.yaml#/properties/ports\n' +
    'additionalProperties: false\n';
  const set = compileOne('uses-missing.yaml', text);
  assert.equal(set.diagnostics.length, 1);
  const d = set.diagnostics[0]!;
  assert.equal(d.severity, 'warning');
  assert.equal(d.check, 'schema_ref');
  assert.equal(d.span?.file, '/b/uses-missing.yaml');
  assert.equal(d.span?.line, 12);
  assert.match(d.message, /http:\/\/devicetree\.org\/schemas\/nowhere\/graph\.yaml#/);
  const b = set.bindingsFor(['acme,missing'])!;
  assert.deepEqual(set.validate({ compatible: ['acme,missing'] }, b), [], 'a node without the property is fine');
  assert.notDeepEqual(set.validate({ compatible: ['acme,missing'], port: {} }, b), [], 'a node it applies to fails');
});

test('bindings dt-mk-schema ignores are skipped with a warning naming the file and the reason, and only those', () => {
  const dir = 'test/fixtures/load-parity/refused';
  // What dt-mk-schema 2022.08 printed for this folder (dt-mk-schema -u -j refused).
  const theirs = readFileSync(`${dir}/dt-mk-schema-2022.08.txt`, 'utf8').trim().split('\n');
  const set = compileSchemas([dir], nodeSchemaHost(nodeFileHost), { builtin: false });
  const skipped = set.diagnostics.filter((d) => d.check === 'binding_skipped');
  assert.ok(set.diagnostics.every((d) => d.severity === 'warning'), JSON.stringify(set.diagnostics));
  const names = (lines: string[]) => lines.map((l) => /([\w-]+\.yaml)/.exec(l)![1]).sort();
  assert.deepEqual(names(skipped.map((d) => d.message)), names(theirs));
  for (const line of theirs) {
    const [file, path] = [line.split(':')[0]!, /error in schema: (.+)$/.exec(line)?.[1]];
    const ours = skipped.find((d) => d.message.includes(`/${file}:`))!;
    assert.match(ours.message, /ignoring, /);
    if (path) assert.ok(ours.message.includes(`error in schema: ${path}`), `${ours.message} names ${path}`);
  }
  assert.ok(set.get('http://devicetree.org/schemas/refused/accepted.yaml#'), 'the good one is loaded');
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.yaml')).length, theirs.length + 1);
  assert.equal(refusalOf({ $schema: 'http://devicetree.org/meta-schemas/core.yaml' })?.pointer, '/$schema');
});

test('lint: one bad binding among good ones is a warning naming it; the run goes on, judged by the good ones', async () => {
  const r = await runCli(['--all', '-f', 'json', '--schema', 'test/fixtures/load-parity/folder', 'test/fixtures/load-parity/board.dts']);
  const report = JSON.parse(r.stdout.toString()) as { files: { file: string; fatal: boolean; diagnostics: { severity: string; check: string; message: string }[] }[] };
  const schemas = report.files.find((f) => f.file === '(schemas)')!;
  assert.equal(schemas.fatal, false);
  assert.deepEqual(schemas.diagnostics.map((d) => [d.severity, d.check]), [['warning', 'binding_skipped']]);
  assert.match(schemas.diagnostics[0]!.message, /acme,broken\.yaml:\d+:\d+: ignoring, error parsing file: /);
  const board = report.files.find((f) => f.file.endsWith('board.dts'))!;
  assert.ok(board.diagnostics.some((d) => d.check === 'schema_additional' && d.message.includes('acme,extra')), JSON.stringify(board.diagnostics));
  assert.equal(r.code, 1, 'exit decided by the board: one error');
});

test('check-binding stays strict: a YAML error in the checked binding is an error', async () => {
  const r = await runCli(['check-binding', 'test/fixtures/load-parity/folder/acme/acme,broken.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /error: YAML syntax error/);
});

test('a $ref to a whole schema with a trailing slash names that schema, as jsonschema resolves it', () => {
  const head = (id: string) => `%YAML 1.2
---
$id: http://devicetree.org/schemas/panel/${id}.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: ${id}
maintainers:
  - Test Author <test@example.org>
`;
  const lvds = `${head('lvds')}
properties:
  data-mapping: true
additionalProperties: true
`;
  const panel = `${head('panel')}
allOf:
  - $ref: /schemas/panel/lvds.yaml/#
properties:
  compatible:
    const: acme,panel
unevaluatedProperties: false
`;
  const set = compileLoaded([parseBinding('/b/panel/lvds.yaml', lvds), parseBinding('/b/panel/panel.yaml', panel)], nodeSchemaHost(nodeFileHost));
  assert.deepEqual(set.diagnostics.filter((d) => d.check === 'schema_ref'), []);
  const binding = set.get('http://devicetree.org/schemas/panel/panel.yaml#')!;
  assert.deepEqual(set.validate({ $nodename: ['panel'], compatible: ['acme,panel'], 'data-mapping': ['vesa-24'] }, binding), []);
});
