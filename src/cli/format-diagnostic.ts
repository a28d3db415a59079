import type { Diagnostic } from '../source/diagnostic.js';
import { checkNames } from '../report/text.js';
import { safeMessage, safeName } from '../report/safe-text.js';
import { MAX_FINDINGS_PER_FILE } from '../report/cap.js';
import type { CliIo } from './io.js';

/**
 * `file:line:col: severity: message [check]`, the form editors and CI annotate.
 * Names and the message as every report shows them: bounded, controls escaped.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.span
    ? `${safeName(d.span.file)}:${d.span.line}:${d.span.col}: `
    : [d.file, d.nodePath].filter((p): p is string => Boolean(p)).map((part) => `${safeName(part)}: `).join('');
  return `${where}${d.severity}: ${safeMessage(d.message)} [${checkNames(d)}]`;
}

/**
 * The diagnostics of one input on standard error, one line each, at most
 * MAX_FINDINGS_PER_FILE of them (as a report prints): a blob repeating one
 * name a million times must not print a million lines. Errors come first
 * when some are left out, so the reason for the exit code is always shown.
 */
export function writeDiagnostics(io: Pick<CliIo, 'stderr'>, diagnostics: readonly Diagnostic[], as?: Diagnostic['severity']): void {
  const shown = diagnostics.length <= MAX_FINDINGS_PER_FILE ? diagnostics : [...diagnostics].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error')).slice(0, MAX_FINDINGS_PER_FILE);
  for (const d of shown) io.stderr(formatDiagnostic(as ? { ...d, severity: as } : d) + '\n');
  const more = diagnostics.length - shown.length;
  if (more > 0) io.stderr(`(${more} more diagnostic${more === 1 ? '' : 's'} not shown)\n`);
}
