import type { Diagnostic } from '../source/diagnostic.js';
import { checkNames } from '../report/text.js';
import { safeMessage, safeName } from '../report/safe-text.js';

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
