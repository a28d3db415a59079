/**
 * The text report, compiler style: `file:line:col: severity: message [check]`,
 * then the source line with a caret under the span (and the macro a position
 * came from), then a summary. Colour only when asked (the CLI decides: a
 * terminal, NO_COLOR, FORCE_COLOR). For a blob the node path stands in for a position.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import { capFindings, DEFAULT_CAP, omittedInFile, omittedInRun, severityCounts, type CapLimits, type SeverityCounts } from './cap.js';
import { escapeControls, safeMessage, safeName } from './safe-text.js';

export interface FileReport {
  file: string;
  fatal: boolean;
  diagnostics: Diagnostic[];
  /** Not an input but the run's configuration (bindings that failed to load): not counted as a file. */
  configuration?: boolean;
  /**
   * Findings past MAX_FINDINGS_PER_FILE the linter counted but did not keep
   * (cap.ts): in every count and verdict, never printed.
   */
  dropped?: SeverityCounts;
}

/** How many inputs a run had (problems with its bindings are not an input). */
export function inputCount(reports: readonly FileReport[]): number {
  return reports.filter((r) => !r.configuration).length;
}

export interface TextOptions {
  color: boolean;
  /** The text of a source file, for the caret line; null when unavailable. */
  sourceLine(file: string, line: number): string | null;
  verbose?: boolean;
  /** How many findings are printed (the default: MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_RUN). */
  cap?: CapLimits;
}

const COLORS: Record<Severity, string> = { error: '\x1b[1;31m', warning: '\x1b[1;35m', note: '\x1b[1;36m' };
const BOLD = '\x1b[1m';
const GREEN = '\x1b[1;32m';
const RESET = '\x1b[0m';

function paint(color: boolean, code: string, text: string): string {
  return color ? code + text + RESET : text;
}

function where(d: Diagnostic): string {
  if (d.span) return `${safeName(d.span.file)}:${d.span.line}:${d.span.col}`;
  const parts = [d.file, d.nodePath].filter((p): p is string => Boolean(p)).map((p) => safeName(p));
  // Nothing to point at (a schema that could not be read): name the tool, as compilers do.
  return parts.length > 0 ? parts.join(': ') : 'vmgenid-lint';
}

/** Longest source line shown whole; longer ones are cut to this many characters around the span. */
const MAX_EXCERPT = 200;
const EXCERPT_BEFORE = 60;

/** The source line, and a caret line under the span (tabs kept so the caret lines up). */
function excerpt(d: Diagnostic, options: TextOptions): string[] {
  if (!d.span) return [];
  const text = options.sourceLine(d.span.file, d.span.line);
  if (text === null) return [];
  const start = Math.max(0, Math.min(d.span.col - 1, text.length));
  let end = d.span.endLine === d.span.line ? Math.max(start + 1, Math.min(d.span.endCol - 1, text.length)) : text.length;
  // A long line is shown as a window around the span: each finding costs a few lines, not a copy of the line.
  const from = text.length > MAX_EXCERPT ? Math.max(0, start - EXCERPT_BEFORE) : 0;
  const to = text.length > MAX_EXCERPT ? Math.min(text.length, from + MAX_EXCERPT) : text.length;
  end = Math.min(end, Math.max(to, start + 1));
  const before = from > 0 ? '…' : '';
  // Escaped as shown (tabs kept), the caret measured on the escaped text so that it still lines up.
  const shown = (a: number, b: number) => escapeControls(text.slice(a, b), '\t');
  const pad = (before + shown(from, start)).replace(/[^\t]/g, ' ');
  const marks = '^' + '~'.repeat(Math.max(0, shown(start, end).length - 1));
  return [`  ${before}${shown(from, to)}${to < text.length ? '…' : ''}`, `  ${pad}${paint(options.color, GREEN, marks)}`];
}

export function formatDiagnosticText(d: Diagnostic, options: TextOptions): string {
  const head = `${paint(options.color, BOLD, where(d) + ':')} ${paint(options.color, COLORS[d.severity], d.severity + ':')} ${safeMessage(d.message)} [${checkNames(d)}]`;
  const lines = [head];
  if (d.nodePath && d.span) lines.push(`  in ${safeName(d.nodePath)}${d.bindingId ? ` (${safeName(d.bindingId)})` : ''}`);
  if (d.span?.macro) lines.push(`  (from the expansion of macro '${safeName(d.span.macro)}')`);
  if (options.verbose && d.detail) lines.push(`  ${safeMessage(d.detail)}`);
  lines.push(...excerpt(d, options));
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatText(reports: readonly FileReport[], options: TextOptions): string {
  const out: string[] = [];
  // The counts are of every finding; only the printing is capped.
  const { error: errors, warning: warnings, note: notes } = severityCounts(reports);
  const limits = options.cap ?? DEFAULT_CAP;
  const capped = capFindings(reports, limits);
  for (const r of capped.reports) {
    for (const d of r.diagnostics) out.push(formatDiagnosticText(d, options));
    // A file cut short says so where its findings end; one cut out whole is in the run's count.
    if (r.omitted > 0 && r.diagnostics.length > 0) out.push(`${paint(options.color, BOLD, safeName(r.file) + ':')} ${paint(options.color, COLORS.note, 'note:')} ${omittedInFile(r.omitted, limits)}`);
  }
  if (capped.omitted > 0) out.push(`${paint(options.color, BOLD, 'vmgenid-lint:')} ${paint(options.color, COLORS.note, 'note:')} ${omittedInRun(capped.omitted, limits)}`);
  const unreadable = reports.filter((r) => r.fatal && !r.configuration).length;
  const badConfiguration = reports.some((r) => r.fatal && r.configuration);
  const summary = [plural(errors, 'error'), plural(warnings, 'warning'), plural(notes, 'note')].join(', ');
  out.push(`${summary} in ${plural(inputCount(reports), 'file')}${unreadable ? ` (${unreadable} could not be read or compiled)` : ''}${badConfiguration ? ' (some bindings could not be loaded)' : ''}`);
  return out.join('\n') + '\n';
}

/** The finding's check and the checks folded into it, as the text report names them. */
export function checkNames(d: Diagnostic): string {
  // Check names are the tool's own, but a user schema's keywords and a suppression's name come from input.
  return safeName(d.also && d.also.length > 0 ? [d.check, ...d.also].join(', ') : d.check);
}
