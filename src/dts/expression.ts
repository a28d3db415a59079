/**
 * Cell expressions: C integer arithmetic on unsigned 64-bit values, with the
 * precedence of dtc's grammar (`?:` lowest, then `||`, `&&`, `|`, `^`, `&`,
 * `== !=`, `< > <= >=`, `<< >>`, `+ -`, `* / %`, unary `- ~ !`).
 */
import type { Span } from '../source/span.js';
import { joinSpans } from '../source/span.js';
import { tokenValue, type Token } from './token.js';

const U64 = (1n << 64n) - 1n;

/** Wrap to unsigned 64 bits, as dtc's `unsigned long long`. */
export function u64(v: bigint): bigint {
  return v & U64;
}

export interface Evaluated {
  value: bigint;
  span: Span;
}

/** The cursor over tokens the parser owns; expressions read through it. */
export interface TokenCursor {
  peek(offset?: number): Token;
  next(): Token;
  /** Report a syntax error at the current token and stop parsing. */
  syntaxError(token: Token, expected: string): never;
  /** Report a semantic error and go on, as dtc's ERROR(). */
  semanticError(message: string, span: Span): void;
}

type Binary = (a: bigint, b: bigint) => bigint;

const bool = (b: boolean): bigint => (b ? 1n : 0n);

/** Binary levels, lowest precedence first; `?:` sits above them all. */
const LEVELS: ReadonlyArray<Record<string, Binary | 'divide' | 'modulo'>> = [
  { '||': (a, b) => bool(a !== 0n || b !== 0n) },
  { '&&': (a, b) => bool(a !== 0n && b !== 0n) },
  { '|': (a, b) => a | b },
  { '^': (a, b) => a ^ b },
  { '&': (a, b) => a & b },
  { '==': (a, b) => bool(a === b), '!=': (a, b) => bool(a !== b) },
  {
    '<': (a, b) => bool(a < b),
    '>': (a, b) => bool(a > b),
    '<=': (a, b) => bool(a <= b),
    '>=': (a, b) => bool(a >= b),
  },
  {
    // dtc defines shifts of 64 or more as 0 rather than leave them undefined.
    '<<': (a, b) => (b < 64n ? u64(a << b) : 0n),
    '>>': (a, b) => (b < 64n ? a >> b : 0n),
  },
  { '+': (a, b) => u64(a + b), '-': (a, b) => u64(a - b) },
  { '*': (a, b) => u64(a * b), '/': 'divide', '%': 'modulo' },
];

function operatorOf(t: Token): string | null {
  if (t.kind === 'char') return t.text;
  if (t.kind.length <= 2) return t.kind; // '<<', '&&', …
  return null;
}

/** Deepest nesting of parentheses and unary operators accepted (hostile input guard). */
export const MAX_EXPRESSION_DEPTH = 256;

export class ExpressionParser {
  private depth = 0;
  constructor(private readonly cur: TokenCursor) {}

  /** integer_prim: a literal, a character literal, or `( expr )`. */
  primary(): Evaluated {
    const t = this.cur.peek();
    if (t.kind === 'literal' || t.kind === 'char literal') {
      this.cur.next();
      return { value: tokenValue(t), span: t };
    }
    if (t.kind === 'char' && t.text === '(') {
      this.cur.next();
      this.enter(t);
      const inner = this.expression();
      this.depth--;
      const close = this.cur.peek();
      if (close.kind !== 'char' || close.text !== ')') this.cur.syntaxError(close, "')'");
      this.cur.next();
      return { value: inner.value, span: joinSpans(t, close) };
    }
    return this.cur.syntaxError(t, 'an integer, a character literal or (');
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      this.cur.syntaxError(t, `an expression nested at most ${MAX_EXPRESSION_DEPTH} deep`);
    }
  }

  expression(): Evaluated {
    const cond = this.binary(0);
    const q = this.cur.peek();
    if (q.kind !== 'char' || q.text !== '?') return cond;
    this.cur.next();
    const then = this.expression();
    const colon = this.cur.peek();
    if (colon.kind !== 'char' || colon.text !== ':') this.cur.syntaxError(colon, "':'");
    this.cur.next();
    const otherwise = this.expression();
    return { value: cond.value !== 0n ? then.value : otherwise.value, span: joinSpans(cond.span, otherwise.span) };
  }

  private binary(level: number): Evaluated {
    if (level === LEVELS.length) return this.unary();
    const ops = LEVELS[level]!;
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.cur.peek();
      const op = operatorOf(t);
      const fn = op !== null ? ops[op] : undefined;
      if (!fn) return left;
      this.cur.next();
      const right = this.binary(level + 1);
      const span = joinSpans(left.span, right.span);
      let value: bigint;
      if (fn === 'divide' || fn === 'modulo') {
        if (right.value === 0n) {
          this.cur.semanticError('Division by zero', span);
          value = 0n;
        } else {
          value = fn === 'divide' ? left.value / right.value : left.value % right.value;
        }
      } else {
        value = fn(left.value, right.value);
      }
      left = { value, span };
    }
  }

  private unary(): Evaluated {
    const t = this.cur.peek();
    if (t.kind === 'char' && (t.text === '-' || t.text === '~' || t.text === '!')) {
      this.cur.next();
      this.enter(t);
      const operand = this.unary();
      this.depth--;
      const v = operand.value;
      const value = t.text === '-' ? u64(-v) : t.text === '~' ? u64(~v) : bool(v === 0n);
      return { value, span: joinSpans(t, operand.span) };
    }
    return this.primary();
  }
}
