/**
 * `vmgenid-lint compile`: the devicetree compiler on its own, with dtc's
 * options and its rule: when dtc's checks find errors (a reference to a label
 * that does not exist, a duplicate node), the errors are shown, nothing is
 * written and the exit status is 2, unless `-f` forces the output (then they
 * are warnings, as dtc -f prints them). Input it cannot compile at all is an
 * error, exit 2, and no output file.
 */
import { loadTree } from '../load-tree.js';
import { InputError } from '../source/diagnostic.js';
import type { InputKind } from '../source/detect.js';
import { writeDtb } from '../dtb/write.js';
import { writeDts } from '../dtb/dts-write.js';
import { latin1Bytes } from '../tree/data.js';
import type { PhandleFormat } from '../tree/resolve.js';
import { writeDiagnostics } from './format-diagnostic.js';
import { sameFile, type CliIo } from './io.js';
import { writeOutputSaying } from './output-file.js';
import { ReadRecord, refuseOutputOverRead } from './read-record.js';
import { nodeFileHost } from '../source/host.js';
import { ExitCode } from './exit-codes.js';
import { loadOptions, readInput, type SourceOptions } from './source-options.js';

export interface CompileCommandOptions extends SourceOptions {
  output?: string;
  outFormat: 'dtb' | 'dts';
  from?: InputKind;
  symbols: boolean;
  phandle: PhandleFormat;
  bootCpu?: number;
  pad?: number;
  space?: number;
  reserve?: number;
  align?: number;
  quiet: boolean;
  force: boolean;
}


/** Combinations dtc refuses (its `die()` calls in main), refused the same way. */
function optionProblem(opts: CompileCommandOptions): string | null {
  if (opts.pad !== undefined && opts.space !== undefined) return 'cannot set both --pad (-p) and --space (-S)';
  if (opts.align !== undefined && (opts.align === 0 || (opts.align & (opts.align - 1)) !== 0)) {
    return `--align (-a) must be a power of two, not ${opts.align}`;
  }
  return null;
}

export async function compileCommand(input: string, opts: CompileCommandOptions, io: CliIo): Promise<number> {
  const name = input === '-' ? '<stdin>' : input;
  const usage = optionProblem(opts);
  if (usage) {
    io.stderr(`vmgenid-lint compile: ${usage}\n`);
    return ExitCode.Usage;
  }
  if (opts.output && opts.output !== '-' && input !== '-' && sameFile(opts.output, input)) {
    io.stderr(`vmgenid-lint: refusing to write the output over the input ${input}\n`);
    return ExitCode.Usage;
  }
  // Every file the compile reads goes through `reads`: the output is never written over one of them.
  const reads = new ReadRecord(nodeFileHost);
  const bytes = readInput(input, io, reads.host);
  if (input === '-' && io.stdinPath !== undefined) reads.noteFile(io.stdinPath);
  if (!(bytes instanceof Uint8Array)) {
    io.stderr(`${name}: error: cannot read: ${bytes.error}\n`);
    return ExitCode.BadInput;
  }
  const result = loadTree(name, bytes, {
    ...loadOptions(opts, [input], opts.include, (host) => reads.wrap(host)),
    phandleFormat: opts.phandle,
    symbols: opts.symbols,
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.bootCpu !== undefined ? { bootCpuid: opts.bootCpu } : {}),
  });
  if (!result.tree) {
    writeDiagnostics(io, result.diagnostics);
    return ExitCode.BadInput;
  }
  const refused = result.diagnostics.some((d) => d.severity === 'error');
  if (refused && !opts.force) {
    writeDiagnostics(io, result.diagnostics);
    io.stderr(`${name}: error: the input has errors that dtc refuses; nothing written (use -f to write the output anyway)\n`);
    return ExitCode.BadInput;
  }
  if (!opts.quiet) {
    writeDiagnostics(io, result.diagnostics, 'warning');
    if (refused) io.stderr(`${name}: warning: the input has errors; output forced (-f)\n`);
  }
  let output: string | Uint8Array;
  try {
    output =
      opts.outFormat === 'dts'
        ? latin1Bytes(writeDts(result.tree)) // one byte per character, as dtc writes names read from a blob
        : writeDtb(result.tree, {
            ...(opts.pad !== undefined ? { padding: opts.pad } : {}),
            ...(opts.space !== undefined ? { minSize: opts.space } : {}),
            ...(opts.reserve !== undefined ? { reserveSlots: opts.reserve } : {}),
            ...(opts.align !== undefined ? { align: opts.align } : {}),
          });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    writeDiagnostics(io, err.diagnostics);
    return ExitCode.BadInput;
  }
  // An empty -o names no file (lint refuses it too): not standard output in disguise.
  if (opts.output === undefined || opts.output === '-') {
    io.stdout(output);
  } else {
    if (refuseOutputOverRead(opts.output, reads, io)) return ExitCode.Usage;
    if (!(await writeOutputSaying(opts.output, output, io))) return ExitCode.BadInput;
  }
  return ExitCode.Ok;
}
