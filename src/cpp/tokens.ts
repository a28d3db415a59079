/**
 * Preprocessing tokens and the lexer that cuts a file into logical lines of
 * them (C11 §5.1.1.2 phases 1–3: line splicing, comments, tokens).
 *
 * Positions are physical (1-based line and column in the file as written), so
 * that tokens which pass through unexpanded can be printed where they stood.
 */
import type { Diagnostic } from '../source/diagnostic.js';

export type TokenKind = 'name' | 'number' | 'string' | 'char' | 'punct' | 'other' | 'eof' | 'padding' | 'placemarker';

export interface PToken {
  readonly kind: TokenKind;
  readonly text: string;
  /** Physical position of the first character (1-based). */
  readonly line: number;
  readonly col: number;
  /** Whitespace (or a comment, or a line start) came before it. */
  readonly white: boolean;
  /** For tokens lexed from a file: the text between the previous token on the same physical line and this one, tabs kept, everything else as spaces. */
  readonly gap?: string;
  /** Read straight from a source file (not made by the preprocessor). */
  readonly fromFile?: boolean;
  /** An identifier that must never be expanded again (painted blue). */
  readonly noExpand?: boolean;
  /** Left operand of `##` in a macro body or replacement list. */
  readonly pasteLeft?: boolean;
  /** In a macro body: the parameter this token stands for. */
  readonly param?: number;
  /** In a macro body: the parameter is the operand of `#`. */
  readonly stringify?: boolean;
  /** For padding tokens: the token whose whitespace stands for the padding (null: none, "avoid paste"). */
  readonly source?: PToken | null;
  /** A `#` standing for a directive line seen while looking ahead for `(`; it is never consumed. */
  readonly directiveAhead?: boolean;
}

export interface LogicalLine {
  readonly tokens: PToken[];
  /** Physical line of the first character and of the last one (splices and comments can join lines). */
  readonly firstLine: number;
  readonly lastLine: number;
}

/** Punctuators of C, longest first so that the lexer takes the longest match. */
const PUNCTUATORS = [
  '%:%:', '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
  '<:', ':>', '<%', '%>', '%:',
];

/** The punctuators by their first character, longest first. */
const PUNCTUATORS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) PUNCTUATORS_BY_FIRST.set(p[0]!, [...(PUNCTUATORS_BY_FIRST.get(p[0]!) ?? []), p]);

// Character classes by code, not by regex: the lexer asks once per character.
const isLetter = (k: number): boolean => (k >= 0x41 && k <= 0x5a) || (k >= 0x61 && k <= 0x7a);
const isIdentStart = (c: string): boolean => {
  const k = c.charCodeAt(0);
  return isLetter(k) || k === 0x5f || k === 0x24;
};
const isIdentChar = (c: string): boolean => {
  const k = c.charCodeAt(0);
  return isLetter(k) || (k >= 0x30 && k <= 0x39) || k === 0x5f || k === 0x24;
};
/** A one-character token that is not a C punctuator: letters, digits, space, non-ASCII, control, `@`, `` ` ``, `\`, `$`. */
const isOtherChar = (c: string): boolean => {
  const k = c.charCodeAt(0);
  return k <= 0x20 || k > 0x7e || isIdentChar(c) || k === 0x40 || k === 0x60 || k === 0x5c;
};
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isHorizontalSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\r';

/**
 * The file after phase 2: backslash-newlines removed, with the physical
 * position of every remaining character (so tokens keep their real columns).
 */
interface Spliced {
  text: string;
  line: Int32Array;
  col: Int32Array;
}

function splice(source: string): Spliced {
  // Most files have no line splices and no CR: the text is the source.
  if (!/\\[ \t\r]*\n|\r\n/.test(source)) return positionsOf(source);
  const chars: string[] = [];
  const line = new Int32Array(source.length + 1);
  const col = new Int32Array(source.length + 1);
  let n = 0;
  let ln = 1;
  let cl = 1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      // A backslash, optional trailing spaces (gcc warns but splices), then a newline.
      let j = i + 1;
      while (j < source.length && (source[j] === ' ' || source[j] === '\t' || source[j] === '\r')) j++;
      if (j < source.length && source[j] === '\n') {
        i = j;
        ln++;
        cl = 1;
        continue;
      }
    }
    if (c === '\r' && source[i + 1] === '\n') {
      cl++;
      continue;
    }
    chars.push(c);
    line[n] = ln;
    col[n] = cl;
    n++;
    if (c === '\n') {
      ln++;
      cl = 1;
    } else cl++;
  }
  line[n] = ln;
  col[n] = cl;
  return { text: chars.join(''), line, col };
}

function positionsOf(text: string): Spliced {
  const line = new Int32Array(text.length + 1);
  const col = new Int32Array(text.length + 1);
  let ln = 1;
  let cl = 1;
  for (let i = 0; i < text.length; i++) {
    line[i] = ln;
    col[i] = cl;
    if (text.charCodeAt(i) === 0x0a) {
      ln++;
      cl = 1;
    } else cl++;
  }
  line[text.length] = ln;
  col[text.length] = cl;
  return { text, line, col };
}

/** Cut a file into logical lines of preprocessing tokens. Comments become whitespace. */
export function lexFile(file: string, source: string, diagnostics: Diagnostic[]): LogicalLine[] {
  const { text, line, col } = splice(source);
  const lines: LogicalLine[] = [];
  let tokens: PToken[] = [];
  let white = true;
  let gap = '';
  let lineStart = 0;
  let i = 0;
  const pushLine = (end: number): void => {
    lines.push({ tokens, firstLine: line[lineStart]!, lastLine: line[Math.max(lineStart, end)]! });
    tokens = [];
    white = true;
    gap = '';
  };
  const addGap = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (line[k] !== line[to]) gap = '';
      else gap += text[k] === '\t' ? '\t' : ' ';
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      pushLine(i);
      i++;
      lineStart = i;
      continue;
    }
    if (isHorizontalSpace(c)) {
      addGap(i, i + 1);
      white = true;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        diagnostics.push({ severity: 'error', check: 'cpp_syntax', message: 'unterminated comment', span: span(file, line[i]!, col[i]!, 2) });
        i = text.length;
        break;
      }
      addGap(i, end + 2);
      white = true;
      i = end + 2;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      white = true;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (isIdentStart(c)) {
      while (i < text.length && isIdentChar(text[i]!)) i++;
      kind = 'name';
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      i++;
      for (;;) {
        const d = text[i] ?? '';
        if ((d === '+' || d === '-') && /[eEpP]/.test(text[i - 1]!)) i++;
        else if (isIdentChar(d) || d === '.') i++;
        else break;
      }
      kind = 'number';
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' && text[j + 1] !== '\n' ? 2 : 1;
      if (text[j] === c) {
        i = j + 1;
        kind = c === '"' ? 'string' : 'char';
      } else {
        // As gcc does for assembler: an unmatched quote makes the rest of the line one opaque token.
        i = Math.min(j, text.length);
        kind = 'other';
      }
    } else {
      const p = PUNCTUATORS_BY_FIRST.get(c)?.find((q) => text.startsWith(q, i));
      i += p ? p.length : 1;
      kind = isOtherChar(c) ? 'other' : 'punct';
    }
    tokens.push({ kind, text: text.slice(start, i), line: line[start]!, col: col[start]!, white, gap, fromFile: true });
    white = false;
    gap = '';
  }
  if (tokens.length > 0 || lineStart < text.length) pushLine(text.length);
  return lines;
}

function span(file: string, line: number, col: number, width: number) {
  return { file, line, col, endLine: line, endCol: col + width };
}

/** Lex one short string (a pasted token, a -D value) into tokens. */
export function lexString(text: string): PToken[] {
  const lines = lexFile('<string>', text, []);
  return lines.flatMap((l) => l.tokens);
}

/** The spelling of a token sequence with single spaces where there was whitespace (for `#` and `#include`). */
export function spell(tokens: readonly PToken[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'padding' || t.kind === 'placemarker' || t.kind === 'eof') continue;
    if (t.white && out !== '') out += ' ';
    out += t.text;
  }
  return out;
}

export const EOF_TOKEN: PToken = { kind: 'eof', text: '', line: 0, col: 0, white: false };
/** gcc's `avoid_paste` padding: a macro or argument boundary with no whitespace of its own. */
export const AVOID_PASTE: PToken = { kind: 'padding', text: '', line: 0, col: 0, white: false, source: null };

export function padding(source: PToken | null): PToken {
  return { kind: 'padding', text: '', line: 0, col: 0, white: false, source };
}
