/**
 * The options every command that reads DTS shares (include folders, macros,
 * the preprocessor switch), declared once for commander and turned into the
 * loader's options once.
 */
import type { Command } from 'commander';
import type { CppMode, LoadOptions } from '../load-tree.js';
import { fileURLToPath } from 'node:url';
import { nodeFileHost, type FileHost } from '../source/host.js';
import { fencedFileHost, includeFence, type IncludeReads } from '../source/include-policy.js';
import type { CliIo } from './io.js';

export interface SourceOptions {
  include: string[];
  define: string[];
  undefine: string[];
  /** `--cpp` true, `--no-cpp` false, neither undefined (automatic). */
  cpp?: boolean;
  /** `--allow-include-outside`: includes may reach regular files outside the repository and the -I folders. */
  allowIncludeOutside?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Declare -I, -D, -U, --cpp and --no-cpp on a command. */
export function withSourceOptions(command: Command, includeHelp: string): Command {
  return command
    .option('-I, --include <dir>', includeHelp, collect, [])
    .option('-D, --define <name[=value]>', 'define a preprocessor macro (repeatable)', collect, [])
    .option('-U, --undefine <name>', 'undefine a preprocessor macro (repeatable)', collect, [])
    .option('--cpp', 'always run the C preprocessor (default: when the source has directives)')
    .option('--no-cpp', 'never run the C preprocessor')
    .option(
      '--allow-include-outside',
      "let #include, /include/ and /incbin/ read regular files outside the input's repository, its folder and the -I folders (special files stay refused)",
    );
}

/** `NAME=VALUE` or `NAME` (which cpp defines as 1). */
export function parseDefine(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, '1'] : [text.slice(0, eq), text.slice(eq + 1)];
}

export function cppMode(opts: SourceOptions): CppMode {
  return opts.cpp === undefined ? 'auto' : opts.cpp ? 'on' : 'off';
}

/** Our own minimal dt-bindings headers (include/dt-bindings/…), searched after the user's folders. */
export function builtinIncludeDir(): string {
  return (includeDir ??= fileURLToPath(new URL('../../../include', import.meta.url)));
}

let includeDir: string | undefined;

/**
 * The loader's options for these command-line options, reading the real file
 * system under the include policy (include-policy.ts) fenced for `inputs`
 * (the files compiled with them, `-` for standard input; with --base, the
 * board too): `#include <dt-bindings/…>` finds the headers the package ships
 * when none of the user's -I folders holds them. `fenceDirs` are the search
 * folders that widen the fence: the command line's, not a configuration
 * file's (it is the repository's own, as open to a stranger as the sources).
 * `record` wraps the host so that the run knows every file it read; `reads`
 * keeps what the includes read for the run's next inputs.
 */
export function loadOptions(
  opts: SourceOptions,
  inputs: readonly string[],
  fenceDirs: readonly string[] = opts.include,
  record: (host: FileHost) => FileHost = (host) => host,
  reads?: IncludeReads,
): LoadOptions {
  const includeDirs = [...opts.include, builtinIncludeDir()];
  const fenceFolders = [...fenceDirs, builtinIncludeDir()];
  const allowOutside = opts.allowIncludeOutside === true;
  const fence = reads ? reads.fence(inputs, fenceFolders, allowOutside) : includeFence(inputs, fenceFolders, allowOutside);
  return {
    host: record(fencedFileHost(fence, reads)),
    includeDirs,
    defines: opts.define.map(parseDefine),
    undefines: opts.undefine,
    cpp: cppMode(opts),
  };
}

/** An input's bytes: a file, or standard input for `-`. */
export function readInput(input: string, io: CliIo, host: FileHost = nodeFileHost): Uint8Array | { error: string } {
  return input === '-' ? io.readStdin() : host.readBytes(input);
}
