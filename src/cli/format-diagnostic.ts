import type { Diagnostic } from '../source/diagnostic.js';
import { checkNames } from '../report/text.js';

/** `file:line:col: severity: message [check]`, the form editors and CI annotate. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.span
    ? `${d.span.file}:${d.span.line}:${d.span.col}: `
    : [d.file, d.nodePath].filter(Boolean).map((part) => `${part}: `).join('');
  return `${where}${d.severity}: ${d.message} [${checkNames(d)}]`;
}
