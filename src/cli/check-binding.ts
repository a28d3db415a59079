/**
 * `vmgenid-lint check-binding FILE.yaml`: what the kernel's
 * `make dt_binding_check` does for one binding — the binding check
 * (dt-doc-validate's rules), then each example wrapped as the kernel wraps
 * it, preprocessed, compiled and validated against the binding — plus the
 * review findings dt-doc-validate misses.
 */
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { lintBytes } from '../lint.js';
import { nodeSchemaHost } from '../schema/host.js';
import { compileSchemas } from '../schema/compile.js';
import { wrapExamples } from '../schema/examples.js';
import { loadBinding } from '../schema/load.js';
import { MetaChecker } from '../schema/meta-check.js';
import { reviewBinding } from '../schema/review.js';
import type { Diagnostic } from '../source/diagnostic.js';
import { bytesToLatin1, nodeFileHost } from '../source/host.js';
import { fencedFileHost, includeFence, regularFileHost } from '../source/include-policy.js';
import { latin1Bytes } from '../tree/data.js';
import type { FileReport } from '../report/text.js';
import type { SeverityCounts } from '../report/cap.js';
import { emitReport, refuseOutputOverInput, type ReportOptions } from './lint.js';
import { ExitCode } from './exit-codes.js';
import { ReadRecord } from './read-record.js';
import { builtinIncludeDir } from './source-options.js';

export interface CheckBindingOptions extends ReportOptions {
  include: string[];
  schema: string[];
  /** `--override-schema`: a --schema file may take a built-in schema's `$id` (the binding under test always may). */
  overrideSchema?: boolean;
}


/**
 * The folder the binding's `$id` path is relative to: the nearest `bindings`
 * or `schemas` folder above it (the kernel's and dt-schema's layouts), else
 * the folder under which the path agrees; unknown otherwise (then only the
 * file name is compared).
 */
function schemaRoot(file: string, id: unknown): string[] | undefined {
  const path = resolve(file);
  const dirs: string[] = [];
  for (let dir = dirname(path); dirname(dir) !== dir; dir = dirname(dir)) dirs.push(dir);
  const named = dirs.find((d) => basename(d) === 'bindings' || basename(d) === 'schemas');
  if (named) return [named];
  const idPath = typeof id === 'string' ? id.replace(/^http:\/\/devicetree\.org\/schemas\//, '').replace(/#$/, '') : '';
  const agreeing = dirs.find((d) => relative(d, path).split(sep).join('/') === idPath);
  return agreeing ? [agreeing] : undefined;
}

/** Schema problems that make the set unusable (exit 2), not findings about the binding. */
const UNUSABLE_SCHEMA_SET: ReadonlySet<string> = new Set(['schema_ref_loop', 'schema_fan_out', 'schema_override']);

function checkOne(file: string, opts: CheckBindingOptions, reads: ReadRecord, sources: Map<string, Uint8Array>): FileReport {
  const host = nodeSchemaHost(reads.wrap(regularFileHost));
  const binding = loadBinding(file, host);
  if (binding.diagnostics.some((d) => d.severity === 'error')) return { file, fatal: true, diagnostics: binding.diagnostics };
  const diagnostics: Diagnostic[] = [...binding.diagnostics];
  const dropped: SeverityCounts = { error: 0, warning: 0, note: 0 };
  const meta = MetaChecker.load(host);
  const roots = schemaRoot(file, (binding.json as { $id?: unknown } | undefined)?.$id);
  diagnostics.push(...meta.diagnostics, ...meta.check(binding, roots ? { roots } : {}));

  const bytes = reads.host.readBytes(file);
  const text = bytes instanceof Uint8Array ? bytesToLatin1(bytes) : '';
  if (bytes instanceof Uint8Array) sources.set(file, bytes);
  const includeDirs = [...opts.include, builtinIncludeDir()];
  // The examples' includes are fenced as a board's are: a binding under review is a stranger's too.
  const exampleHost = reads.wrap(fencedFileHost(includeFence([file], includeDirs, false)));
  const examples = wrapExamples(binding, text);
  // The binding under test first, so that it wins over a built-in copy of the same $id.
  const schemas = compileSchemas([file, ...opts.schema], host, { override: opts.overrideSchema === true ? true : [file], strict: true });
  const schemaProblems = schemas.diagnostics.filter((d) => d.check !== 'schema_duplicate');
  diagnostics.push(...schemaProblems);
  // A set that cannot be used as given: nothing is checked against it, and the run fails as for an unreadable input.
  if (schemaProblems.some((d) => UNUSABLE_SCHEMA_SET.has(d.check))) return { file, fatal: true, diagnostics };
  for (const example of examples) {
    const report = lintBytes(file, latin1Bytes(example.dts), {
      host: exampleHost,
      includeDirs,
      cpp: 'on',
      schemas,
      checks: false,
      all: true,
    });
    for (const d of report.diagnostics) {
      if (d.check === 'no_vmgenid_node') continue;
      diagnostics.push({ ...d, message: `example ${example.index}: ${d.message}` });
    }
    // An example's findings past the cap still count towards the verdict.
    if (report.dropped) for (const s of ['error', 'warning', 'note'] as const) dropped[s] += report.dropped[s];
  }
  diagnostics.push(...schemas.patternProblems);
  diagnostics.push(...reviewBinding(binding, examples));
  return dropped.error + dropped.warning + dropped.note > 0 ? { file, fatal: false, diagnostics, dropped } : { file, fatal: false, diagnostics };
}

export async function checkBindingCommand(files: string[], opts: CheckBindingOptions, io: import('./io.js').CliIo): Promise<number> {
  if (refuseOutputOverInput(opts.output, [...files, ...opts.schema], io)) return ExitCode.Usage;
  const reads = new ReadRecord(nodeFileHost);
  const sources = new Map<string, Uint8Array>();
  const reports = files.map((f) => checkOne(f, opts, reads, sources));
  return emitReport(reports, opts, io, { sources, reads });
}
