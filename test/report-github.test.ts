/**
 * The `github` report: workflow commands the Actions runner turns into
 * annotations, with the runner's escaping.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeData, escapeProperty, formatGithub } from '../src/report/github.js';
import type { Diagnostic } from '../src/source/diagnostic.js';

function one(d: Diagnostic, file = 'board.dts'): string {
  return formatGithub([{ file, fatal: false, diagnostics: [d] }]);
}

test('github: escaping as the runner decodes it (data: % CR LF; properties also : and ,)', () => {
  assert.equal(escapeData('100% done\r\nnext: a, b'), '100%25 done%0D%0Anext: a, b');
  assert.equal(escapeProperty('a:b,c%d\n'), 'a%3Ab%2Cc%25d%0A');
  // % first: an escape's own % is never escaped again.
  assert.equal(escapeData('%0A'), '%250A');
});

test('github: severities map to error, warning and notice', () => {
  const at = { file: 'board.dts', line: 2, col: 3, endLine: 2, endCol: 6 };
  assert.match(one({ severity: 'error', check: 'c', message: 'm', span: at }), /^::error /);
  assert.match(one({ severity: 'warning', check: 'c', message: 'm', span: at }), /^::warning /);
  assert.match(one({ severity: 'note', check: 'c', message: 'm', span: at }), /^::notice /);
});

test('github: a one-line span gives line, col, endLine and an inclusive endColumn', () => {
  const out = one({ severity: 'error', check: 'reg_format', message: 'bad reg', span: { file: 'dts/board.dts', line: 7, col: 3, endLine: 7, endCol: 9 } });
  assert.equal(out, '::error file=dts/board.dts,line=7,col=3,endLine=7,endColumn=8,title=vmgenid-lint reg_format::bad reg\n');
});

test('github: a multi-line span leaves the columns out (the annotations API refuses them)', () => {
  const out = one({ severity: 'error', check: 'c', message: 'm', span: { file: 'a.dts', line: 4, col: 2, endLine: 9, endCol: 4 } });
  assert.equal(out, '::error file=a.dts,line=4,endLine=9,title=vmgenid-lint c::m\n');
});

test('github: a blob finding names the file and puts the node path in the message', () => {
  const out = one({ severity: 'warning', check: 'c', message: 'm', file: 'fw\\guest.dtb', nodePath: '/soc/vmgenid@0', property: 'reg' }, 'fw\\guest.dtb');
  assert.equal(out, '::warning file=fw/guest.dtb,title=vmgenid-lint c::/soc/vmgenid@0: reg: m\n');
});

test('github: file names and messages with reserved characters stay one command', () => {
  const out = one({ severity: 'error', check: 'syntax', message: 'line one\nline: two, 50%', span: { file: 'a,b:c.dts', line: 1, col: 1, endLine: 1, endCol: 2 } });
  assert.equal(out, '::error file=a%2Cb%3Ac.dts,line=1,col=1,endLine=1,endColumn=1,title=vmgenid-lint syntax::line one%0Aline: two, 50%25\n');
  assert.equal(out.split('\n').length, 2);
});

test('github: no findings, no output', () => {
  assert.equal(formatGithub([{ file: 'a.dts', fatal: false, diagnostics: [] }]), '');
});
