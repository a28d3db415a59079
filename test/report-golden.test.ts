/**
 * Every report format on one fixed set of findings, against golden files:
 * a change to any format shows up as a diff to review.
 */
import { test } from 'node:test';
import { formatGithub } from '../src/report/github.js';
import { formatJson } from '../src/report/json.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { assertGolden, fixtureSourceLine, reportFixture } from './report-fixture.js';

test('golden: text (no colour, with caret lines)', () => {
  const f = reportFixture();
  assertGolden('report.txt', formatText(f.reports, { color: false, sourceLine: fixtureSourceLine(f) }));
});

test('golden: json', () => {
  assertGolden('report.json', formatJson(reportFixture().reports));
});

test('golden: sarif', () => {
  const f = reportFixture();
  assertGolden('report.sarif', formatSarif(f.reports, f.rules, '0.1.0'));
});

test('golden: github workflow commands', () => {
  assertGolden('report.github', formatGithub(reportFixture().reports));
});
