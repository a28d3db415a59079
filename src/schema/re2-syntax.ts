/**
 * A JavaScript pattern (as Ajv compiles `pattern` and `patternProperties`:
 * with the `u` flag) rewritten in RE2's syntax so that it matches exactly
 * the same strings, or null when it needs what RE2 lacks (lookahead,
 * backreferences, property escapes) or what this rewriting does not try.
 *
 * The two syntaxes look alike and differ in meaning in a few places, each
 * rewritten here to JavaScript's meaning:
 * - `.` does not match \n, \r, U+2028 or U+2029 in JavaScript (RE2: not \n only);
 * - `\s` is JavaScript's Unicode white space (RE2: six ASCII characters);
 * - `[[:alpha:]]` is a POSIX class in RE2 and a set of literal characters in
 *   JavaScript, so every literal is written as `\x{…}`;
 * - `\u…`, `\cX`, `\0` and `[\b]` have no RE2 spelling but `\x{…}`.
 * Groups become non-capturing: only a match's existence is asked. The input
 * must already compile as a JavaScript `u` pattern (the caller checks), so
 * the syntax is known to be well formed.
 */

/** JavaScript's `\s` (white space and line terminators), as RE2 class items. */
const JS_SPACE = '\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
/** JavaScript's `.` without the `s` flag. */
const JS_DOT = '[^\\x{a}\\x{d}\\x{2028}\\x{2029}]';

const hex = (cp: number): string => `\\x{${cp.toString(16)}}`;

/** What RE2 needs to run a pattern, once rewritten. */
export interface Re2Pattern {
  source: string;
  /** It has a lookbehind (re2js runs those in linear time when asked to). */
  lookbehind: boolean;
}

/** Thrown inside the rewriting for a construct RE2 cannot express: the pattern then goes to the bounded fallback. */
class Unsupported extends Error {}

export function toRe2Syntax(pattern: string): Re2Pattern | null {
  try {
    return new Rewriter(pattern).rewrite();
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

class Rewriter {
  private readonly cps: number[];
  private i = 0;
  private lookbehind = false;

  constructor(pattern: string) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  }

  rewrite(): Re2Pattern {
    let out = '';
    while (this.i < this.cps.length) out += this.atom();
    return { source: out === '' ? '(?:)' : out, lookbehind: this.lookbehind };
  }

  private peek(offset = 0): string {
    const cp = this.cps[this.i + offset];
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private take(): string {
    return String.fromCodePoint(this.cps[this.i++]!);
  }

  /** One piece outside a class: quantifiers and anchors pass through as written. */
  private atom(): string {
    const c = this.take();
    switch (c) {
      case '\\':
        return this.escape(false);
      case '.':
        return JS_DOT;
      case '[':
        return this.charClass();
      case '(':
        return this.group();
      case ')':
      case '|':
      case '^':
      case '$':
      case '*':
      case '+':
      case '?':
        return c;
      case '{': {
        // A quantifier ({n}, {n,}, {n,m}): a bare brace is no `u` pattern.
        let q = c;
        while (this.i < this.cps.length && this.peek() !== '}') q += this.take();
        return q + this.take();
      }
      default:
        return this.literal(c.codePointAt(0)!);
    }
  }

  private literal(cp: number): string {
    return /[A-Za-z0-9_]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : hex(cp);
  }

  private group(): string {
    if (this.peek() !== '?') return '(?:';
    const next = this.peek(1);
    if (next === ':') {
      this.i += 2;
      return '(?:';
    }
    if (next === '=' || next === '!') throw new Unsupported('lookahead');
    if (next === '<' && (this.peek(2) === '=' || this.peek(2) === '!')) {
      this.lookbehind = true;
      const kind = this.peek(2);
      this.i += 3;
      return `(?<${kind}`;
    }
    if (next === '<') {
      // A named group: its name is only for backreferences, which RE2 has not.
      while (this.i < this.cps.length && this.take() !== '>');
      return '(?:';
    }
    throw new Unsupported(`group (?${next}`);
  }

  /** An escape after the backslash; `inClass` for one inside [...]. */
  private escape(inClass: boolean): string {
    const c = this.take();
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 'b':
        return inClass ? hex(8) : '\\b';
      case 'B':
        return '\\B';
      case 's':
        return inClass ? JS_SPACE : `[${JS_SPACE}]`;
      case 'S':
        if (inClass) throw new Unsupported('\\S in a class');
        return `[^${JS_SPACE}]`;
      case 't':
        return hex(9);
      case 'n':
        return hex(10);
      case 'v':
        return hex(11);
      case 'f':
        return hex(12);
      case 'r':
        return hex(13);
      case '0':
        return hex(0);
      case 'c':
        return hex(this.take().codePointAt(0)! % 32);
      case 'x':
        return hex(parseInt(this.take() + this.take(), 16));
      case 'u':
        return hex(this.unicodeEscape());
      case 'p':
      case 'P':
      case 'k':
        throw new Unsupported(`\\${c}`);
      default:
        if (/[1-9]/.test(c)) throw new Unsupported('backreference');
        // An escaped syntax character (or '-' in a class) stands for itself.
        return hex(c.codePointAt(0)!);
    }
  }

  /** After `\u`: `{hex}`, or four hex digits (a surrogate pair written as two escapes is one code point, as with `u`). */
  private unicodeEscape(): number {
    if (this.peek() === '{') {
      this.i++;
      let digits = '';
      while (this.peek() !== '}') digits += this.take();
      this.i++;
      return parseInt(digits, 16);
    }
    const four = (): number => parseInt(this.take() + this.take() + this.take() + this.take(), 16);
    const first = four();
    if (first >= 0xd800 && first <= 0xdbff && this.peek() === '\\' && this.peek(1) === 'u' && /^[dD][c-fC-F]/.test(this.peek(2) + this.peek(3))) {
      const save = this.i;
      this.i += 2;
      const second = four();
      if (second >= 0xdc00 && second <= 0xdfff) return 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
      this.i = save;
    }
    // A lone surrogate: RE2 has no such character.
    if (first >= 0xd800 && first <= 0xdfff) throw new Unsupported('lone surrogate');
    return first;
  }

  /** After '[': the class with every member spelled out (ranges as `\x{a}-\x{b}`). */
  private charClass(): string {
    let out = '[';
    if (this.peek() === '^') {
      this.i++;
      out += '^';
    }
    // `[]` matches nothing and `[^]` everything: RE2 has no spelling for the first.
    if (this.peek() === ']') {
      this.i++;
      if (out === '[') throw new Unsupported('empty class');
      return '[\\x{0}-\\x{10ffff}]';
    }
    while (this.peek() !== ']') {
      out += this.classMember();
      if (this.peek() === '-' && this.peek(1) !== ']') {
        this.i++;
        out += '-' + this.classMember();
      }
    }
    this.i++;
    return out + ']';
  }

  private classMember(): string {
    const c = this.take();
    if (c === '\\') return this.escape(true);
    return hex(c.codePointAt(0)!);
  }
}
