/**
 * The JSON report, version 1: a stable shape for tools.
 *
 * { "version": 1, "tool": "vmgenid-lint",
 *   "files": [ { "file", "fatal", "omitted"?, "diagnostics": [
 *       { "severity", "check", "message", "file",
 *         "span": { "line", "column", "endLine", "endColumn", "macro"? },
 *         "node", "property", "binding" } ] } ],
 *   "summary": { "errors", "warnings", "notes", "files", "omitted"? } }
 *
 * `span` (1-based; `endColumn` one past the last character) is present only when known: a
 * blob has none, and `node` locates the finding. Optional fields are left out, never null.
 *
 * At most MAX_FINDINGS_PER_FILE findings of a file and MAX_FINDINGS_PER_RUN
 * in all are listed (cap.ts): a file's `omitted` and the summary's say how
 * many were left out (present only when some were), and the summary's
 * counts are of every finding. Text from the input has its controls
 * escaped and its length bounded (safe-text.ts), as in every format: a
 * `jq -r` reader prints no raw escape sequence.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import { inputCount, type FileReport } from './text.js';
import { capFindings, DEFAULT_CAP, severityCounts, type CapLimits } from './cap.js';
import { safeMessage, safeName } from './safe-text.js';

export const JSON_REPORT_VERSION = 1;

function diagnosticJson(d: Diagnostic, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: d.severity, check: safeName(d.check), message: safeMessage(d.message), file: safeName(d.span?.file ?? d.file ?? file) };
  if (d.span) {
    const span: Record<string, unknown> = { line: d.span.line, column: d.span.col, endLine: d.span.endLine, endColumn: d.span.endCol };
    if (d.span.macro) span.macro = safeName(d.span.macro);
    out.span = span;
  }
  if (d.nodePath) out.node = safeName(d.nodePath);
  if (d.property) out.property = safeName(d.property);
  if (d.bindingId) out.binding = safeName(d.bindingId);
  if (d.also) out.also = d.also.map((c) => safeName(c));
  return out;
}

export function formatJson(reports: readonly FileReport[], limits: CapLimits = DEFAULT_CAP): string {
  const counts = severityCounts(reports);
  const capped = capFindings(reports, limits);
  const files = capped.reports.map((r) => {
    const out: Record<string, unknown> = { file: safeName(r.file), fatal: r.fatal, diagnostics: r.diagnostics.map((d) => diagnosticJson(d, r.file)) };
    if (r.omitted > 0) out.omitted = r.omitted;
    return out;
  });
  const summary: Record<string, unknown> = { errors: counts.error, warnings: counts.warning, notes: counts.note, files: inputCount(reports) };
  if (capped.omitted > 0) summary.omitted = capped.omitted;
  return (
    JSON.stringify(
      {
        version: JSON_REPORT_VERSION,
        tool: 'vmgenid-lint',
        files,
        summary,
      },
      null,
      2,
    ) + '\n'
  );
}
