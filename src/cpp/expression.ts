/**
 * `#if` expressions: integer constant expressions evaluated in intmax_t /
 * uintmax_t (64 bits, as gcc does), with C's usual arithmetic conversions:
 * if either operand is unsigned the operation is unsigned.
 *
 * Input is the line after macro expansion, `defined` already replaced.
 * Identifiers left over are 0. Errors are reported, never thrown.
 */
import type { PToken } from './tokens.js';
import { quote } from '../source/quote.js';

interface Value {
  v: bigint;
  unsigned: boolean;
}

export type EvalResult = { value: boolean } | { error: string; at?: PToken };

const BITS = 64;
const wrap = (v: bigint, unsigned: boolean): Value => ({ v: unsigned ? BigInt.asUintN(BITS, v) : BigInt.asIntN(BITS, v), unsigned });

class ExprError {
  constructor(
    readonly message: string,
    readonly at?: PToken,
  ) {}
}

/** Binary operators by precedence level, lowest first (`,` `?:` `||` `&&` handled separately). */
const LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

export function evaluate(tokens: readonly PToken[]): EvalResult {
  const toks = tokens.filter((t) => t.kind !== 'padding' && t.kind !== 'placemarker');
  if (toks.length === 0) return { error: '#if with no expression' };
  const p = new Parser(toks);
  try {
    const v = p.comma(true);
    if (p.peek()) throw new ExprError(`missing binary operator before token ${quote(p.peek()!.text, '"')}`, p.peek());
    return { value: v.v !== 0n };
  } catch (e) {
    if (e instanceof ExprError) return e.at ? { error: e.message, at: e.at } : { error: e.message };
    return { error: String(e) };
  }
}

/** Nesting (parentheses, unary operators, `?:`) beyond which we give up rather than overflow the stack. */
export const MAX_EXPRESSION_DEPTH = 256;

class Parser {
  private i = 0;
  private depth = 0;

  /** Count one level of recursion; an error (at the token) past the limit. */
  private nest<T>(at: PToken | undefined, f: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw new ExprError(`#if expression nested more than ${MAX_EXPRESSION_DEPTH} deep`, at);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }
  constructor(private readonly toks: readonly PToken[]) {}

  peek(): PToken | undefined {
    return this.toks[this.i];
  }

  private take(text: string): boolean {
    const t = this.toks[this.i];
    if (t && (t.kind === 'punct' || t.kind === 'other') && t.text === text) {
      this.i++;
      return true;
    }
    return false;
  }

  comma(live: boolean): Value {
    let v = this.conditional(live);
    while (this.take(',')) v = this.conditional(live);
    return v;
  }

  private conditional(live: boolean): Value {
    const c = this.logicalOr(live);
    if (!this.take('?')) return c;
    const yes = c.v !== 0n;
    const at = this.peek();
    const a = this.nest(at, () => this.comma(live && yes));
    if (!this.take(':')) throw new ExprError("'?' without following ':'", this.peek());
    const b = this.nest(at, () => this.conditional(live && !yes));
    const unsigned = a.unsigned || b.unsigned;
    return wrap(yes ? a.v : b.v, unsigned);
  }

  private logicalOr(live: boolean): Value {
    let a = this.logicalAnd(live);
    while (this.take('||')) {
      const truth = a.v !== 0n;
      const b = this.logicalAnd(live && !truth);
      a = { v: truth || b.v !== 0n ? 1n : 0n, unsigned: false };
    }
    return a;
  }

  private logicalAnd(live: boolean): Value {
    let a = this.binary(0, live);
    while (this.take('&&')) {
      const truth = a.v !== 0n;
      const b = this.binary(0, live && truth);
      a = { v: truth && b.v !== 0n ? 1n : 0n, unsigned: false };
    }
    return a;
  }

  private binary(level: number, live: boolean): Value {
    if (level >= LEVELS.length) return this.unary(live);
    let a = this.binary(level + 1, live);
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'punct' || !LEVELS[level]!.includes(t.text)) return a;
      this.i++;
      const b = this.binary(level + 1, live);
      a = apply(t, a, b, live);
    }
  }

  private unary(live: boolean): Value {
    return this.nest(this.peek(), () => this.unaryInner(live));
  }

  private unaryInner(live: boolean): Value {
    const t = this.peek();
    if (!t) throw new ExprError('#if with no expression');
    if (t.kind === 'punct') {
      if (this.take('+')) return this.unary(live);
      if (this.take('-')) {
        const v = this.unary(live);
        return wrap(-v.v, v.unsigned);
      }
      if (this.take('~')) {
        const v = this.unary(live);
        return wrap(~v.v, v.unsigned);
      }
      if (this.take('!')) return { v: this.unary(live).v === 0n ? 1n : 0n, unsigned: false };
      if (this.take('(')) {
        const v = this.comma(live);
        if (!this.take(')')) throw new ExprError("missing ')' in expression", this.peek() ?? t);
        return v;
      }
    }
    this.i++;
    switch (t.kind) {
      case 'number':
        return parseNumber(t);
      case 'char':
        return parseChar(t);
      case 'name':
        return { v: 0n, unsigned: false };
      default:
        throw new ExprError(`token ${quote(t.text, '"')} is not valid in preprocessor expressions`, t);
    }
  }
}

function apply(op: PToken, a: Value, b: Value, live: boolean): Value {
  const unsigned = a.unsigned || b.unsigned;
  const x = wrap(a.v, unsigned).v;
  const y = wrap(b.v, unsigned).v;
  const truth = (c: boolean): Value => ({ v: c ? 1n : 0n, unsigned: false });
  switch (op.text) {
    case '*':
      return wrap(x * y, unsigned);
    case '/':
    case '%':
      if (y === 0n) {
        if (live) throw new ExprError(`division by zero in #if`, op);
        return { v: 0n, unsigned };
      }
      return wrap(op.text === '/' ? x / y : x % y, unsigned);
    case '+':
      return wrap(x + y, unsigned);
    case '-':
      return wrap(x - y, unsigned);
    case '<<':
    case '>>':
      return shift(a, b, op.text === '<<');
    case '<':
      return truth(x < y);
    case '>':
      return truth(x > y);
    case '<=':
      return truth(x <= y);
    case '>=':
      return truth(x >= y);
    case '==':
      return truth(x === y);
    case '!=':
      return truth(x !== y);
    case '&':
      return wrap(x & y, unsigned);
    case '^':
      return wrap(x ^ y, unsigned);
    case '|':
      return wrap(x | y, unsigned);
    default:
      throw new ExprError(`token ${quote(op.text, '"')} is not valid in preprocessor expressions`, op);
  }
}

/** Shifts keep the left operand's type; a negative count shifts the other way, as gcc does. */
function shift(a: Value, b: Value, left: boolean): Value {
  let n = b.unsigned ? BigInt.asUintN(BITS, b.v) : b.v;
  if (n < 0n) {
    left = !left;
    n = -n;
  }
  if (n >= BigInt(BITS)) return left ? wrap(0n, a.unsigned) : wrap(a.v < 0n && !a.unsigned ? -1n : 0n, a.unsigned);
  return wrap(left ? a.v << n : a.v >> n, a.unsigned);
}

const INT_MAX = (1n << 63n) - 1n;

export function parseNumber(t: PToken): Value {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)$/.exec(t.text);
  if (!m) {
    if (/^(0[xX])?[0-9a-fA-F.]*[.eEpP]/.test(t.text) && !/^0[xX][0-9a-fA-F]+$/.test(t.text))
      throw new ExprError('floating constant in preprocessor expression', t);
    throw new ExprError(`invalid integer constant ${quote(t.text, '"')} in #if`, t);
  }
  const digits = m[1]!;
  const suffix = m[2]!.toLowerCase();
  if (!['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(suffix)) throw new ExprError(`invalid suffix ${quote(m[2] ?? '', '"')} on integer constant`, t);
  let v: bigint;
  if (/^0[bB]/.test(digits)) v = BigInt(digits);
  else if (/^0[xX]/.test(digits)) v = BigInt(digits);
  else if (digits.length > 1 && digits[0] === '0') {
    if (/[89]/.test(digits)) throw new ExprError(`invalid digit in octal constant ${quote(t.text, '"')}`, t);
    v = BigInt('0o' + digits.slice(1));
  } else v = BigInt(digits);
  if (v > (1n << 64n) - 1n) throw new ExprError('integer constant is too large for its type', t);
  return { v, unsigned: suffix.includes('u') || v > INT_MAX };
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };

/** A character constant's value: `char` is signed (as on the hosts gcc builds the kernel on). */
export function parseChar(t: PToken): Value {
  const body = t.text.slice(1, -1);
  const chars: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '\\') {
      chars.push(c.charCodeAt(0) & 0xff);
      i++;
      continue;
    }
    const e = body[i + 1] ?? '';
    if (e === 'x') {
      const hex = /^[0-9a-fA-F]+/.exec(body.slice(i + 2))?.[0] ?? '';
      chars.push(parseInt(hex || '0', 16) & 0xff);
      i += 2 + hex.length;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      chars.push(parseInt(oct, 8) & 0xff);
      i += 1 + oct.length;
    } else {
      chars.push(SIMPLE_ESCAPES[e] ?? e.charCodeAt(0));
      i += 2;
    }
  }
  if (chars.length === 0) throw new ExprError('empty character constant', t);
  if (chars.length === 1) return { v: BigInt(chars[0]! >= 128 ? chars[0]! - 256 : chars[0]!), unsigned: false };
  // Multi-character constants: big-endian packing into an int, as gcc does.
  let v = 0n;
  for (const c of chars.slice(-4)) v = (v << 8n) | BigInt(c);
  return { v: BigInt.asIntN(32, v), unsigned: false };
}
