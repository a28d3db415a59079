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
import { bytesToLatin1, MAX_INPUT_BYTES, type FileHost } from '../source/host.js';
import { MAX_PROPERTY_BYTES } from '../tree/node.js';
import type { Span } from '../source/span.js';
import { unescape } from './escapes.js';
import type { Token, TokenKind } from './token.js';

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
  col: number;
}


const NAME_CHAR = /[a-zA-Z0-9,._+*#?@-]/;
const NAME_RUN = /\\?[a-zA-Z0-9,._+*#?@-]+/y;
const LABEL_REF = /&[a-zA-Z_][a-zA-Z0-9_]*/y;
const PATH_REF = /&\{\/[a-zA-Z0-9,._+*#?@\-/]*\}/y;
// Alternatives ordered longest first: JS takes the first that matches, flex the longest.
const LITERAL = /(?:0[xX][0-9a-fA-F]+|[0-9]+)(?:ULL|UL|LL|U|L)?/y;
const BYTE = /[0-9a-fA-F]{2}/y;
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

const OPERATORS: Record<string, TokenKind> = {
  '<<': '<<',
  '>>': '>>',
  '<=': '<=',
  '>=': '>=',
  '==': '==',
  '!=': '!=',
  '&&': '&&',
  '||': '||',
};

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
    return { value: parseRadix(usable, radix), error: `Bad integer literal '${text}'` };
  }
  const value = parseRadix(usable, radix);
  if (value > 0xffff_ffff_ffff_ffffn) {
    return { value: 0xffff_ffff_ffff_ffffn, error: `Integer literal '${text}' out of range` };
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
  let firstError = '';
  for (const path of candidates) {
    const got = options.host.readBytes(path);
    if (got instanceof Uint8Array) return { path, bytes: got };
    if (!firstError || got.error !== 'No such file or directory') firstError ||= got.error;
  }
  return { error: `Couldn't open "${name}": ${firstError || 'No such file or directory'}` };
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
    this.stack.push({ text, pos: bom, name: path, dir: dirnameOf(path), line: 1, col: 1 });
    return true;
  }

  private fail(message: string, span: Span | null): void {
    this.diagnostics.push(span ? { severity: 'error', check: 'syntax', message, span } : { severity: 'error', check: 'syntax', message });
    this.fatal = true;
  }

  private lexicalError(message: string, span: Span): void {
    this.diagnostics.push({ severity: 'error', check: 'syntax', message: `Lexical error: ${message}`, span });
  }

  /** Consume `length` characters of the current buffer, returning their span. */
  private advance(buf: SourceBuffer, length: number): Span {
    const line = buf.line;
    const col = buf.col;
    this.skip(buf, length);
    return { file: buf.name, line, col, endLine: buf.line, endCol: buf.col };
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
    last.col = buf.col;
    const end = buf.pos + length;
    const text = buf.text;
    for (let i = buf.pos; i < end; i++) {
      if (text.charCodeAt(i) === 10) {
        buf.line++;
        buf.col = 1;
      } else {
        buf.col++;
      }
    }
    buf.pos = end;
    last.endLine = buf.line;
    last.endCol = buf.col;
  }

  private emit(kind: TokenKind, buf: SourceBuffer, length: number, extra?: Partial<Token>): Token {
    const text = extra?.text ?? buf.text.slice(buf.pos, buf.pos + length);
    const span = this.advance(buf, length);
    // Every token has the same fields, so the parser's reads of them stay monomorphic.
    const token: Token = { kind, text, span, value: extra?.value, bytes: extra?.bytes, dir: extra?.dir };
    if (this.made >= MAX_DTS_TOKENS) {
      if (!this.fatal) this.fail(`more than ${MAX_DTS_TOKENS} tokens: input too large to compile`, span);
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
    const span = this.last.file !== '' ? { ...this.last } : { file: this.mainName, line: 1, col: 1, endLine: 1, endCol: 1 };
    this.tokens.push({ kind: 'end of input', text: '', span });
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
    const c = text[pos]!;
    const state = this.state;

    switch (c) {
      case ' ':
      case '\t':
      case '\n':
      case '\r':
      case '\f':
      case '\v':
        this.skip(buf, whitespaceEnd(text, pos) - pos);
        return;
      case '/':
        if (this.slash(buf)) return;
        break;
      case '#': {
        const atLineStart = pos === 0 || text.charCodeAt(pos - 1) === 10;
        const marker = atLineStart ? lineMarkerMatch(text, pos) : null;
        if (marker) {
          this.lineMarker(buf, marker);
          return;
        }
        break;
      }
      case '"': {
        const end = stringEnd(text, pos);
        if (end >= 0) {
          const s = text.slice(pos, end);
          if (s.length - 2 > MAX_STRING_BYTES) {
            this.fail(`string of ${s.length - 2} bytes is longer than the ${MAX_STRING_BYTES} bytes a property may hold`, this.advance(buf, s.length));
            return;
          }
          const { bytes, error } = unescape(s.slice(1, -1), '"');
          if (error) {
            this.fail(error, this.advance(buf, s.length));
            return;
          }
          this.emit('string', buf, s.length, { bytes });
          return;
        }
        break;
      }
      case "'": {
        const end = charLiteralEnd(text, pos);
        if (end >= 0) {
          this.charLiteral(buf, text.slice(pos, end));
          return;
        }
        break;
      }
      case '&': {
        const ref = stickyMatch(LABEL_REF, text, pos);
        if (ref) {
          this.emit('label reference', buf, ref.length, { text: ref.slice(1) });
          return;
        }
        const path = stickyMatch(PATH_REF, text, pos);
        if (path) {
          this.emit('path reference', buf, path.length, { text: path.slice(2, -1) });
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
    if (!inFailedRun && isLabelStart(text.charCodeAt(pos))) {
      // A label is the longest run of [a-zA-Z0-9_] with ':' right after it.
      let end = pos + 1;
      while (isLabelChar(text.charCodeAt(end))) end++;
      if (text.charCodeAt(end) === 0x3a) {
        this.emit('label', buf, end + 1 - pos, { text: text.slice(pos, end) });
        return;
      }
      this.noLabel.buf = buf;
      this.noLabel.end = end;
    }
    if (state === 'V1' && c >= '0' && c <= '9') {
      const lit = stickyMatch(LITERAL, text, pos)!;
      const tok = this.emit('literal', buf, lit.length);
      const { value, error } = parseIntegerLiteral(lit);
      tok.value = value;
      if (error) this.lexicalError(error, tok.span);
      return;
    }
    if (state === 'BYTESTRING') {
      const byte = stickyMatch(BYTE, text, pos);
      if (byte) {
        this.emit('byte', buf, 2, { value: BigInt(parseInt(byte, 16)) });
        return;
      }
      if (c === ']') {
        this.emit('char', buf, 1);
        this.state = 'V1';
        return;
      }
    }
    if (state === 'PROPNODENAME' && (NAME_CHAR.test(c) || c === '\\')) {
      const name = stickyMatch(NAME_RUN, text, pos);
      if (name) {
        this.emit('name', buf, name.length, { text: name.startsWith('\\') ? name.slice(1) : name });
        this.state = 'V1';
        return;
      }
    }
    const op = OPERATORS[text.slice(pos, pos + 2)];
    if (op) {
      this.emit(op, buf, 2);
      return;
    }
    if (c === '\n') return; // unreachable: whitespace above
    this.emit('char', buf, 1);
    if (c === '[') this.state = 'BYTESTRING';
    else if (c === '{' || c === ';') this.state = 'PROPNODENAME';
  }

  /** Everything that starts with `/`. Returns false when it is just the character. */
  private slash(buf: SourceBuffer): boolean {
    const { text, pos } = buf;
    const next = text[pos + 1];
    if (next === '*') {
      const close = text.indexOf('*/', pos + 2);
      if (close < 0) return false;
      this.skip(buf, close + 2 - pos);
      return true;
    }
    if (next === '/') {
      const newline = text.indexOf('\n', pos + 2);
      if (newline < 0) return false;
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
      this.emit('/incbin/', buf, 8, { dir: buf.dir });
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
      this.fail(error, tok.span);
      return;
    }
    if (bytes.length === 0) {
      this.lexicalError('Empty character literal', tok.span);
      tok.value = 0n;
      return;
    }
    tok.value = BigInt(bytes[0]!);
    if (bytes.length > 1) this.lexicalError(`Character literal has ${bytes.length} characters instead of 1`, tok.span);
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

  /** Whether token `index` is the last one. */
  isLast(index: number): boolean {
    return this.get(index + 1) === this.get(index);
  }

  /** Forget the tokens before `index` (in batches: shifting an array is not free). */
  release(index: number): void {
    const done = index - this.offset;
    if (done < 4096) return;
    this.lexer.tokens.splice(0, done);
    this.offset += done;
  }
}
