/**
 * One input of a lint run, linted: the step the command repeats for each
 * file, in the command's own thread or in a worker (lint-jobs.ts), with
 * the same result either way.
 */
import { dirname } from 'node:path';
import type { RuleSetting } from '../checks/index.js';
import { lintBytes, lintFolder, lintOnBase, type BaseInput, type LintReport } from '../lint.js';
import type { LexedFiles } from '../cpp/index.js';
import type { SchemaSet } from '../schema/schema-set.js';
import { readIncluded, type IncludeReads } from '../source/include-policy.js';
import type { Directive } from '../suppressions.js';
import type { FileReport } from '../report/text.js';
import type { Diagnostic } from '../source/diagnostic.js';
import type { LintConfig } from './config.js';
import type { LintCommandOptions } from './lint.js';
import type { ReadRecord } from './read-record.js';
import { loadOptions } from './source-options.js';

/** What of a configuration file an input's lint uses (all of it but the ignore list, which picks the inputs). */
export type InputConfig = Omit<LintConfig, 'ignore'>;

/** An input to lint, as the command found it. */
export interface InputTask {
  /** The path, or `-` for standard input. */
  input: string;
  /** Found below a folder argument: named by nobody, so read as an include is (include-policy.ts). */
  found: boolean;
  /** A /proc/device-tree-style folder, read as one tree. */
  live: boolean;
}

/** What every input of a run shares. */
export interface LintContext {
  /** The command's options, `--kernel` spelled out. */
  opts: LintCommandOptions;
  cliRules: Record<string, RuleSetting>;
  base?: BaseInput;
  /** Every file read goes through it: the report is never written over one of them. */
  reads: ReadRecord;
  /** The schema set for a list of binding paths, loaded once per list. */
  schemasFor(paths: string[]): Promise<SchemaSet>;
  directiveCache: Map<string, Directive[]>;
  /** Source files lexed by the preprocessor, kept for the next inputs (boards of a tree share headers and .dtsi files). */
  lexed: LexedFiles;
  /** What the includes read, kept for the next inputs. */
  includeReads: IncludeReads;
  /** An input's bytes (standard input's for `-`), and the path noted as read for it. */
  readInput(input: string): { bytes: Uint8Array | { error: string }; readAs: string };
}

/** The binding paths an input is judged with: the command line's, then its configuration's. */
export function schemaPathsFor(opts: LintCommandOptions, config: InputConfig | null): string[] {
  return config ? [...opts.schema, ...config.schema] : opts.schema;
}

/**
 * A binding set's problems as the report lists them, apart from the inputs:
 * one entry, or none when there are none. `canFail` false: said, never fatal.
 */
export function schemasReport(diagnostics: readonly Diagnostic[], canFail = true): FileReport[] {
  if (diagnostics.length === 0) return [];
  return [{ file: '(schemas)', fatal: canFail && diagnostics.some((d) => d.severity === 'error'), diagnostics: [...diagnostics], configuration: true }];
}

/** What the report keeps of a lint: the tree is not kept for the run, and the findings past the cap only as counts. */
function fileReport(file: string, report: LintReport): FileReport {
  const out: FileReport = { file, fatal: report.fatal, diagnostics: report.diagnostics };
  if (report.dropped) out.dropped = report.dropped;
  return out;
}

/** Lint one input: its report, and the source files it compiled (for the caret display). */
export async function lintInput(task: InputTask, config: InputConfig | null, ctx: LintContext): Promise<{ report: FileReport; sources: ReadonlyMap<string, Uint8Array> }> {
  const { input } = task;
  const { opts, reads } = ctx;
  const name = input === '-' ? '<stdin>' : input;
  const source = config ? { ...opts, include: [...opts.include, ...config.include], define: [...config.define, ...opts.define] } : opts;
  // The fence: the command line's -I folders (and --kernel's tree) and the configuration file's own folder, not the folders it names.
  const trusted = [...opts.include, ...(opts.kernel !== undefined ? [opts.kernel] : []), ...(config ? [dirname(config.file)] : [])];
  const lintOptions = {
    ...loadOptions(source, opts.base !== undefined ? [input, opts.base] : [input], trusted, (host) => reads.wrap(host), ctx.includeReads),
    schemas: await ctx.schemasFor(schemaPathsFor(opts, config)),
    all: opts.all || config?.all === true,
    rules: config ? { ...config.rules, ...ctx.cliRules } : ctx.cliRules,
    directiveCache: ctx.directiveCache,
    lexed: ctx.lexed,
  };
  if (task.live) {
    reads.noteFolder(input);
    return { report: fileReport(name, lintFolder(input, lintOptions)), sources: new Map() };
  }
  let bytes: Uint8Array | { error: string };
  if (task.found) {
    bytes = readIncluded(input, ctx.includeReads.fence([input], trusted, opts.allowIncludeOutside === true));
    if (bytes instanceof Uint8Array) reads.noteFile(input);
  } else {
    const read = ctx.readInput(input);
    bytes = read.bytes;
    if (bytes instanceof Uint8Array) reads.noteFile(read.readAs);
  }
  if (!(bytes instanceof Uint8Array)) {
    return { report: { file: name, fatal: true, diagnostics: [{ severity: 'error', check: 'input', message: `cannot read: ${bytes.error}`, file: name }] }, sources: new Map() };
  }
  const report: LintReport = ctx.base ? lintOnBase(name, bytes, ctx.base, lintOptions) : lintBytes(name, bytes, lintOptions);
  return { report: fileReport(name, report), sources: report.sources };
}
