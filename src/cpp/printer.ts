/**
 * Writes the preprocessed text: tokens that came straight from the file at
 * their own line and column, gcc-style line markers at file changes and long
 * gaps, and expansion results with gcc's spacing rules (a space where the
 * source had whitespace, or where two tokens would otherwise lex as one).
 */
import { OriginMap } from './origins.js';
import type { PToken } from './tokens.js';

/** gcc prints blank lines for gaps up to this size, a line marker beyond. */
export const MAX_BLANK_LINES = 8;

export class Printer {
  private readonly parts: string[] = [];
  /** The current output line's pieces, and its length. */
  private readonly linePieces: string[] = [];
  private lineLength = 0;
  private file = '';
  private line = 1;
  private prev: PToken | null = null;
  private avoidPaste = false;
  private source: PToken | null = null;
  readonly origins = new OriginMap();

  /** A line marker: `# 1 "inc.dtsi" 1` when entering, `# 12 "board.dts" 2` when returning. */
  marker(file: string, line: number, flag?: 1 | 2): void {
    this.endLine();
    this.parts.push(`# ${line} "${escapeName(file)}"${flag ? ` ${flag}` : ''}\n`);
    this.file = file;
    this.line = line;
  }

  /** A padding token: remember that a macro or argument boundary lies before the next token. */
  padding(tok: PToken): void {
    this.avoidPaste = true;
    if (this.source === null || (!this.source.white && tok.source === null)) this.source = tok.source ?? null;
  }

  /** A token read straight from the file, placed at its own position where the spacing allows. */
  original(tok: PToken, file: string, line: number): void {
    this.moveTo(file, line);
    const col = this.lineLength + 1;
    const atLineStart = this.lineLength === 0;
    const space = this.needsSpace(tok);
    if (space || atLineStart) {
      // The source's own whitespace when nothing moved; else spaces up to the original column.
      const gapFits = tok.gap !== undefined && col + tok.gap.length === tok.col && (tok.gap !== '' || !space);
      if (gapFits) this.write(tok.gap!);
      else this.write(' '.repeat(Math.max(space ? 1 : 0, tok.col - col)));
    }
    const at = this.lineLength + 1;
    this.write(tok.text);
    if (at !== tok.col) this.origins.addAt(this.file, this.line, at, at + tok.text.length, file, line, tok.col, undefined);
    this.after(tok);
  }

  /** A token made by macro expansion: it goes on the current line; it came from (fromLine, fromCol) of `file`, out of `macro`. */
  expanded(tok: PToken, file: string, invocationLine: number, fromLine: number, fromCol: number, macro: string | undefined): void {
    // The expansion starts on the invocation's line (later lines of a multi-line invocation stay blank).
    if (file !== this.file || invocationLine > this.line) this.moveTo(file, invocationLine);
    if (this.needsSpace(tok)) this.write(' ');
    const at = this.lineLength + 1;
    this.write(tok.text);
    this.origins.addAt(this.file, this.line, at, at + tok.text.length, file, fromLine, fromCol, macro);
    this.after(tok);
  }

  /** Raw text kept as is (a `#pragma` line). */
  rawLine(text: string, file: string, line: number): void {
    this.moveTo(file, line);
    this.write(text);
    this.prev = null;
  }

  finish(): string {
    this.endLine();
    return this.parts.join('');
  }

  private after(tok: PToken): void {
    this.prev = tok;
    this.avoidPaste = false;
    this.source = null;
  }

  /** gcc's "subtle logic to output a space if and only if necessary". */
  private needsSpace(tok: PToken): boolean {
    if (!this.avoidPaste) return tok.white && this.prev !== null;
    const source = this.source ?? tok;
    return source.white || (this.prev !== null && avoidPaste(this.prev, tok)) || (this.prev === null && tok.text === '#');
  }

  private moveTo(file: string, line: number): void {
    if (file === this.file && line >= this.line && line - this.line <= MAX_BLANK_LINES) {
      while (this.line < line) {
        this.endLine();
        this.line++;
      }
    } else this.marker(file, line);
  }

  private endLine(): void {
    if (this.lineLength !== 0 || this.parts.length > 0) {
      this.linePieces.push('\n');
      this.parts.push(this.linePieces.join(''));
    }
    this.linePieces.length = 0;
    this.lineLength = 0;
    this.prev = null;
    this.avoidPaste = false;
    this.source = null;
  }

  // A line is joined from its pieces once: building it by concatenation made
  // a string per token for the collector to sweep, most of the cost of a
  // self-including file's megabytes of output.
  private write(text: string): void {
    this.linePieces.push(text);
    this.lineLength += text.length;
  }
}

function escapeName(name: string): string {
  return name.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n');
}

/** Operators whose spelling can be followed by `=` to form a longer operator (gcc's CPP_LAST_EQ and below). */
const TAKES_EQUALS = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/** Would `a` immediately followed by `b` lex differently? (gcc's cpp_avoid_paste.) */
export function avoidPaste(a: PToken, b: PToken): boolean {
  const c = b.kind === 'punct' ? b.text[0]! : '';
  if (a.kind === 'punct') {
    if (TAKES_EQUALS.has(a.text) && c === '=') return true;
    switch (a.text) {
      case '>':
        return c === '>';
      case '<':
        return c === '<' || c === '%' || c === ':';
      case '+':
        return c === '+';
      case '-':
        return c === '-' || c === '>';
      case '/':
        return c === '/' || c === '*';
      case '%':
        return c === ':' || c === '%';
      case '&':
        return c === '&';
      case '|':
        return c === '|';
      case ':':
        return c === ':' || c === '>';
      case '->':
        return c === '*';
      case '.':
        return c === '.' || c === '%' || b.kind === 'number';
      case '#':
      case '%:':
        return c === '#' || c === '%';
      default:
        return false;
    }
  }
  switch (a.kind) {
    case 'name':
      return (b.kind === 'number' && /^[A-Za-z0-9_$]+$/.test(b.text)) || b.kind === 'name' || b.kind === 'char' || b.kind === 'string';
    case 'number':
      return b.kind === 'number' || b.kind === 'name' || b.kind === 'char' || c === '.' || c === '+' || c === '-';
    case 'other':
      return a.text[0] === '\\' && b.kind === 'name';
    default:
      return false;
  }
}
