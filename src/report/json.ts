/**
 * The JSON report, version 1: a stable shape for tools.
 *
 * { "version": 1, "tool": "vmgenid-lint",
 *   "files": [ { "file", "fatal", "diagnostics": [
 *       { "severity", "check", "message", "file",
 *         "span": { "line", "column", "endLine", "endColumn", "macro"? },
 *         "node", "property", "binding" } ] } ],
 *   "summary": { "errors", "warnings", "notes", "files" } }
 *
 * `span` (1-based; `endColumn` one past the last character) is present only when known: a
 * blob has none, and `node` locates the finding. Optional fields are left out, never null.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import { inputCount, type FileReport } from './text.js';

export const JSON_REPORT_VERSION = 1;

function diagnosticJson(d: Diagnostic, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: d.severity, check: d.check, message: d.message, file: d.span?.file ?? d.file ?? file };
  if (d.span) {
    const span: Record<string, unknown> = { line: d.span.line, column: d.span.col, endLine: d.span.endLine, endColumn: d.span.endCol };
    if (d.span.macro) span.macro = d.span.macro;
    out.span = span;
  }
  if (d.nodePath) out.node = d.nodePath;
  if (d.property) out.property = d.property;
  if (d.bindingId) out.binding = d.bindingId;
  if (d.also) out.also = d.also;
  return out;
}

export function formatJson(reports: readonly FileReport[]): string {
  const all = reports.flatMap((r) => r.diagnostics);
  const count = (s: string) => all.filter((d) => d.severity === s).length;
  return (
    JSON.stringify(
      {
        version: JSON_REPORT_VERSION,
        tool: 'vmgenid-lint',
        files: reports.map((r) => ({ file: r.file, fatal: r.fatal, diagnostics: r.diagnostics.map((d) => diagnosticJson(d, r.file)) })),
        summary: { errors: count('error'), warnings: count('warning'), notes: count('note'), files: inputCount(reports) },
      },
      null,
      2,
    ) + '\n'
  );
}
