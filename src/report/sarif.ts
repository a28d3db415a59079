/**
 * The SARIF 2.1.0 report, shaped for GitHub code scanning: one run, the
 * checks as rules (with help text), each finding as a result located by an
 * artifact (a path relative to `%SRCROOT%`, the repository root) and a region.
 * A blob has no lines, so its findings carry the artifact alone plus a
 * logical location naming the node.
 *
 * Columns map one to one: our spans are 1-based with `endCol` one past the
 * last character, which is exactly SARIF's `endColumn`.
 *
 * At most MAX_FINDINGS_PER_FILE results of a file and MAX_FINDINGS_PER_RUN in
 * all (cap.ts); how many were left out is said in the invocation's
 * notifications. Text from the input is escaped and bounded (safe-text.ts);
 * artifact URIs are percent-encoded, which leaves no control character either.
 */
import { gatherOncePerRun, ONCE_PER_RUN } from './once-per-run.js';
import { capFindings, DEFAULT_CAP, omittedInFile, omittedInRun, type CapLimits } from './cap.js';
import { safeMessage, safeName } from './safe-text.js';
import { clipMiddle } from '../source/quote.js';
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import type { Span } from '../source/span.js';
import type { FileReport } from './text.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
export const TOOL_NAME = 'vmgenid-lint';
export const TOOL_INFORMATION_URI = 'https://www.npmjs.com/package/vmgenid-lint';

/** What the report needs to know about a check. */
export interface SarifRule {
  id: string;
  description: string;
  help?: string;
  /** The severity the check reports at; SARIF's default (`warning`) when not given. */
  level?: Severity;
}

export interface SarifOptions {
  /**
   * The folder `%SRCROOT%` stands for (normally the working directory): absolute
   * paths below it are made relative, and it is recorded in `originalUriBaseIds`.
   * Left out, paths are used as given (which keeps the output machine-independent).
   */
  root?: string;
  /** How many results are listed (the default: MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_RUN). */
  cap?: CapLimits;
}

type Json = Record<string, unknown>;

/** The notification's id for findings a report left out. */
const OMITTED = 'findings_omitted';

/** Severity to SARIF level: the names happen to match. */
function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity;
}

/** A path with forward slashes and no leading `./`, as GitHub matches paths. */
export function slashPath(path: string): string {
  let p = path.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/**
 * A path as a URI reference: what a URI cannot hold (spaces, `%`, `<stdin>`'s
 * brackets) percent-encoded, and `?`, `#` and `:` too, which would otherwise
 * start a query, a fragment or look like a scheme. Commas and the like stay.
 */
function encodePath(path: string): string {
  // encodeURI throws on half a surrogate pair; a name never has one, but a report must not fail over it.
  return encodeURI(path.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')).replace(/[?#:]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A `file://` URI for an absolute path (a Windows drive letter keeps its colon). */
function fileUri(path: string): string {
  return 'file://' + (path.startsWith('/') ? '' : '/') + encodePath(path).replace(/^([A-Za-z])%3A/, '$1:');
}

/** The folder `%SRCROOT%` stands for, with forward slashes and one trailing slash. */
function rootFolder(root: string): string {
  return slashPath(root).replace(/\/*$/, '/');
}

/**
 * The artifactLocation for a file: relative paths (the usual case: the CLI is
 * run from the repository root) are relative to `%SRCROOT%`; absolute paths
 * outside `root` stay absolute as `file://` URIs (upload-sarif relativizes
 * those against its `checkout_path`).
 */
export function artifactLocation(file: string, options: SarifOptions = {}): Json {
  // Cut to its shown length (middle ellipsis): a name from a line marker may be 100 KB, in every result.
  let p = slashPath(clipMiddle(file));
  const root = options.root === undefined ? undefined : rootFolder(options.root);
  if (root && p.startsWith(root)) p = p.slice(root.length);
  if (isAbsolute(p)) {
    return { uri: fileUri(p) };
  }
  return { uri: encodePath(p), uriBaseId: '%SRCROOT%' };
}

/** A region from a span, never inverted (SARIF requires end ≥ start). */
function region(span: Span): Json {
  const endLine = Math.max(span.line, span.endLine);
  const endColumn = endLine === span.line ? Math.max(span.col + 1, span.endCol) : Math.max(1, span.endCol);
  return { startLine: Math.max(1, span.line), startColumn: Math.max(1, span.col), endLine, endColumn };
}

function ruleJson(rule: SarifRule): Json {
  const help = rule.help ?? rule.description;
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: help },
    defaultConfiguration: { level: level(rule.level ?? 'warning') },
  };
}

/** A rule for a check the caller did not describe (input errors, a new check): still a valid, named rule. */
function genericRule(id: string, severity: Severity): SarifRule {
  return { id, description: `vmgenid-lint finding: ${id}`, help: `Reported by the '${id}' check of vmgenid-lint.`, level: severity };
}

/** The node a finding is about, as a logical location (the only location a blob has below the file). */
function logicalLocation(d: Diagnostic): Json | null {
  if (!d.nodePath) return null;
  const name = d.nodePath === '/' ? '/' : d.nodePath.slice(d.nodePath.lastIndexOf('/') + 1);
  return { name: safeName(name), fullyQualifiedName: safeName(d.nodePath), kind: 'object' };
}

function location(d: Diagnostic, reportFile: string, options: SarifOptions): Json {
  const file = d.span?.file ?? d.file ?? reportFile;
  const physical: Json = { artifactLocation: artifactLocation(file, options) };
  if (d.span) physical.region = region(d.span);
  const out: Json = { physicalLocation: physical };
  const logical = logicalLocation(d);
  if (logical) out.logicalLocations = [logical];
  return out;
}

/** What we know beyond the message, in the result's property bag (tools and humans reading the raw file). */
function resultProperties(d: Diagnostic): Json | null {
  const props: Json = {};
  if (d.nodePath) props.node = safeName(d.nodePath);
  if (d.property) props.property = safeName(d.property);
  if (d.bindingId) props.binding = safeName(d.bindingId);
  if (d.span?.macro) props.macro = safeName(d.span.macro);
  if (d.also) props.also = d.also.map((c) => safeName(c));
  return Object.keys(props).length > 0 ? props : null;
}

export function formatSarif(
  all: readonly FileReport[],
  rules: readonly SarifRule[],
  toolVersion: string,
  options: SarifOptions = {},
): string {
  // "No vmgenid node" as a note is one notification for the run, not a code-scanning alert per file.
  const { reports: gathered, summary } = gatherOncePerRun(all);
  const limits = options.cap ?? DEFAULT_CAP;
  const capped = capFindings(gathered, limits);
  const notifications: Json[] = [];
  const allRules: SarifRule[] = [];
  const index = new Map<string, number>();
  const addRule = (rule: SarifRule) => {
    if (index.has(rule.id)) return;
    index.set(rule.id, allRules.length);
    allRules.push(rule);
  };
  for (const rule of rules) addRule(rule);

  const results: Json[] = [];
  for (const report of capped.reports) {
    for (const d of report.diagnostics) {
      // The tool's checks have plain names; a user schema's keyword or a suppression's may not.
      const ruleId = safeName(d.check);
      addRule(genericRule(ruleId, d.severity));
      const result: Json = {
        ruleId,
        ruleIndex: index.get(ruleId)!,
        level: level(d.severity),
        message: { text: safeMessage(d.message) },
        locations: [location(d, report.file, options)],
      };
      const props = resultProperties(d);
      if (props) result.properties = props;
      results.push(result);
    }
    if (report.omitted > 0 && report.diagnostics.length > 0) {
      notifications.push({ level: 'note', message: { text: omittedInFile(report.omitted, limits) }, descriptor: { id: OMITTED }, locations: [{ physicalLocation: { artifactLocation: artifactLocation(report.file, options) } }] });
    }
  }
  if (capped.omitted > 0) notifications.push({ level: 'note', message: { text: omittedInRun(capped.omitted, limits) }, descriptor: { id: OMITTED } });
  if (summary) notifications.push({ level: 'note', message: { text: summary }, descriptor: { id: ONCE_PER_RUN } });

  const run: Json = {
    tool: {
      driver: {
        name: TOOL_NAME,
        version: toolVersion,
        semanticVersion: /^\d+\.\d+\.\d+/.test(toolVersion) ? toolVersion : undefined,
        informationUri: TOOL_INFORMATION_URI,
        rules: allRules.map(ruleJson),
      },
    },
  };
  if (options.root !== undefined) {
    run.originalUriBaseIds = { '%SRCROOT%': { uri: fileUri(rootFolder(options.root)) } };
  }
  run.results = results;
  if (notifications.length > 0) run.invocations = [{ executionSuccessful: true, toolExecutionNotifications: notifications }];

  const log = { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
  return JSON.stringify(log, null, 2) + '\n';
}
