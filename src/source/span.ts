/**
 * Where a piece of source came from. Lines and columns are 1-based, as dtc
 * prints them (`file:line.col-endcol`); `endCol` is one past the last
 * character, as dtc keeps it. `file` is the name as the user or a line marker gave it.
 */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  /** Set when the text came from expanding this preprocessor macro (the span is the invocation). */
  readonly macro?: string;
}

/**
 * A span as a plain object of its own. A DTS token is its own span (it has
 * the fields), which saves an object per token; a span kept in a diagnostic
 * is made plain, so that nothing else of the token travels with it.
 */
export function plainSpan(s: Span): Span {
  if (s.macro !== undefined) return { file: s.file, line: s.line, col: s.col, endLine: s.endLine, endCol: s.endCol, macro: s.macro };
  return { file: s.file, line: s.line, col: s.col, endLine: s.endLine, endCol: s.endCol };
}

/** The span covering `a` through `b` (both in the same file, `a` first). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
}

/** `file:line:col`, the form compilers and editors understand. */
export function formatSpan(span: Span): string {
  return `${span.file}:${span.line}:${span.col}`;
}
