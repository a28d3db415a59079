/**
 * The DTS lexer, matching dtc 1.6.1's flex scanner rule for rule: the same
 * start states (INITIAL, V1, BYTESTRING, PROPNODENAME) switched by the same
 * tokens, the same longest-match choices, `/include/` handled inside the
 * lexer with a stack of files, and cpp line markers (`# 12 "file"`) that
 * rename the current position. The state depends only on the tokens already
 * read, never on the parser, so the lexer runs ahead of the parser as it
 * asks (TokenStream) and its verdict does not depend on where parsing stops.
 */
import { bomWarning, UTF8_BOM } from '../source/bom.js';
import type { Diagnostic } from '../source/diagnostic.js';
import { bytesToLatin1, isNotFound, MAX_INPUT_BYTES, NOT_FOUND, type FileHost } from '../source/host.js';
import { MAX_PROPERTY_BYTES } from '../tree/node.js';
import { plainSpan, type Span } from '../source/span.js';
import { unescape } from './escapes.js';
import type { Token, TokenKind } from './token.js';
import { quote, shownName } from '../source/quote.js';

type LexState = 'INITIAL' | 'V1' | 'BYTESTRING' | 'PROPNODENAME';

/** dtc's limit on nested source files, the main file included. */
export const MAX_INCLUDE_DEPTH = 200;
/**
 * Files one compilation may bring in with `/include/` (each time counted),
 * and their bytes added up: a file that includes the next ten times, nine
 * levels deep, is a billion inclusions of a few bytes. Real boards include
 * tens of files.
 */
export const MAX_INCLUDES = 10_000;
export const MAX_INCLUDED_BYTES = MAX_INPUT_BYTES;
/**
 * Tokens in one compilation (about 150 bytes of memory each): 10x the
 * largest preprocessed board, and enough for MAX_TREE_PROPERTIES.
 */
export const MAX_DTS_TOKENS = 2_000_000;
/** Longest string literal, in bytes as written: it becomes one property value. */
export const MAX_STRING_BYTES = MAX_PROPERTY_BYTES;

interface SourceBuffer {
  text: string;
  pos: number;
  /** Name shown in positions; a line marker changes it. */
  name: string;
  /** Folder that relative `/include/` and `/incbin/` names start from (`null`: the working folder). */
  dir: string | null;
  line: number;
  /** Where the current line starts: a column is `pos - lineStart + 1`, so text without a newline moves only `pos`. */
  lineStart: number;
  /** The first newline at or after `pos` (the text's length when there is none): each newline is searched for once. */
  nextNewline: number;
}

/** The first newline at or after `from` in `text`, or the text's length. */
function newlineFrom(text: string, from: number): number {
  const at = text.indexOf('\n', from);
  return at < 0 ? text.length : at;
}


const PATH_REF = /&\{\/[a-zA-Z0-9,._+*#?@\-/]*\}/y;
const INCLUDE_HEAD = /\/include\/[ \t\n\r\f\v]*/y;
const LINE_MARKER_HEAD = /#(?:line)?[ \t]+[0-9]+[ \t]+/y;
const LINE_MARKER_TAIL = /(?:[ \t]+[0-9]+)*/y;

const KEYWORDS: ReadonlyArray<[string, TokenKind, LexState | null]> = [
  ['/dts-v1/', '/dts-v1/', 'V1'],
  ['/plugin/', '/plugin/', null],
  ['/memreserve/', '/memreserve/', 'V1'],
  ['/bits/', '/bits/', 'V1'],
  ['/delete-property/', '/delete-property/', 'PROPNODENAME'],
  ['/delete-node/', '/delete-node/', 'PROPNODENAME'],
  ['/omit-if-no-ref/', '/omit-if-no-ref/', 'PROPNODENAME'],
];

/** The two-character operator starting with character codes `a`, `b`, or null. */
function operatorAt(a: number, b: number): TokenKind | null {
  switch (a) {
    case 0x3c: // <
      return b === 0x3c ? '<<' : b === 0x3d ? '<=' : null;
    case 0x3e: // >
      return b === 0x3e ? '>>' : b === 0x3d ? '>=' : null;
    case 0x3d: // =
      return b === 0x3d ? '==' : null;
    case 0x21: // !
      return b === 0x3d ? '!=' : null;
    case 0x26: // &
      return b === 0x26 ? '&&' : null;
    case 0x7c: // |
      return b === 0x7c ? '||' : null;
    default:
      return null;
  }
}

/**
 * The end of the string literal `"…"` starting at `pos` (flex's
 * `"([^\\"]|\\.)*"`, where `.` is not a newline), or -1. A loop, not a
 * regular expression: V8's backtracking runs out of stack on a long string.
 */
function stringEnd(text: string, pos: number): number {
  for (let i = pos + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      if (i + 1 >= text.length || text.charCodeAt(i + 1) === 10) return -1;
      i++;
    }
  }
  return -1;
}

/**
 * The end of the character literal starting at `pos` (flex's
 * `'((\\')|[^'])*'`, longest match), or -1.
 */
function charLiteralEnd(text: string, pos: number): number {
  // Greedy: an escaped quote continues the literal; if no plain quote ever
  // closes it, the last escaped quote is the end (the backslash as itself).
  let lastEscaped = -1;
  for (let i = pos + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && text.charCodeAt(i + 1) === 0x27) {
      lastEscaped = i + 2;
      i++;
    } else if (c === 0x27) return i + 1;
  }
  return lastEscaped;
}

/** `/include/ "name"` at `pos`, or null. */
function includeMatch(text: string, pos: number): string | null {
  const head = stickyMatch(INCLUDE_HEAD, text, pos);
  if (head === null || text[pos + head.length] !== '"') return null;
  const end = stringEnd(text, pos + head.length);
  return end < 0 ? null : text.slice(pos, end);
}

/** A cpp line marker `# 12 "file" 1 3` at `pos`, or null. */
function lineMarkerMatch(text: string, pos: number): string | null {
  const head = stickyMatch(LINE_MARKER_HEAD, text, pos);
  if (head === null || text[pos + head.length] !== '"') return null;
  const end = stringEnd(text, pos + head.length);
  if (end < 0) return null;
  return text.slice(pos, end + stickyMatch(LINE_MARKER_TAIL, text, end)!.length);
}

/**
 * The bytes of the string literal whose contents are `text[start, end)`, with
 * the NUL that ends it in a property value (a string token's `bytes`), or
 * dtc's error for a bad escape. Without a backslash the characters are the
 * bytes, written straight into the value's buffer.
 */
function stringBytes(text: string, start: number, end: number): Uint8Array | string {
  const plain = new Uint8Array(end - start + 1);
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) break;
    plain[i - start] = c;
  }
  if (i === end) return plain;
  const { bytes, error } = unescape(text.slice(start, end), '"');
  if (error !== undefined) return error;
  const withNul = new Uint8Array(bytes.length + 1);
  withNul.set(bytes);
  return withNul;
}

/** Where the run of blanks (space, tab, newline, CR, FF, VT) starting at `pos` ends. */
function whitespaceEnd(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    const k = text.charCodeAt(i);
    if (k === 0x20 || (k >= 0x09 && k <= 0x0d)) i++;
    else return i;
  }
}

/** [a-zA-Z_]: a character a label (or a name) may start with. */
function isLabelStart(k: number): boolean {
  return (k >= 0x61 && k <= 0x7a) || (k >= 0x41 && k <= 0x5a) || k === 0x5f;
}

/** [a-zA-Z0-9_]: a character of a label. */
function isLabelChar(k: number): boolean {
  return isLabelStart(k) || (k >= 0x30 && k <= 0x39);
}

function isDigit(k: number): boolean {
  return k >= 0x30 && k <= 0x39;
}

function hexValue(k: number): number {
  if (k >= 0x30 && k <= 0x39) return k - 0x30;
  if (k >= 0x61 && k <= 0x66) return k - 0x61 + 10;
  if (k >= 0x41 && k <= 0x46) return k - 0x41 + 10;
  return -1;
}

/** [a-zA-Z0-9,._+*#?@-]: a character of a property or node name. */
function isNameChar(k: number): boolean {
  return isLabelChar(k) || k === 0x2c || k === 0x2e || k === 0x2b || k === 0x2a || k === 0x23 || k === 0x3f || k === 0x40 || k === 0x2d;
}

/**
 * The end of the integer literal at `pos` (flex's `([0-9]+|0[xX][0-9a-fA-F]+)(U|L|UL|LL|ULL)?`):
 * hex needs a digit after `0x` (else `0` is the literal), and the suffix is the longest that fits.
 */
function literalEnd(text: string, pos: number): number {
  let end = pos;
  if (text.charCodeAt(pos) === 0x30 && (text.charCodeAt(pos + 1) | 0x20) === 0x78 && hexValue(text.charCodeAt(pos + 2)) >= 0) {
    end = pos + 3;
    while (hexValue(text.charCodeAt(end)) >= 0) end++;
  } else {
    while (isDigit(text.charCodeAt(end))) end++;
  }
  // Most literals have no suffix: one character says so.
  const next = text.charCodeAt(end);
  if (next !== 0x55 && next !== 0x4c) return end; // U, L
  if (text.startsWith('ULL', end)) return end + 3;
  if (text.startsWith('UL', end) || text.startsWith('LL', end)) return end + 2;
  if (text.startsWith('U', end) || text.startsWith('L', end)) return end + 1;
  return end;
}

/**
 * The value of a literal `text[pos, end)` without a suffix, read directly when it is plain
 * decimal or hex of at most 13 digits (exact in a double); null for the rest (octal, suffixes,
 * long ones), which parseIntegerLiteral reads with dtc's diagnostics.
 */
function plainLiteralValue(text: string, pos: number, end: number): number | null {
  const k = text.charCodeAt(pos);
  if (k === 0x30 && end > pos + 2 && (text.charCodeAt(pos + 1) | 0x20) === 0x78) {
    if (end - pos - 2 > 13) return null;
    let v = 0;
    for (let i = pos + 2; i < end; i++) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) return null;
      v = v * 16 + h;
    }
    return v;
  }
  if (k === 0x30) return end === pos + 1 ? 0 : null;
  if (end - pos > 13) return null;
  let v = 0;
  for (let i = pos; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return v;
}

/** Short plain decimal or hex literals, most of a source's: read without the general path's regexes and string-to-BigInt parse. */
const SIMPLE_LITERAL = /^(?:0[xX][0-9a-fA-F]{1,8}|[1-9][0-9]{0,8}|0)$/;

function stickyMatch(re: RegExp, text: string, pos: number): string | null {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? m[0] : null;
}

/** Parse a literal as C's strtoull(…, 0) does, reporting what dtc reports. */
export function parseIntegerLiteral(text: string): { value: bigint; error?: string } {
  if (SIMPLE_LITERAL.test(text)) return { value: BigInt(text.length > 2 && (text[1] === 'x' || text[1] === 'X') ? parseInt(text.slice(2), 16) : parseInt(text, 10)) };
  const digits = text.replace(/(?:ULL|UL|LL|U|L)$/, '');
  let body: string;
  let radix: number;
  let valid: RegExp;
  if (/^0[xX]/.test(digits)) {
    body = digits.slice(2);
    radix = 16;
    valid = /^[0-9a-fA-F]+/;
  } else if (digits.startsWith('0')) {
    body = digits;
    radix = 8;
    valid = /^[0-7]+/;
  } else {
    body = digits;
    radix = 10;
    valid = /^[0-9]+/;
  }
  const usable = valid.exec(body)?.[0] ?? '';
  if (usable.length !== body.length) {
    // strtoull stops at the first bad digit; dtc rejects anything but U/L after it.
    return { value: parseRadix(usable, radix), error: `Bad integer literal ${quote(text)}` };
  }
  const value = parseRadix(usable, radix);
  if (value > 0xffff_ffff_ffff_ffffn) {
    return { value: 0xffff_ffff_ffff_ffffn, error: `Integer literal ${quote(text)} out of range` };
  }
  return { value };
}

function parseRadix(digits: string, radix: number): bigint {
  if (digits === '') return 0n;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
  return BigInt(prefix + digits);
}

/** dtc's directory-of-a-path: text before the last `/`, or none. */
function dirnameOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? null : path.slice(0, slash);
}

/** Join as dtc's try_open does: absolute names and names with no folder stay as they are. */
export function joinSourcePath(dir: string | null, name: string): string {
  if (dir === null || name.startsWith('/')) return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export interface LexOptions {
  host: FileHost;
  /** Folders searched after the including file's own (dtc's `-i`). */
  includeDirs: readonly string[];
}

/**
 * Resolve and read a file named in the source the way dtc does: first
 * relative to the folder of the file being read, then in each search folder.
 */
export function openRelative(
  name: string,
  fromDir: string | null,
  options: LexOptions,
): { path: string; bytes: Uint8Array } | { error: string } {
  const candidates = [joinSourcePath(fromDir, name), ...options.includeDirs.map((d) => joinSourcePath(d, name))];
  // The first reason that is more than "not there" (a file refused, too large, unreadable) is the one to give.
  let firstError = '';
  for (const path of candidates) {
    const got = options.host.readBytes(path);
    if (got instanceof Uint8Array) return { path, bytes: got };
    if (!firstError && !isNotFound(got.error)) firstError = got.error;
  }
  if (firstError) return { error: `Couldn't open ${quote(name, '"')}: ${firstError}` };
  const searched = name.startsWith('/') ? '' : ` (searched ${[fromDir ?? '.', ...options.includeDirs].map((d) => shownName(d)).join(', ')}; add the folder that holds it with -I DIR)`;
  return { error: `Couldn't open ${quote(name, '"')}: ${NOT_FOUND}${searched}` };
}

export class Lexer {
  private readonly stack: SourceBuffer[] = [];
  private state: LexState = 'INITIAL';
  /** Tokens made and not yet taken (TokenStream takes them). */
  readonly tokens: Token[] = [];
  /** Tokens made in all: the limit counts these. */
  private made = 0;
  /** 'end of input' has been made: nothing more will come. */
  private ended = false;
  readonly diagnostics: Diagnostic[] = [];
  fatal = false;
  /** Span of the last text consumed, whitespace included: where dtc places the end of input (file '' before any). */
  private readonly last = { file: '', line: 1, col: 1, endLine: 1, endCol: 1 };

  constructor(private readonly options: LexOptions) {}

  private mainName = '';
  /** The run of label characters (in `buf`, up to `end`) that had no `:` after it. */
  private noLabel: { buf: SourceBuffer | null; end: number } = { buf: null, end: -1 };
  private includes = 0;
  private includedBytes = 0;

  push(path: string, text: string, at: Span | null): boolean {
    if (this.stack.length === 0) this.mainName = path;
    if (this.stack.length >= MAX_INCLUDE_DEPTH) {
      this.fail('Includes nested too deeply', at);
      return false;
    }
    const bom = text.startsWith(UTF8_BOM) ? UTF8_BOM.length : 0;
    if (bom) this.diagnostics.push(bomWarning(path, 'syntax'));
    // A BOM is not a column: the first character after it is column 1.
    this.stack.push({ text, pos: bom, name: path, dir: dirnameOf(path), line: 1, lineStart: bom, nextNewline: newlineFrom(text, bom) });
    return true;
  }

  private fail(message: string, span: Span | null): void {
    this.diagnostics.push(span ? { severity: 'error', check: 'syntax', message, span: plainSpan(span) } : { severity: 'error', check: 'syntax', message });
    this.fatal = true;
  }

  private lexicalError(message: string, span: Span): void {
    this.diagnostics.push({ severity: 'error', check: 'syntax', message: `Lexical error: ${message}`, span: plainSpan(span) });
  }

  /** Consume `length` characters of the current buffer, returning their span. */
  private advance(buf: SourceBuffer, length: number): Span {
    const line = buf.line;
    const col = buf.pos - buf.lineStart + 1;
    this.skip(buf, length);
    return { file: buf.name, line, col, endLine: buf.line, endCol: buf.pos - buf.lineStart + 1 };
  }

  /**
   * Consume `length` characters (blanks, comments) whose span nobody needs
   * but the end of input: that is remembered as numbers, not as an object
   * per run of blanks.
   */
  private skip(buf: SourceBuffer, length: number): void {
    const last = this.last;
    last.file = buf.name;
    last.line = buf.line;
    last.col = buf.pos - buf.lineStart + 1;
    const end = buf.pos + length;
    while (buf.nextNewline < end) {
      buf.line++;
      buf.lineStart = buf.nextNewline + 1;
      buf.nextNewline = newlineFrom(buf.text, buf.lineStart);
    }
    buf.pos = end;
    last.endLine = buf.line;
    last.endCol = end - buf.lineStart + 1;
  }

  /** Make the token of the next `length` characters; `text` defaults to them. */
  private emit(kind: TokenKind, buf: SourceBuffer, length: number, text?: string, num = 0, bytes?: Uint8Array, dir?: string | null): Token {
    if (text === undefined) text = buf.text.slice(buf.pos, buf.pos + length);
    const line = buf.line;
    const col = buf.pos - buf.lineStart + 1;
    this.skip(buf, length);
    // Every token has the same fields, so the parser's reads of them stay monomorphic.
    const token: Token = { kind, text, num, value: undefined, bytes, dir, file: buf.name, line, col, endLine: buf.line, endCol: buf.pos - buf.lineStart + 1 };
    if (this.made >= MAX_DTS_TOKENS) {
      if (!this.fatal) this.fail(`more than ${MAX_DTS_TOKENS} tokens: input too large to compile`, token);
      return token;
    }
    this.tokens.push(token);
    this.made++;
    return token;
  }

  /** One step of lexing (a token, blanks, an include's end…); false once 'end of input' is out. */
  pump(): boolean {
    if (this.ended) return false;
    if (!this.fatal && this.stack.length > 0) {
      const buf = this.stack[this.stack.length - 1]!;
      if (buf.pos >= buf.text.length) this.stack.pop();
      else this.step(buf);
      return true;
    }
    const at = this.last.file !== '' ? this.last : { file: this.mainName, line: 1, col: 1, endLine: 1, endCol: 1 };
    this.tokens.push({ kind: 'end of input', text: '', num: 0, value: undefined, bytes: undefined, dir: undefined, file: at.file, line: at.line, col: at.col, endLine: at.endLine, endCol: at.endCol });
    this.ended = true;
    return true;
  }

  /** Lex what is left, for its diagnostics only (after the parser stopped early). */
  drain(): void {
    while (this.pump()) if (this.tokens.length > 4096) this.tokens.length = 0;
  }

  private step(buf: SourceBuffer): void {
    const text = buf.text;
    const pos = buf.pos;
    const k = text.charCodeAt(pos);
    const state = this.state;

    switch (k) {
      case 0x20:
      case 0x09:
      case 0x0a:
      case 0x0d:
      case 0x0c:
      case 0x0b:
        this.skip(buf, whitespaceEnd(text, pos) - pos);
        // And the token after the blanks, in the same step (what pump would do next: nothing
        // between them can fail or change files): one round trip less per token.
        if (buf.pos < text.length) this.step(buf);
        return;
      case 0x2f: // /
        if (this.slash(buf)) return;
        break;
      case 0x23: { // #
        const atLineStart = pos === 0 || text.charCodeAt(pos - 1) === 10;
        const marker = atLineStart ? lineMarkerMatch(text, pos) : null;
        if (marker) {
          this.lineMarker(buf, marker);
          return;
        }
        break;
      }
      case 0x22: { // "
        const end = stringEnd(text, pos);
        if (end >= 0) {
          if (end - pos - 2 > MAX_STRING_BYTES) {
            this.fail(`string of ${end - pos - 2} bytes is longer than the ${MAX_STRING_BYTES} bytes a property may hold`, this.advance(buf, end - pos));
            return;
          }
          const bytes = stringBytes(text, pos + 1, end - 1);
          if (typeof bytes === 'string') {
            this.fail(bytes, this.advance(buf, end - pos));
            return;
          }
          this.emit('string', buf, end - pos, undefined, 0, bytes);
          return;
        }
        this.fail('unterminated string: this " has no closing "', this.advance(buf, 1));
        return;
      }
      case 0x27: { // '
        const end = charLiteralEnd(text, pos);
        if (end >= 0) {
          this.charLiteral(buf, text.slice(pos, end));
          return;
        }
        this.fail("unterminated character literal: this ' has no closing '", this.advance(buf, 1));
        return;
      }
      case 0x26: { // &
        if (isLabelStart(text.charCodeAt(pos + 1))) {
          let end = pos + 2;
          while (isLabelChar(text.charCodeAt(end))) end++;
          this.emit('label reference', buf, end - pos, text.slice(pos + 1, end));
          return;
        }
        const path = stickyMatch(PATH_REF, text, pos);
        if (path) {
          this.emit('path reference', buf, path.length, path.slice(2, -1));
          return;
        }
        break;
      }
    }

    // Labels (`name:`) win over names and bytes whenever they match: they are longer.
    // A run of label characters with no ':' after it holds no label either: skipped, so a long run is linear, not quadratic.
    // The buffer, not its text: a file included again is an equal but distinct string, and comparing
    // those costs its whole length at every token.
    const inFailedRun = this.noLabel.buf === buf && pos < this.noLabel.end;
    if (!inFailedRun && isLabelStart(k)) {
      // A label is the longest run of [a-zA-Z0-9_] with ':' right after it.
      let end = pos + 1;
      while (isLabelChar(text.charCodeAt(end))) end++;
      if (text.charCodeAt(end) === 0x3a) {
        this.emit('label', buf, end + 1 - pos, text.slice(pos, end));
        return;
      }
      this.noLabel.buf = buf;
      this.noLabel.end = end;
    }
    if (state === 'V1' && isDigit(k)) {
      const end = literalEnd(text, pos);
      const plain = plainLiteralValue(text, pos, end);
      if (plain !== null && plain <= 0xffff_ffff) {
        this.emit('literal', buf, end - pos, undefined, plain | 0);
        return;
      }
      const tok = this.emit('literal', buf, end - pos);
      const { value, error } = parseIntegerLiteral(tok.text);
      tok.value = value;
      if (error) this.lexicalError(error, tok);
      return;
    }
    if (state === 'BYTESTRING') {
      const high = hexValue(k);
      const low = high < 0 ? -1 : hexValue(text.charCodeAt(pos + 1));
      if (low >= 0) {
        this.emit('byte', buf, 2, undefined, high * 16 + low);
        return;
      }
      if (k === 0x5d) { // ]
        this.emit('char', buf, 1);
        this.state = 'V1';
        return;
      }
    }
    if (state === 'PROPNODENAME' && (isNameChar(k) || k === 0x5c)) {
      // `\` lets a name be a keyword-like word; it is not part of the name.
      const start = k === 0x5c ? pos + 1 : pos;
      let end = start;
      while (isNameChar(text.charCodeAt(end))) end++;
      if (end > start) {
        this.emit('name', buf, end - pos, text.slice(start, end));
        this.state = 'V1';
        return;
      }
    }
    const op = operatorAt(k, text.charCodeAt(pos + 1));
    if (op) {
      this.emit(op, buf, 2);
      return;
    }
    if (k === 0x0a) return; // unreachable: whitespace above
    this.emit('char', buf, 1);
    if (k === 0x5b) this.state = 'BYTESTRING'; // [
    else if (k === 0x7b || k === 0x3b) this.state = 'PROPNODENAME'; // { ;
  }

  /** Everything that starts with `/`. Returns false when it is just the character. */
  private slash(buf: SourceBuffer): boolean {
    const { text, pos } = buf;
    const next = text[pos + 1];
    // dtc lexes an unclosed comment as the characters `/` and `*` (or `/`),
    // which no rule of its grammar takes: say why the input stops here rather
    // than "unexpected '/'".
    if (next === '*') {
      const close = text.indexOf('*/', pos + 2);
      if (close < 0) {
        this.fail('unterminated comment: this /* has no */', this.advance(buf, 2));
        return true;
      }
      this.skip(buf, close + 2 - pos);
      return true;
    }
    if (next === '/') {
      const newline = text.indexOf('\n', pos + 2);
      if (newline < 0) {
        this.fail('a // comment must end with a newline (dtc refuses one that ends the file)', this.advance(buf, 2));
        return true;
      }
      this.skip(buf, newline + 1 - pos);
      return true;
    }
    const include = includeMatch(text, pos);
    if (include) {
      const span = this.advance(buf, include.length);
      const name = include.slice(include.indexOf('"') + 1, -1);
      this.include(name, buf, span);
      return true;
    }
    for (const [word, kind, next] of KEYWORDS) {
      if (text.startsWith(word, pos)) {
        this.emit(kind, buf, word.length);
        if (next) this.state = next;
        return true;
      }
    }
    if (this.state !== 'BYTESTRING' && this.state !== 'PROPNODENAME' && text.startsWith('/incbin/', pos)) {
      this.emit('/incbin/', buf, 8, undefined, 0, undefined, buf.dir);
      return true;
    }
    return false;
  }

  private include(name: string, from: SourceBuffer, span: Span): void {
    const opened = openRelative(name, from.dir, this.options);
    if ('error' in opened) {
      this.fail(opened.error, span);
      return;
    }
    this.includes++;
    this.includedBytes += opened.bytes.length;
    if (this.includes > MAX_INCLUDES) {
      this.fail(`more than ${MAX_INCLUDES} files included: an include bomb?`, span);
      return;
    }
    if (this.includedBytes > MAX_INCLUDED_BYTES) {
      this.fail(`the included files add up to more than ${MAX_INCLUDED_BYTES} bytes`, span);
      return;
    }
    this.push(opened.path, bytesToLatin1(opened.bytes), span);
  }

  private lineMarker(buf: SourceBuffer, marker: string): void {
    const span = this.advance(buf, marker.length);
    const line = parseInt(/[0-9]+/.exec(marker)![0], 10);
    const first = marker.indexOf('"');
    const last = marker.lastIndexOf('"');
    const { bytes, error } = unescape(marker.slice(first + 1, last), '"');
    if (error) {
      this.fail(error, span);
      return;
    }
    if (bytes.includes(0)) this.lexicalError('nul in line number directive', span);
    const nul = bytes.indexOf(0);
    // Not fromCharCode(...bytes): a long name would overflow the stack.
    buf.name = Buffer.from(nul < 0 ? bytes : bytes.slice(0, nul)).toString('latin1');
    // The marker names the line that follows it; its own newline moves us there.
    buf.line = line - 1;
  }

  private charLiteral(buf: SourceBuffer, literal: string): void {
    const tok = this.emit('char literal', buf, literal.length);
    const { bytes, error } = unescape(literal.slice(1, -1), "'");
    if (error) {
      this.fail(error, tok);
      return;
    }
    if (bytes.length === 0) {
      this.lexicalError('Empty character literal', tok);
      tok.num = 0;
      return;
    }
    tok.num = bytes[0]!;
    if (bytes.length > 1) this.lexicalError(`Character literal has ${bytes.length} characters instead of 1`, tok);
  }
}

/**
 * The tokens of a DTS file and everything it `/include/`s, made as the
 * parser asks for them and forgotten once it is past them: a large board's
 * tokens never all live at once. dtc's lexer likewise runs a token ahead of
 * its parser; its state depends on the text alone, never on the parser.
 */
export class TokenStream {
  readonly lexer: Lexer;
  /** Index (from the start of input) of `lexer.tokens[0]`. */
  private offset = 0;

  /**
   * @param path the main file's name as given (used in positions and as the base for relative includes)
   * @param text its contents as latin1 (one character per byte)
   */
  constructor(path: string, text: string, options: LexOptions) {
    this.lexer = new Lexer(options);
    this.lexer.push(path, text, null);
  }

  /** Token `index`; the last one ('end of input') for any index past the end. */
  get(index: number): Token {
    const tokens = this.lexer.tokens;
    while (index - this.offset >= tokens.length && this.lexer.pump()) {
      // lex on
    }
    return tokens[Math.min(index - this.offset, tokens.length - 1)]!;
  }

  /** Forget the tokens before `index` (in batches: shifting an array is not free). */
  release(index: number): void {
    const done = index - this.offset;
    if (done < 4096) return;
    // Moved down in place: splice would also hand back a list of the tokens removed.
    const tokens = this.lexer.tokens;
    tokens.copyWithin(0, done);
    tokens.length -= done;
    this.offset += done;
  }
}
