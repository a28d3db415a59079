/**
 * A UTF-8 byte order mark at the start of a source. dtc refuses it as a
 * syntax error; gcc's cpp skips it. Both our front ends (the preprocessor
 * and the DTS lexer, whichever reads the file first) skip it with the same
 * warning, and count columns from after it.
 */
import type { Diagnostic } from './diagnostic.js';

/** The mark as latin1 text holds it (one character per byte). */
export const UTF8_BOM = '\xef\xbb\xbf';

/** The warning for a mark skipped at the start of `file`. */
export function bomWarning(file: string, check: string): Diagnostic {
  const span = { file, line: 1, col: 1, endLine: 1, endCol: 1 };
  return { severity: 'warning', check, message: 'UTF-8 byte order mark at the start of the file ignored (dtc refuses it)', span };
}
