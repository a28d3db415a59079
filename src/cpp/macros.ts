/**
 * The macro table and the parsing of `#define` lines into macro definitions:
 * parameters become `param` tokens, `#` marks its operand `stringify`, and
 * `##` becomes `pasteLeft` on its left operand, as gcc stores them.
 */
import type { PToken } from './tokens.js';
import { quote } from '../source/quote.js';

export interface Macro {
  readonly name: string;
  readonly functionLike: boolean;
  readonly params: readonly string[];
  /** The last parameter collects the remaining arguments (`...` or `name...`). */
  readonly variadic: boolean;
  readonly body: readonly PToken[];
  /** Set while the macro's own expansion is being read (its name is not expanded there). */
  disabled: boolean;
  /** Where it was defined, for redefinition warnings. */
  readonly file: string;
  readonly line: number;
}

export type DefineResult = { macro: Macro } | { error: string; at?: PToken };

const VA_ARGS = '__VA_ARGS__';

/** Parse the tokens after `#define` (name first). */
export function parseDefine(tokens: readonly PToken[], file: string): DefineResult {
  const nameTok = tokens[0];
  if (!nameTok) return { error: 'no macro name given in #define directive' };
  if (nameTok.kind !== 'name') return { error: 'macro names must be identifiers', at: nameTok };
  if (nameTok.text === 'defined') return { error: '"defined" cannot be used as a macro name', at: nameTok };
  let i = 1;
  const params: string[] = [];
  let variadic = false;
  const functionLike = tokens[1]?.text === '(' && !tokens[1]!.white;
  if (functionLike) {
    i = 2;
    if (tokens[i]?.text === ')') i++;
    else {
      for (;;) {
        const t = tokens[i];
        if (!t) return { error: 'missing \')\' in macro parameter list', at: nameTok };
        if (t.text === '...') {
          params.push(VA_ARGS);
          variadic = true;
          i++;
        } else if (t.kind === 'name') {
          if (params.includes(t.text)) return { error: `duplicate macro parameter ${quote(t.text, '"')}`, at: t };
          if (t.text === VA_ARGS) return { error: '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro', at: t };
          params.push(t.text);
          i++;
          if (tokens[i]?.text === '...') {
            variadic = true;
            i++;
          }
        } else return { error: `expected parameter name, found ${quote(t.text, '"')}`, at: t };
        const sep = tokens[i];
        if (sep?.text === ')') {
          i++;
          break;
        }
        if (variadic) return { error: 'missing \')\' in macro parameter list', at: sep ?? nameTok };
        if (sep?.text !== ',') return { error: sep ? `expected ',' or ')', found ${quote(sep.text, '"')}` : 'missing \')\' in macro parameter list', at: sep ?? nameTok };
        i++;
      }
    }
  }
  const raw = tokens.slice(i);
  const body: PToken[] = [];
  for (let k = 0; k < raw.length; k++) {
    const t = raw[k]!;
    const first = body.length === 0;
    if (t.text === '##' && t.kind === 'punct') {
      if (first) return { error: "'##' cannot appear at either end of a macro expansion", at: t };
      if (k === raw.length - 1) return { error: "'##' cannot appear at either end of a macro expansion", at: t };
      body[body.length - 1] = { ...body[body.length - 1]!, pasteLeft: true };
      continue;
    }
    const paramIndex = t.kind === 'name' ? params.indexOf(t.text) : -1;
    if (t.kind === 'name' && t.text === VA_ARGS && !(variadic && params[params.length - 1] === VA_ARGS)) {
      return { error: '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro', at: t };
    }
    if (functionLike && t.text === '#' && t.kind === 'punct') {
      const next = raw[k + 1];
      const p = next?.kind === 'name' ? params.indexOf(next.text) : -1;
      if (p >= 0) {
        body.push({ ...next!, white: first ? false : t.white, param: p, stringify: true });
        k++;
        continue;
      }
      // In assembler mode a `#` not followed by a parameter is an ordinary token.
    }
    const stored: PToken = { ...t, white: first ? false : t.white, fromFile: false };
    body.push(paramIndex >= 0 ? { ...stored, param: paramIndex } : stored);
  }
  return { macro: { name: nameTok.text, functionLike, params, variadic, body, disabled: false, file, line: nameTok.line } };
}

/** Two definitions are the same when parameters, tokens and whitespace between them agree (C11 §6.10.3p2). */
export function sameDefinition(a: Macro, b: Macro): boolean {
  if (a.functionLike !== b.functionLike || a.variadic !== b.variadic || a.params.join(',') !== b.params.join(',')) return false;
  if (a.body.length !== b.body.length) return false;
  return a.body.every((t, i) => {
    const u = b.body[i]!;
    return t.text === u.text && t.white === u.white && !!t.pasteLeft === !!u.pasteLeft && !!t.stringify === !!u.stringify;
  });
}

/** Names the preprocessor computes itself. */
export const BUILTIN_NAMES = new Set(['__FILE__', '__LINE__', '__COUNTER__', '__INCLUDE_LEVEL__', '__BASE_FILE__']);
