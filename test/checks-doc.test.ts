/**
 * docs/checks.md is generated (scripts/checks-doc.ts) from the CHECKS table
 * and the fail-/pass- fixtures: this fails when the page is not what the
 * script renders now, so the docs never drift from the checks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CHECKS } from '../src/checks/index.js';
import { CHECKS_DOC, REGENERATE, renderChecksDoc } from '../scripts/checks-doc.js';
import { projectPath } from './helpers.js';

test(`${CHECKS_DOC} is what scripts/checks-doc.ts renders from the checks and their fixtures`, () => {
  const rendered = renderChecksDoc();
  let current: string | null = null;
  try {
    current = readFileSync(projectPath(CHECKS_DOC), 'utf8');
  } catch {
    assert.fail(`${CHECKS_DOC} is missing; generate it with: ${REGENERATE}`);
  }
  if (current !== rendered) {
    // Say where it first differs, then how to fix it (a whole-page diff would bury that).
    const a = current.split('\n');
    const b = rendered.split('\n');
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line++;
    assert.fail(
      `${CHECKS_DOC} is out of date (first difference at line ${line + 1}:\n` +
        `  in the file:   ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
        `  rendered now:  ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
        `); regenerate it with: ${REGENERATE}`,
    );
  }
});

test('the page has every check, with its failing report and its passing twin', () => {
  const page = renderChecksDoc();
  for (const c of CHECKS) {
    const start = page.indexOf(`\n## ${c.name}\n`);
    assert.ok(start >= 0, `no section for ${c.name}`);
    const end = page.indexOf('\n## ', start + 1);
    const section = page.slice(start, end < 0 ? undefined : end);
    assert.ok(section.includes(c.docs), `${c.name}: the rationale`);
    assert.match(section, /### Failing: [\s\S]*```dts\n[\s\S]*```text\n[\s\S]*### Passing: [\s\S]*```dts\n/, `${c.name}: failing, report, passing`);
    assert.ok(section.includes(`[${c.name}]\n`), `${c.name}: the report shows the check's own finding`);
  }
  assert.match(page, /## Other findings[\s\S]*schema_\*[\s\S]*binding_\*/);
});
