/**
 * Inline suppressions in DTS comments, in the ecosystem's usual shapes:
 *
 *   /* vmgenid-lint-disable-next-line NAME[, NAME] -- reason *\/
 *   // vmgenid-lint-disable-line NAME
 *
 * A finding on that line whose name (or a name folded into it) is listed is
 * not reported. A suppression that names no known finding, or that
 * suppressed nothing, is itself reported, so that stale ones do not pile up.
 */
import type { Diagnostic } from './source/diagnostic.js';
import { isRuleName } from './rules.js';
import { clipEnd, MAX_QUOTED_CHARS, quote } from './source/quote.js';

export interface Directive {
  file: string;
  /** Where the comment is (1-based). */
  line: number;
  col: number;
  endCol: number;
  /** The line whose findings it suppresses. */
  target: number;
  names: string[];
  used: boolean;
}

const MARK = 'vmgenid-lint-disable-';
const MARK_BYTES = Buffer.from(MARK, 'latin1');
const DIRECTIVE = /(\/\/|\/\*)\s*vmgenid-lint-disable-(next-line|line)\b(.*?)(\*\/|$)/g;

/** Whether a source's bytes may hold a directive (most do not: no text is made of them). */
export function mayHoldDirectives(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(MARK_BYTES) >= 0;
}

/** The directives in one source file's text. */
export function findDirectives(file: string, text: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes(MARK)) continue;
    for (const m of line.matchAll(DIRECTIVE)) {
      const body = m[3]!;
      const reasonAt = body.indexOf('--');
      const names = (reasonAt >= 0 ? body.slice(0, reasonAt) : body)
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
      const col = m.index! + 1;
      out.push({ file, line: i + 1, col, endCol: col + m[0].length, target: m[2] === 'next-line' ? i + 2 : i + 1, names, used: false });
    }
  }
  return out;
}

function suppresses(directive: Directive, d: Diagnostic): boolean {
  if (!d.span || d.span.file !== directive.file || d.span.line !== directive.target) return false;
  return directive.names.includes(d.check) || (d.also ?? []).some((n) => directive.names.includes(n));
}

/** The findings no directive suppresses, and what is wrong with the directives themselves. */
export function applySuppressions(diagnostics: readonly Diagnostic[], directives: readonly Directive[]): { kept: Diagnostic[]; reports: Diagnostic[] } {
  if (directives.length === 0) return { kept: [...diagnostics], reports: [] };
  const kept: Diagnostic[] = [];
  const reports: Diagnostic[] = [];
  for (const d of diagnostics) {
    const by = directives.filter((x) => suppresses(x, d));
    for (const x of by) x.used = true;
    if (by.length === 0) kept.push(d);
  }
  for (const x of directives) {
    const span = { file: x.file, line: x.line, col: x.col, endLine: x.line, endCol: x.endCol };
    const unknown = x.names.filter((n) => !isRuleName(n));
    if (x.names.length === 0) {
      reports.push({ severity: 'warning', check: 'unknown_suppression', message: 'a suppression must name the findings it suppresses (vmgenid-lint-disable-next-line NAME[, NAME] -- reason)', span });
    } else if (unknown.length > 0) {
      reports.push({ severity: 'warning', check: 'unknown_suppression', message: `a suppression names ${clipEnd(unknown.map((n) => quote(n)).join(', '), 2 * MAX_QUOTED_CHARS)}, which no finding is called (see vmgenid-lint list-checks)`, span });
    } else if (!x.used) {
      const where = x.target === x.line ? 'this line' : `line ${x.target}`;
      reports.push({ severity: 'warning', check: 'unused_suppression', message: `nothing on ${where} is found by ${x.names.join(', ')}: remove the suppression`, span });
    }
  }
  return { kept, reports };
}
