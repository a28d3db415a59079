/**
 * The `github` report: GitHub Actions workflow commands, one per finding,
 * which the runner turns into annotations on the pull request's diff:
 *
 *   ::error file=board.dts,line=3,col=5,endLine=3,endColumn=9,title=reg_format::message
 *
 * Errors are `error`, warnings `warning`, notes `notice`. A blob finding has
 * no line: the annotation names the file and the message starts with the node path.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import { checkNames, type FileReport } from './text.js';
import { gatherOncePerRun, ONCE_PER_RUN } from './once-per-run.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** The message part (after `::`): the runner decodes these three, so they must be encoded. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which would otherwise end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Forward slashes and no leading `./`: annotations match paths relative to the repository root. */
function annotationPath(path: string): string {
  let p = path.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/**
 * The command's properties: file, line, col, endLine, endColumn, title.
 * Columns only when the span is on one line: the annotations API rejects them
 * otherwise. `endColumn` is inclusive there (the last character), where our
 * `endCol` is one past it.
 */
function properties(d: Diagnostic, reportFile: string): [string, string][] {
  const props: [string, string][] = [['file', annotationPath(d.span?.file ?? d.file ?? reportFile)]];
  const s = d.span;
  if (s) {
    const oneLine = s.endLine <= s.line;
    props.push(['line', String(s.line)]);
    if (oneLine) props.push(['col', String(s.col)]);
    props.push(['endLine', String(Math.max(s.line, s.endLine))]);
    if (oneLine) props.push(['endColumn', String(Math.max(s.col, s.endCol - 1))]);
  }
  props.push(['title', `vmgenid-lint ${checkNames(d)}`]);
  return props;
}

/** The annotation text: the message, and where in the tree (all a blob finding has for a position). */
function messageText(d: Diagnostic): string {
  if (!d.nodePath) return d.message;
  const where = d.property ? `${d.nodePath}: ${d.property}` : d.nodePath;
  return d.span ? `${d.message} (${where})` : `${where}: ${d.message}`;
}

export function formatGithubDiagnostic(d: Diagnostic, reportFile: string): string {
  const props = properties(d, reportFile)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${COMMAND[d.severity]} ${props}::${escapeData(messageText(d))}`;
}

export function formatGithub(all: readonly FileReport[]): string {
  const lines: string[] = [];
  const { reports, summary } = gatherOncePerRun(all);
  for (const r of reports) for (const d of r.diagnostics) lines.push(formatGithubDiagnostic(d, r.file));
  if (summary) lines.push(`::notice title=${escapeProperty(`vmgenid-lint ${ONCE_PER_RUN}`)}::${escapeData(summary)}`);
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
