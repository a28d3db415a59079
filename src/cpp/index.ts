/**
 * The built-in C preprocessor: what `cpp -nostdinc -undef -D__DTS__ -x
 * assembler-with-cpp -I dir …` does to a .dts file, with gcc-style line
 * markers in the output and a map from output positions back to the source.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import type { FileHost } from '../source/host.js';
import type { OriginMap } from './origins.js';
import type { LexedFiles } from './lexed-files.js';
import { DIRECTIVES, runPreprocessor } from './preprocess.js';

export { DEFAULT_LEXED_BUDGET, LexedFiles } from './lexed-files.js';

export type { Origin, OriginMap } from './origins.js';
export { DEFAULT_MAX_INCLUDE_DEPTH } from './preprocess.js';

export interface PreprocessOptions {
  host: FileHost;
  includeDirs: readonly string[];
  /** -D NAME=VALUE ('1' when no value). `__DTS__` is always defined. */
  defines?: ReadonlyArray<readonly [string, string]>;
  /** -U NAME */
  undefines?: readonly string[];
  maxIncludeDepth?: number;
  /** Files already lexed, shared by the inputs of one run (cpp/lexed-files.ts). */
  lexed?: LexedFiles;
}

export interface PreprocessResult {
  ok: boolean;
  output: string;
  diagnostics: Diagnostic[];
  origins: OriginMap;
}

export function preprocess(path: string, text: string, options: PreprocessOptions): PreprocessResult {
  return runPreprocessor(path, text, options);
}

// A UTF-8 byte order mark may come first (the preprocessor skips it).
const DIRECTIVE_LINE = /^(?:\xef\xbb\xbf)?[ \t\f\v]*#[ \t]*([A-Za-z_]+)/gm;

/** True when some line is a preprocessor directive (so a plain DTS file can skip the preprocessor). */
export function needsPreprocessor(text: string): boolean {
  for (const m of text.matchAll(DIRECTIVE_LINE)) if (DIRECTIVES.has(m[1]!)) return true;
  return false;
}
