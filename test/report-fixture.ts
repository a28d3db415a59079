/**
 * The fixed findings every report format is tested on
 * (test/fixtures/report/diagnostics.json), and golden-file comparison.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { FileReport } from '../src/report/text.js';
import type { SarifRule } from '../src/report/sarif.js';
import { projectPath } from './helpers.js';

export interface ReportFixture {
  rules: SarifRule[];
  sources: Record<string, string[]>;
  reports: FileReport[];
}

export function reportFixture(): ReportFixture {
  return JSON.parse(readFileSync(projectPath('test/fixtures/report/diagnostics.json'), 'utf8')) as ReportFixture;
}

/** A source-line reader over the fixture's fake sources (for the text report's caret lines). */
export function fixtureSourceLine(fixture: ReportFixture): (file: string, line: number) => string | null {
  return (file, line) => fixture.sources[file]?.[line - 1] ?? null;
}

/** Compare with a golden file; UPDATE_GOLDEN=1 rewrites it instead (then read the diff). */
export function assertGolden(name: string, actual: string): void {
  const path = projectPath(`test/fixtures/report/${name}`);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 to rewrite it)`);
}
