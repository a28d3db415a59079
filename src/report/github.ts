/**
 * The `github` report: GitHub Actions workflow commands, one per finding,
 * which the runner turns into annotations on the pull request's diff:
 *
 *   ::error file=board.dts,line=3,col=5,endLine=3,endColumn=9,title=reg_format::message
 *
 * Errors are `error`, warnings `warning`, notes `notice`. A blob finding has
 * no line: the annotation names the file and the message starts with the node path.
 *
 * Text from the input is made safe first (controls escaped, lengths bounded:
 * safe-text.ts), keeping CR and LF, which the runner's own encoding below
 * carries as `%0D`/`%0A`: no byte of a message or file name can end the
 * command's line, so none can start a forged `::error` of its own.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import { checkNames, type FileReport } from './text.js';
import { gatherOncePerRun, ONCE_PER_RUN } from './once-per-run.js';
import { capFindings, DEFAULT_CAP, omittedInFile, omittedInRun, type CapLimits } from './cap.js';
import { safeMessage, safeName } from './safe-text.js';
import { clipMiddle } from '../source/quote.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** CR and LF are left to the runner's encoding (a multi-line annotation); every other control is escaped. */
const LINE_BREAKS = '\r\n';

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
  // Cut to its shown length first: a 100 KB name is not rewritten whole for every finding.
  let p = clipMiddle(path).replace(/\\/g, '/');
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
  const props: [string, string][] = [['file', safeName(annotationPath(d.span?.file ?? d.file ?? reportFile), LINE_BREAKS)]];
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
  const message = safeMessage(d.message, LINE_BREAKS);
  if (!d.nodePath) return message;
  const node = safeName(d.nodePath, LINE_BREAKS);
  const where = d.property ? `${node}: ${safeName(d.property, LINE_BREAKS)}` : node;
  return d.span ? `${message} (${where})` : `${where}: ${message}`;
}

export function formatGithubDiagnostic(d: Diagnostic, reportFile: string): string {
  const props = properties(d, reportFile)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${COMMAND[d.severity]} ${props}::${escapeData(messageText(d))}`;
}

/** A note of the tool's own (not about a finding), as a notice; with the file it is about, when there is one. */
function notice(title: string, text: string, file?: string): string {
  const where = file === undefined ? '' : `file=${escapeProperty(safeName(annotationPath(file), LINE_BREAKS))},`;
  return `::notice ${where}title=${escapeProperty(title)}::${escapeData(text)}`;
}

export function formatGithub(all: readonly FileReport[], limits: CapLimits = DEFAULT_CAP): string {
  const lines: string[] = [];
  const { reports, summary } = gatherOncePerRun(all);
  const capped = capFindings(reports, limits);
  for (const r of capped.reports) {
    for (const d of r.diagnostics) lines.push(formatGithubDiagnostic(d, r.file));
    if (r.omitted > 0 && r.diagnostics.length > 0) lines.push(notice('vmgenid-lint', omittedInFile(r.omitted, limits), r.file));
  }
  if (capped.omitted > 0) lines.push(notice('vmgenid-lint', omittedInRun(capped.omitted, limits)));
  if (summary) lines.push(notice(`vmgenid-lint ${ONCE_PER_RUN}`, summary));
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
