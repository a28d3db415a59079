/**
 * The default command: lint files, folders and standard input, report in the
 * chosen format, and turn the findings into an exit code.
 */
import { readdirSync, statSync } from 'node:fs';
import { isReadableEntry } from '../source/folder-entry.js';
import { dirname, join } from 'node:path';
import { isRuleName } from '../rules.js';
import { ConfigError, findConfigFile, ignoredBy, loadConfig, type LintConfig } from './config.js';
import type { SchemaSet } from '../schema/schema-set.js';
import type { Directive } from '../suppressions.js';
import { DEFAULT_LEXED_BUDGET, LexedFiles } from '../cpp/index.js';
import type { BaseInput } from '../lint.js';
import { CHECKS, RULE_SETTINGS, type RuleSetting } from '../checks/index.js';
import { isDeviceTreeFolder } from '../dtb/fs-read.js';
import { formatGithub } from '../report/github.js';
import { formatSarif, type SarifRule } from '../report/sarif.js';
import { packageVersion } from './version.js';
import { nodeSchemaHost } from '../schema/host.js';
import { loadSchemaSet } from '../schema/load-set.js';
import { cacheRoot } from '../schema/binding-cache.js';
import { nodeFileHost, bytesToLatin1 } from '../source/host.js';
import { includeFence, IncludeReads, outsideFenceOf, regularFileHost } from '../source/include-policy.js';
import type { Diagnostic } from '../source/diagnostic.js';
import { formatJson } from '../report/json.js';
import { formatText, type FileReport } from '../report/text.js';
import { errorsOnly, severityCounts } from '../report/cap.js';
import { safeMessage, safeName } from '../report/safe-text.js';
import { ExitCode } from './exit-codes.js';
import { sameFile, type CliIo } from './io.js';
import { writeOutputSaying } from './output-file.js';
import { ReadRecord, refuseOutputOverRead } from './read-record.js';
import { readInput, type SourceOptions } from './source-options.js';
import { lintInput, schemasReport, type InputTask, type LintContext } from './lint-input.js';
import { lintWithWorkers, parseJobs, sortedCompileProblems } from './lint-jobs.js';
import { kernelTree } from './kernel-tree.js';

export interface LintCommandOptions extends SourceOptions {
  schema: string[];
  /** `--override-schema`: a --schema file may take a built-in schema's `$id` and replace it. */
  overrideSchema?: boolean;
  all: boolean;
  format: ReportFormat;
  output?: string;
  quiet: boolean;
  maxWarnings?: number;
  verbose: boolean;
  rule: string[];
  /** A board to apply overlay inputs onto (`--base`). */
  base?: string;
  /** `--config FILE` (a string), `--no-config` (false), or neither (found by walking up from each input). */
  config?: string | boolean;
  /** `--no-cache` (false): compile the --schema bindings afresh, and keep nothing (schema/binding-cache.ts). */
  cache?: boolean;
  /** `--kernel DIR`: a kernel source tree whose include folder and bindings the run uses, with --all. */
  kernel?: string;
  /** `--jobs N|auto`: lint the inputs in this many worker threads (default 1: in the command's own). */
  jobs?: string;
}

/**
 * Files to lint: each argument, and every .dts/.dtb (and overlay .dtso/.dtbo)
 * below a folder argument, in sorted order. `found` holds those found below a
 * folder: named by nobody, they are read as includes are (include-policy.ts),
 * so that a link `evil.dts -> /proc/self/environ` in a stranger's tree is refused.
 */
export function expandInputs(inputs: readonly string[]): { files: string[]; problems: FileReport[]; liveFolders: Set<string>; found: Set<string> } {
  const files: string[] = [];
  const found = new Set<string>();
  const problems: FileReport[] = [];
  // A /proc/device-tree-style folder is one input (a live tree), not a folder of sources.
  const liveFolders = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(dts|dtb|dtso|dtbo)$/.test(entry.name) && isReadableEntry(entry, path)) {
        files.push(path);
        found.add(path);
      }
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      files.push(input);
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      // Reported when the file is read.
    }
    if (isDir && isDeviceTreeFolder(input)) {
      liveFolders.add(input);
      files.push(input);
    } else if (isDir) {
      try {
        walk(input);
      } catch (err) {
        problems.push({ file: input, fatal: true, diagnostics: [{ severity: 'error', check: 'input', message: `cannot read folder: ${(err as Error).message}`, file: input }] });
      }
    } else {
      files.push(input);
    }
  }
  return { files, problems, liveFolders, found };
}

/**
 * Source lines for the caret display, made text once per file, from the
 * bytes the run compiled and nothing else: a position can name any file (a
 * line marker), and a file not compiled is never opened to show a line of.
 */
function sourceLines(sources: ReadonlyMap<string, Uint8Array>): (file: string, line: number) => string | null {
  const cache = new Map<string, string[] | null>();
  return (file, line) => {
    if (!cache.has(file)) {
      const bytes = sources.get(file);
      cache.set(file, bytes ? bytesToLatin1(bytes).split(/\r?\n/) : null);
    }
    return cache.get(file)?.[line - 1] ?? null;
  };
}

function useColor(io: CliIo, toFile: boolean): boolean {
  if (toFile) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdoutIsTTY;
}

/** The rules SARIF lists: every check in the table, with its docs. */
function sarifRules(): SarifRule[] {
  return CHECKS.map((c) => ({ id: c.name, description: c.description, help: c.docs, level: c.severity }));
}

function formatReport(reports: readonly FileReport[], opts: ReportOptions, io: CliIo, toFile: boolean, sources: ReadonlyMap<string, Uint8Array>): string {
  switch (opts.format) {
    case 'json':
      return formatJson(reports);
    case 'sarif':
      return formatSarif(reports, sarifRules(), packageVersion(), { root: process.cwd() });
    case 'github':
      return formatGithub(reports);
    default:
      return formatText(reports, { color: useColor(io, toFile), sourceLine: sourceLines(sources), verbose: opts.verbose });
  }
}

/** `--rule NAME=SEVERITY` settings, checked against the names findings have. */
export function parseRules(settings: readonly string[]): Record<string, RuleSetting> | string {
  const rules: Record<string, RuleSetting> = {};
  for (const setting of settings) {
    const eq = setting.indexOf('=');
    const name = eq < 0 ? setting : setting.slice(0, eq);
    const value = eq < 0 ? '' : setting.slice(eq + 1);
    if (!isRuleName(name)) return `unknown check '${name}' in --rule ${setting} (see vmgenid-lint list-checks)`;
    if (!(RULE_SETTINGS as readonly string[]).includes(value)) return `--rule ${setting}: the setting must be one of ${RULE_SETTINGS.join(', ')}`;
    rules[name] = value as RuleSetting;
  }
  return rules;
}

/** The exit code for a run: errors fail it, warnings only past --max-warnings, notes never. */
export function exitCodeFor(reports: readonly FileReport[], maxWarnings: number | undefined): number {
  if (reports.some((r) => r.fatal)) return ExitCode.BadInput;
  // Every finding counts, those a report leaves out too: the cap on printing never changes a verdict.
  if (severityCounts(reports).error > 0) return ExitCode.Findings;
  return maxWarningsExceeded(reports, maxWarnings) ? ExitCode.Findings : ExitCode.Ok;
}

/** "3 warnings, more than --max-warnings 0" when the warnings alone fail the run, else null. */
export function maxWarningsExceeded(reports: readonly FileReport[], maxWarnings: number | undefined): string | null {
  if (maxWarnings === undefined) return null;
  const warnings = severityCounts(reports).warning;
  if (warnings <= maxWarnings) return null;
  return `${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}`;
}

/** True (after saying so) when `--output` names one of the files the command line names: refused before any work. */
export function refuseOutputOverInput(output: string | undefined, inputs: readonly string[], io: CliIo): boolean {
  if (output === undefined || output === '-') return false;
  const input = inputs.find((i) => i !== '-' && sameFile(output, i));
  if (input === undefined) return false;
  io.stderr(`vmgenid-lint: refusing to write the output over the input ${safeName(input)}\n`);
  return true;
}

export async function lintCommand(inputs: string[], given: LintCommandOptions, io: CliIo): Promise<number> {
  const opts = withKernel(given);
  if (typeof opts === 'string') {
    io.stderr(`vmgenid-lint: ${opts}\n`);
    return ExitCode.Usage;
  }
  const jobs = parseJobs(opts.jobs ?? '1');
  if (typeof jobs === 'string') {
    io.stderr(`vmgenid-lint: ${jobs}\n`);
    return ExitCode.Usage;
  }
  const cliRules = parseRules(opts.rule);
  if (typeof cliRules === 'string') {
    io.stderr(`vmgenid-lint: ${cliRules}\n`);
    return ExitCode.Usage;
  }
  const expanded = expandInputs(inputs);
  const { problems, liveFolders } = expanded;
  // Each input's configuration: the one named, none, or the nearest above it.
  const configs = new Map<string, LintConfig | null>();
  const found = new Map<string, string | null>();
  const configOf = async (input: string): Promise<LintConfig | null> => {
    if (opts.config === false) return null;
    const file = typeof opts.config === 'string' ? opts.config : findConfigFile(input === '-' ? '.' : liveFolders.has(input) ? input : dirname(input), found);
    if (file === null) return null;
    if (!configs.has(file)) {
      const config = await loadConfig(file, typeof opts.config === 'string');
      // A binding named by a configuration is fenced as an include is: `schema: [/proc/self/environ]` in a
      // stranger's pull request must not feed the environment to the YAML parser and its messages.
      const fence = includeFence([file], opts.include, opts.allowIncludeOutside === true);
      for (const path of config?.schema ?? []) {
        const outside = outsideFenceOf(path, fence);
        if (outside) throw new ConfigError(`${safeName(file)}: error: schema: ${safeName(outside)}`);
      }
      configs.set(file, config);
    }
    return configs.get(file)!;
  };
  const perFile = new Map<string, LintConfig | null>();
  try {
    for (const input of expanded.files) perFile.set(input, await configOf(input));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // A configuration's message may quote what the file holds.
    io.stderr(`${safeMessage(err.message)}\n`);
    return ExitCode.Usage;
  }
  // Every file read from here on goes through `reads`: the report is never written over one of them.
  const reads = new ReadRecord(nodeFileHost);
  for (const file of configs.keys()) reads.noteFile(file);
  const files = expanded.files.filter((f) => {
    const config = perFile.get(f);
    return !config || !ignoredBy(config, f);
  });
  if (refuseOutputOverInput(opts.output, [...files, ...opts.schema], io)) return ExitCode.Usage;
  let base: BaseInput | undefined;
  if (opts.base !== undefined) {
    const bytes = reads.host.readBytes(opts.base);
    if (!(bytes instanceof Uint8Array)) {
      io.stderr(`vmgenid-lint: --base ${opts.base}: cannot read: ${bytes.error}\n`);
      return ExitCode.Usage;
    }
    base = { file: opts.base, bytes };
  }
  const reports: FileReport[] = [...problems];
  // One schema set per distinct list of bindings (the command line's and a configuration's), loaded once.
  const schemaSets = new Map<string, SchemaSet>();
  // Bindings are compiled when a node first needs one (and kept in the cache folder): a problem compiling one is said after the inputs.
  const schemaLoad = { override: opts.overrideSchema === true, lazy: true, cacheDir: opts.cache === false ? null : cacheRoot(io.env) };
  const saidAtLoad = new Map<SchemaSet, number>();
  const schemasFor = async (paths: string[]): Promise<SchemaSet> => {
    const key = JSON.stringify(paths);
    let set = schemaSets.get(key);
    if (!set) {
      set = await loadSchemaSet(paths, nodeSchemaHost(reads.wrap(regularFileHost)), schemaLoad);
      schemaSets.set(key, set);
      saidAtLoad.set(set, set.diagnostics.length);
      reports.push(...schemasReport(set.diagnostics));
    }
    return set;
  };
  if (files.length === 0) await schemasFor(opts.schema);
  // The source files compiled, for the caret display: made text only for a file a finding shows a line of.
  const sources = new Map<string, Uint8Array>();
  const directiveCache = new Map<string, Directive[]>();
  let maxWarnings = opts.maxWarnings;
  const ctx: LintContext = {
    opts,
    cliRules,
    ...(base ? { base } : {}),
    reads,
    schemasFor,
    directiveCache,
    lexed: new LexedFiles(DEFAULT_LEXED_BUDGET),
    includeReads: new IncludeReads(),
    readInput: (input) => ({ bytes: readInput(input, io, reads.host), readAs: input === '-' ? (io.stdinPath ?? input) : input }),
  };
  for (const input of files) {
    const config = perFile.get(input) ?? null;
    if (opts.maxWarnings === undefined && config?.maxWarnings !== undefined) maxWarnings = Math.min(maxWarnings ?? Infinity, config.maxWarnings);
  }
  const tasks: InputTask[] = files.map((input) => ({ input, found: expanded.found.has(input), live: liveFolders.has(input) }));
  if (jobs > 1 && tasks.length > 1) {
    await lintWithWorkers(tasks, jobs, { opts, cliRules, perFile, base, cacheDir: schemaLoad.cacheDir, io, reads }, { reports, sources });
    return emitReport(reports, maxWarnings === undefined ? opts : { ...opts, maxWarnings }, io, { sources, reads });
  }
  for (const task of tasks) {
    const { report, sources: compiled } = await lintInput(task, perFile.get(task.input) ?? null, ctx);
    for (const [path, read] of compiled) if (!sources.has(path)) sources.set(path, read);
    reports.push(report);
  }
  // User patterns that ran out of time where no node could be told (picking a binding, a property's type).
  for (const set of schemaSets.values()) {
    reports.push(...schemasReport(sortedCompileProblems(set.diagnostics.slice(saidAtLoad.get(set) ?? 0))), ...schemasReport(set.patternProblems, false));
  }
  return emitReport(reports, maxWarnings === undefined ? opts : { ...opts, maxWarnings }, io, { sources, reads });
}

/** The options with `--kernel DIR` spelled out (its include folder first, its bindings after any --schema), or why not. */
function withKernel(opts: LintCommandOptions): LintCommandOptions | string {
  if (opts.kernel === undefined) return opts;
  const tree = kernelTree(opts.kernel);
  if ('error' in tree) return tree.error;
  return {
    ...opts,
    include: [tree.include, ...opts.include],
    schema: tree.bindings ? [...opts.schema, tree.bindings] : opts.schema,
    all: true,
  };
}

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';

export interface ReportOptions {
  format: ReportFormat;
  output?: string;
  quiet: boolean;
  verbose: boolean;
  maxWarnings?: number;
}

/** What emitReport knows of the run: the bytes read (for the caret display), and every file read (never written over). */
export interface RunReads {
  /** The files the run compiled as source, the only ones whose lines are shown. */
  sources?: ReadonlyMap<string, Uint8Array>;
  reads?: ReadRecord;
}

/** Write the report where it was asked for and return the run's exit code. */
export async function emitReport(reports: readonly FileReport[], opts: ReportOptions, io: CliIo, run: RunReads = {}): Promise<number> {
  const shown = opts.quiet ? reports.map(errorsOnly) : reports;
  const toFile = opts.output !== undefined && opts.output !== '-';
  const text = formatReport(shown, opts, io, toFile, run.sources ?? new Map());
  if (toFile) {
    if (run.reads && refuseOutputOverRead(opts.output!, run.reads, io)) return ExitCode.Usage;
    if (!(await writeOutputSaying(opts.output!, text, io))) return ExitCode.BadInput;
  } else {
    io.stdout(text);
  }
  const code = exitCodeFor(reports, opts.maxWarnings);
  const why = maxWarningsExceeded(reports, opts.maxWarnings);
  // Said on stderr even under -q (which hides the warnings themselves), so a red job says why.
  if (why) io.stderr(`vmgenid-lint: ${why}\n`);
  return code;
}
