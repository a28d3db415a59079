/**
 * Text from the input as a report may print it. Messages, file names (a line
 * marker or a folder of a stranger's pull request names them), node and
 * property names, binding ids and source lines all come from the input, and
 * a report goes to a terminal, a CI log or a code-scanning page:
 *
 * - Control characters are written as escapes (`\x1b`, `\n`): an ESC would
 *   drive the terminal or the log viewer's colours, a CR overwrite what a
 *   reader sees, a newline start a line of its own (a forged `::error`
 *   command in an Actions log). C1 controls, DEL, the Unicode line and
 *   paragraph separators and the bidirectional overrides (which reorder
 *   what is shown) are escaped too.
 * - Lengths are bounded, so that each finding costs a bounded number of
 *   characters and a report's size is bounded by the findings it prints.
 *
 * Each format's own syntax (JSON's, the workflow commands' `%` encoding) is
 * applied on top, by the format.
 */
import { clipEnd, clipMiddle, MAX_SHOWN_NAME_CHARS } from '../source/quote.js';

/** Characters of a message a report prints (before escaping); the rest is cut with an ellipsis. */
export const MAX_SHOWN_MESSAGE_CHARS = 1000;

/** C0 and C1 controls, DEL, line/paragraph separators, bidi marks, embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\0': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every unsafe character written as an escape. `keep` names
 * characters a caller prints as they are (the text report keeps a source
 * line's tabs, so that its caret lines up).
 */
export function escapeControls(text: string, keep: string = ''): string {
  return text.replace(UNSAFE, (c) => (keep.includes(c) ? c : escapeOne(c)));
}

// Cut, escaped, and cut again: the first cut keeps the escaping's cost bounded
// (not a pass over 100 KB per finding), the second keeps escapes from growing
// the text past the bound. A cut may end inside an escape (`\x1…`): still no raw control.

/** A file name, node path, property name or binding id as a report prints it: at most MAX_SHOWN_NAME_CHARS characters. */
export function safeName(name: string, keep: string = ''): string {
  return clipMiddle(escapeControls(clipMiddle(name, MAX_SHOWN_NAME_CHARS), keep), MAX_SHOWN_NAME_CHARS);
}

/** A message (or other free text) as a report prints it: at most MAX_SHOWN_MESSAGE_CHARS characters. */
export function safeMessage(text: string, keep: string = ''): string {
  return clipEnd(escapeControls(clipEnd(text, MAX_SHOWN_MESSAGE_CHARS), keep), MAX_SHOWN_MESSAGE_CHARS);
}
