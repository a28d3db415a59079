/**
 * The devicetree compiler's front door: DTS text to a resolved tree, through
 * lexer → parser → tree builder → reference resolution → generated nodes, the
 * same passes in the same order as dtc.
 */
import type { Diagnostic } from './source/diagnostic.js';
import type { FileHost } from './source/host.js';
import { recordingHost, type SourceFiles } from './source/compiled-sources.js';
import { TokenStream } from './dts/lexer.js';
import { parseDts } from './dts/parser.js';
import { buildTree } from './tree/build.js';
import type { DeviceTree } from './tree/node.js';
import { generateFixups, generateSymbols, OverlayError } from './tree/overlay.js';
import { resolveReferences, type PhandleFormat } from './tree/resolve.js';

export interface CompileOptions {
  host: FileHost;
  /** Search folders for `/include/` and `/incbin/` (dtc's `-i`). */
  includeDirs?: readonly string[];
  /** dtc's `-H`. */
  phandleFormat?: PhandleFormat;
  /** dtc's `-@`. */
  symbols?: boolean;
  /** dtc's `-b`: overrides the boot CPU guessed from `/cpus`. */
  bootCpuid?: number;
}

export interface CompileResult {
  /** Null when the source could not be compiled at all (dtc's fatal errors). */
  tree: DeviceTree | null;
  /** Fatal errors when `tree` is null; otherwise the errors dtc's checks would stop on without `-f`. */
  diagnostics: Diagnostic[];
}

/**
 * Compile DTS source to a tree, as `dtc -f` would before writing it.
 * @param path the file name, used in positions and for relative includes
 * @param text the source as latin1 (one character per byte)
 * @param sources filled with the files `/include/`d, by the names positions carry
 */
export function compileDtsText(path: string, text: string, options: CompileOptions, sources?: SourceFiles): CompileResult {
  const lexOptions = { host: options.host, includeDirs: options.includeDirs ?? [] };
  // Only what the lexer reads is source; an /incbin/ file (read by the parser) is data, never shown as lines.
  const tokens = new TokenStream(path, text, sources ? { ...lexOptions, host: recordingHost(options.host, sources) } : lexOptions);
  const parsed = parseDts(tokens, lexOptions);
  // The lexer's verdict on the whole input, as when it ran to the end before
  // parsing: its diagnostics first, and a fatal one (an include that cannot
  // be opened, a limit) alone.
  const lexer = tokens.lexer;
  lexer.drain();
  if (lexer.fatal) return { tree: null, diagnostics: lexer.diagnostics };
  const early = [...lexer.diagnostics, ...parsed.diagnostics];
  if (!parsed.file) return { tree: null, diagnostics: early };
  const built = buildTree(parsed.file);
  early.push(...built.diagnostics);
  if (early.some((d) => d.severity === 'error')) return { tree: null, diagnostics: early };
  return finishTree(built.tree, options);
}

/**
 * The passes after parsing, shared by DTS and DTB input (dtc runs its checks
 * and generators on a blob's tree too).
 */
export function finishTree(tree: DeviceTree, options: Omit<CompileOptions, 'host' | 'includeDirs'>): CompileResult {
  if (options.bootCpuid !== undefined) tree.bootCpuid = options.bootCpuid;
  const resolved = resolveReferences(tree, { phandleFormat: options.phandleFormat ?? 'epapr', symbols: options.symbols ?? false });
  if (options.symbols) generateSymbols(tree, resolved.phandles);
  if (tree.plugin) {
    try {
      generateFixups(tree);
    } catch (err) {
      if (!(err instanceof OverlayError)) throw err;
      return { tree: null, diagnostics: [{ severity: 'error', check: 'fixups', message: err.message }] };
    }
  }
  return { tree, diagnostics: resolved.diagnostics };
}
