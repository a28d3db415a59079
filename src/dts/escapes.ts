/**
 * Escape sequences in DTS strings and character literals, as dtc reads them:
 * the C escapes `\a \b \t \n \v \f \r`, up to three octal digits, `\x` with
 * one or two hex digits, and any other escaped character standing for itself.
 */
import { latin1Bytes } from '../tree/data.js';

const simpleEscapes: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
};

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

export interface Unescaped {
  bytes: Uint8Array;
  /** Set when `\x` has no hex digit: dtc stops there with this message. */
  error?: string;
}

/**
 * Turn the text between the quotes (latin1, one char per byte) into bytes.
 * dtc reads escapes from the raw buffer and can look at the closing quote
 * while scanning digits; a quote is never a digit, so reading only `body` is
 * the same, except for a trailing backslash (see below).
 */
export function unescape(body: string, closingQuote: string): Unescaped {
  // Most strings have no escape: their bytes are their characters.
  if (body.indexOf('\\') < 0) return { bytes: latin1Bytes(body) };
  const { bytes, error } = unescapeSlowly(body, closingQuote);
  return error === undefined ? { bytes: Uint8Array.from(bytes) } : { bytes: Uint8Array.from(bytes), error };
}

function unescapeSlowly(body: string, closingQuote: string): { bytes: number[]; error?: string } {
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i++]!;
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    if (i >= body.length) {
      // A trailing backslash (only possible in `'\'`): dtc reads the closing quote as the escaped char.
      bytes.push(closingQuote.charCodeAt(0));
      break;
    }
    const e = body[i]!;
    if (e in simpleEscapes) {
      bytes.push(simpleEscapes[e]!);
      i++;
    } else if (isOctal(e)) {
      let j = i;
      while (j < body.length && j < i + 3 && isOctal(body[j])) j++;
      // More than 0377 wraps, as the C char it is stored in.
      bytes.push(parseInt(body.slice(i, j), 8) & 0xff);
      i = j;
    } else if (e === 'x') {
      let j = i + 1;
      while (j < body.length && j < i + 3 && isHex(body[j])) j++;
      if (j === i + 1) return { bytes, error: '\\x used with no following hex digits' };
      bytes.push(parseInt(body.slice(i + 1, j), 16));
      i = j;
    } else {
      bytes.push(e.charCodeAt(0) & 0xff);
      i++;
    }
  }
  return { bytes };
}
