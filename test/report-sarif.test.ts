/**
 * The SARIF report: valid against the SARIF 2.1.0 JSON schema, and shaped
 * the way GitHub code scanning reads it (rules with help, relative artifact
 * URIs with %SRCROOT%, regions, logical locations for blob findings).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { artifactLocation, formatSarif } from '../src/report/sarif.js';
import type { FileReport } from '../src/report/text.js';
import { projectPath } from './helpers.js';
import { reportFixture } from './report-fixture.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

let validator: ValidateFunction | null = null;
function validateSarif(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(projectPath('test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
    // unicodeRegExp: false — see test/fixtures/sarif/README.md (a pattern in the schema is not valid with /u).
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

function assertValid(log: unknown): void {
  const validate = validateSarif();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: Array<Record<string, any>> } };
    results: Array<Record<string, any>>;
  }>;
}

function sarifOf(reports: FileReport[], rules = reportFixture().rules): SarifLog {
  return JSON.parse(formatSarif(reports, rules, '1.2.3')) as SarifLog;
}

test('sarif: the schema validator rejects a broken log (the test can fail)', () => {
  const validate = validateSarif();
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false, 'a run without a tool');
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), false, 'a bad level');
});

test('sarif: the fixture findings validate against the SARIF 2.1.0 schema', () => {
  const f = reportFixture();
  assertValid(JSON.parse(formatSarif(f.reports, f.rules, '0.1.0')));
  assertValid(JSON.parse(formatSarif(f.reports, f.rules, '0.1.0', { root: '/work/repo' })));
});

test('sarif: a clean run is a valid log with rules and no results', () => {
  const log = sarifOf([{ file: 'a.dts', fatal: false, diagnostics: [] }]);
  assertValid(log);
  assert.deepEqual(log.runs[0]!.results, []);
  assert.equal(log.runs[0]!.tool.driver.rules.length, 3);
});

test('sarif: tool, rules and results in the shape code scanning reads', () => {
  const log = sarifOf(reportFixture().reports);
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  const driver = log.runs[0]!.tool.driver;
  assert.equal(driver.name, 'vmgenid-lint');
  assert.equal(driver.version, '1.2.3');
  assert.match(driver.informationUri, /^https:\/\//);
  const rule = driver.rules[0]!;
  assert.equal(rule.id, 'schema_required');
  assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text);
  assert.equal(rule.defaultConfiguration.level, 'error');
  // Each result's ruleIndex points at its rule.
  for (const r of log.runs[0]!.results) assert.equal(driver.rules[r.ruleIndex]!.id, r.ruleId);
  const levels = log.runs[0]!.results.map((r) => r.level);
  assert.deepEqual(levels, ['error', 'warning', 'note', 'error', 'error', 'error']);
});

test('sarif: checks not in the rule list get a generic rule, once', () => {
  const d = { severity: 'warning' as const, check: 'new_check', message: 'm', file: 'a.dtb' };
  const log = sarifOf([{ file: 'a.dtb', fatal: false, diagnostics: [d, d] }], []);
  assertValid(log);
  const rules = log.runs[0]!.tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), ['new_check']);
  assert.equal(rules[0]!.defaultConfiguration.level, 'warning');
  assert.ok(rules[0]!.help.text.length > 0);
  assert.deepEqual(log.runs[0]!.results.map((r) => r.ruleIndex), [0, 0]);
});

test('sarif: a source finding has a relative artifact under %SRCROOT% and a region (endColumn exclusive, as our spans)', () => {
  const log = sarifOf(reportFixture().reports);
  const loc = log.runs[0]!.results[1]!.locations[0].physicalLocation;
  assert.deepEqual(loc.artifactLocation, { uri: 'boards/board.dts', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(loc.region, { startLine: 6, startColumn: 3, endLine: 6, endColumn: 28 });
});

test('sarif: a blob finding has the artifact without a region and the node as a logical location', () => {
  const log = sarifOf(reportFixture().reports);
  const result = log.runs[0]!.results[3]!;
  const loc = result.locations[0];
  assert.deepEqual(loc.physicalLocation, { artifactLocation: { uri: 'firmware/guest,v2.dtb', uriBaseId: '%SRCROOT%' } });
  assert.deepEqual(loc.logicalLocations, [{ name: 'vmgenid@bfff0000', fullyQualifiedName: '/vmgenid@bfff0000', kind: 'object' }]);
  assert.equal(result.properties.property, 'interrupts');
});

test('sarif: paths become URI references: forward slashes, relative to the root, odd characters encoded', () => {
  assert.deepEqual(artifactLocation('.\\dts\\board.dts'), { uri: 'dts/board.dts', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('/repo/dts/a b#1.dts', { root: '/repo/' }), { uri: 'dts/a%20b%231.dts', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('/elsewhere/x.dts', { root: '/repo' }), { uri: 'file:///elsewhere/x.dts' });
  assert.deepEqual(artifactLocation('C:\\fw\\x.dts'), { uri: 'file:///C:/fw/x.dts' });
  assert.deepEqual(artifactLocation('<stdin>'), { uri: '%3Cstdin%3E', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('a:b.dts'), { uri: 'a%3Ab.dts', uriBaseId: '%SRCROOT%' });
  const log = JSON.parse(formatSarif([{ file: '/repo/x.dts', fatal: false, diagnostics: [] }], [], '1.0.0', { root: '/repo' })) as Record<string, any>;
  assert.deepEqual(log.runs[0].originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///repo/' } });
});

test('sarif: a span that ends before it starts still gives a valid region', () => {
  const d = { severity: 'error' as const, check: 'x', message: 'm', span: { file: 'a.dts', line: 3, col: 5, endLine: 3, endCol: 5 } };
  const log = sarifOf([{ file: 'a.dts', fatal: false, diagnostics: [d] }], []);
  assertValid(log);
  assert.deepEqual(log.runs[0]!.results[0]!.locations[0].physicalLocation.region, { startLine: 3, startColumn: 5, endLine: 3, endColumn: 6 });
});
