/**
 * Input text as messages quote it. A message names what it is about (a
 * string value, a token, a file or node name), and the input decides how
 * long that is: a 100 KB string literal quoted whole in every finding makes
 * a report that grows with findings × input. Quoted text is cut to a bound
 * here, saying how long the whole was; names are cut in the middle, where
 * the start and the end (a path's root and its file or node) both stay.
 *
 * Only the length is bounded here; control characters are the reports' to
 * escape (src/report/safe-text.ts), as each format has its own rules.
 */

/** Characters of a quoted value a message keeps before its ellipsis. */
export const MAX_QUOTED_CHARS = 120;

/** Characters of a file name, node path or other name as a message or report shows it. */
export const MAX_SHOWN_NAME_CHARS = 256;

const ELLIPSIS = '…';

/** `end`, moved back off the middle of a surrogate pair (a cut never leaves half a character). */
function cutAt(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** The start of `text` and an ellipsis when it is longer than `max` characters. */
export function clipEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, cutAt(text, Math.max(0, max - 1))) + ELLIPSIS;
}

/** `text` with its middle replaced by an ellipsis when it is longer than `max` characters. */
export function clipMiddle(text: string, max: number = MAX_SHOWN_NAME_CHARS): string {
  if (text.length <= max) return text;
  const head = cutAt(text, Math.ceil((max - 1) / 2));
  const tailLength = max - 1 - head;
  let tail = text.length - tailLength;
  // Not starting on the low half of a surrogate pair either.
  const code = text.charCodeAt(tail);
  if (code >= 0xdc00 && code <= 0xdfff) tail++;
  return text.slice(0, head) + ELLIPSIS + text.slice(tail);
}

/**
 * A value as a message quotes it: `'text'` (or with the quote mark given),
 * and when it is long, its start, an ellipsis and how long it was:
 * `'aaaa…' (100000 characters)`.
 */
export function quote(text: string, mark: string = "'", max: number = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return mark + text + mark;
  return `${mark}${clipEnd(text, max)}${mark} (${text.length} characters)`;
}

/** A file name or node path as a message shows it (middle ellipsis past the bound). */
export function shownName(name: string): string {
  return clipMiddle(name, MAX_SHOWN_NAME_CHARS);
}
