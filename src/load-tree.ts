/**
 * From an input's bytes to a compiled tree, whatever the input is: a blob
 * (detected by its magic), or DTS source that is first run through the
 * built-in C preprocessor when it has directives (or when asked). Positions
 * in the tree and in the diagnostics point at the original files, through
 * `#include` and macro expansion. Shared by `compile` and the linter.
 */
import { compileDtsText, finishTree, type CompileOptions, type CompileResult } from './compiler.js';
import { needsPreprocessor, preprocess, type LexedFiles, type OriginMap } from './cpp/index.js';
import { readDtb } from './dtb/read.js';
import { InputError, type Diagnostic } from './source/diagnostic.js';
import { detectInputKind, type InputKind } from './source/detect.js';
import { bytesToLatin1 } from './source/host.js';
import { recordingHost, type SourceFiles } from './source/compiled-sources.js';
import type { Span } from './source/span.js';
import type { DeviceTree, Node } from './tree/node.js';

export type CppMode = 'auto' | 'on' | 'off';

export interface LoadOptions extends CompileOptions {
  /** Input format; detected from the content when absent. */
  from?: InputKind;
  /** Run the C preprocessor: `auto` (default) when a `.dts`/`.dtsi` (or stdin) has directives. */
  cpp?: CppMode;
  /** `-D NAME[=VALUE]`, in order. */
  defines?: ReadonlyArray<readonly [string, string]>;
  /** `-U NAME`. */
  undefines?: readonly string[];
  /** Lexed source files shared by the inputs of a run. */
  lexed?: LexedFiles;
}

export interface LoadResult extends CompileResult {
  kind: InputKind;
  /**
   * The source files this compile read (the input and its includes, not
   * `/incbin/` data), by the names positions carry: empty for a blob.
   */
  sources: SourceFiles;
}

function wantsCpp(name: string, text: string, mode: CppMode): boolean {
  if (mode !== 'auto') return mode === 'on';
  const sourceLike = name === '<stdin>' || /\.dts[io]?$/i.test(name) || !/\.[^/\\]*$/.test(name);
  return sourceLike && needsPreprocessor(text);
}

function remapSpan(span: Span, origins: OriginMap): Span {
  const start = origins.locate(span.file, span.line, span.col);
  if (start.file === span.file && start.line === span.line && start.col === span.col && start.macro === undefined) return span;
  const end = span.endLine === span.line ? origins.locate(span.file, span.endLine, Math.max(span.col, span.endCol - 1)) : null;
  const sameLine = end && end.file === start.file && end.line === start.line && end.macro === undefined && start.macro === undefined;
  const mapped: Span = {
    file: start.file,
    line: start.line,
    col: start.col,
    endLine: start.line,
    endCol: sameLine ? end.col + 1 : start.col + 1,
    ...(start.macro !== undefined ? { macro: start.macro } : {}),
  };
  return mapped;
}

/** Point every span of the tree and the diagnostics back at the original source. */
function remapTree(tree: DeviceTree | null, diagnostics: Diagnostic[], origins: OriginMap): void {
  const visit = (node: Node) => {
    node.spans = node.spans.map((s) => remapSpan(s, origins));
    for (const p of node.properties) {
      if (p.span) p.span = remapSpan(p.span, origins);
      const elements = p.value.elements;
      for (let i = 0; i < elements.count; i++) elements.set(i, remapSpan(elements.span(i), origins));
    }
    for (const c of node.children) visit(c);
  };
  if (tree) {
    visit(tree.root);
    for (const r of tree.reserves) if (r.span) r.span = remapSpan(r.span, origins);
  }
  for (const d of diagnostics) if (d.span) d.span = remapSpan(d.span, origins);
}

/** Compile an input to a tree, as `dtc -f` would after `cpp` (tree is null when it cannot be compiled). */
export function loadTree(name: string, bytes: Uint8Array, options: LoadOptions): LoadResult {
  const kind = options.from ?? detectInputKind(bytes);
  const sources: SourceFiles = new Map();
  if (kind === 'dtb') {
    try {
      const tree = readDtb(bytes, name);
      return { kind, sources, ...finishTree(tree, options) };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { kind, sources, tree: null, diagnostics: err.diagnostics };
    }
  }
  sources.set(name, bytes);
  const text = bytesToLatin1(bytes);
  if (!wantsCpp(name, text, options.cpp ?? 'auto')) return { kind, sources, ...compileDtsText(name, text, options, sources) };
  const pre = preprocess(name, text, {
    host: recordingHost(options.host, sources),
    includeDirs: options.includeDirs ?? [],
    ...(options.defines ? { defines: options.defines } : {}),
    ...(options.undefines ? { undefines: options.undefines } : {}),
    ...(options.lexed ? { lexed: options.lexed } : {}),
  });
  if (!pre.ok) return { kind, sources, tree: null, diagnostics: pre.diagnostics };
  const compiled = compileDtsText(name, pre.output, options, sources);
  remapTree(compiled.tree, compiled.diagnostics, pre.origins);
  return { kind, sources, tree: compiled.tree, diagnostics: [...pre.diagnostics, ...compiled.diagnostics] };
}
