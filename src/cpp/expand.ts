/**
 * Macro expansion, modelled on how GNU cpp does it so that the output spacing
 * (which decides DTS tokens such as `a-0x1000 -b`) is the same: a stack of
 * contexts (replacement lists being read), a macro is disabled while its own
 * context is on the stack, identifiers met while disabled are painted blue
 * for good, and macro and argument boundaries produce padding tokens that the
 * printer turns into a space only where gcc would print one.
 */
import { parseDefine, type Macro } from './macros.js';
import { AVOID_PASTE, EOF_TOKEN, lexString, padding, spell, type PToken } from './tokens.js';
import { quote } from '../source/quote.js';

/** Where unexpanded tokens come from: the file being read, or one directive line. */
export interface TokenFeed {
  /** The next token; `eof` at the end of the file or line (repeatedly). `lookingForParen`: do not run a directive line, return a `directiveAhead` token for it. */
  next(lookingForParen: boolean): PToken;
  /** Give back the last token read. */
  unread(token: PToken): void;
}

export interface ExpansionHost {
  readonly macros: Map<string, Macro>;
  /** The value of `__FILE__` and friends, or null when `name` is not one. `line`: the physical line `__LINE__` stands for. */
  builtin(name: string, at: PToken, line: number): PToken | null;
  report(severity: 'error' | 'warning', check: string, message: string, at: PToken | undefined): void;
}

/**
 * Guard against runaway expansion (e.g. macros that grow without end through
 * arguments). The token budget is for the whole input: the 57 real TF-A
 * boards preprocess to at most 29 KB, and reaching 5 million tokens took
 * over 2 s and hundreds of MiB, so the limit is 1 million.
 */
export const MAX_CONTEXT_DEPTH = 10_000;
export const MAX_EXPANSION_TOKENS = 1_000_000;
/**
 * Arguments are expanded recursively (as in gcc); past this many macro
 * invocations nested in each other's arguments we stop with an error rather
 * than run out of stack. gcc has no such limit; real files nest a few levels.
 */
export const MAX_ARGUMENT_NESTING = 1_000;

interface Context {
  readonly tokens: readonly PToken[];
  index: number;
  readonly macro: Macro | null;
  /** Physical line of this expansion's expansion point (gcc's LRK_MACRO_EXPANSION_POINT), for `__LINE__`. */
  readonly point?: number;
}

interface Argument {
  readonly raw: PToken[];
  expanded?: PToken[];
}

export interface Invocation {
  readonly name: string;
  readonly at: PToken;
  /** The outermost macro is function-like (gcc then gives `__LINE__` the line of its own expansion point). */
  readonly functionLike?: boolean;
}

export class Expander {
  private readonly contexts: Context[] = [];
  private preventExpansion = 0;
  private parsingArgs = 0;
  private tokenBudget = MAX_EXPANSION_TOKENS;
  private argDepth = 0;
  private budgetReported = false;
  /** The outermost macro invocation whose expansion is being read, for origins. */
  invocation: Invocation | null = null;
  /** Where the last token came from (null: the feed), to give it back. */
  private lastFrom: Context | null = null;

  constructor(
    private readonly feed: TokenFeed,
    private readonly host: ExpansionHost,
    /** Directive lines (`#if`, `#include`) expand without padding, as gcc's `in_directive`. */
    private readonly inDirective: boolean,
  ) {}

  /** The last token returned came out of a macro expansion (or argument), not straight from the feed. */
  get expanding(): boolean {
    return this.lastFrom !== null;
  }

  /** Read one token without expanding it (for `defined X`). */
  getUnexpanded(): PToken {
    this.preventExpansion++;
    try {
      return this.get();
    } finally {
      this.preventExpansion--;
    }
  }

  /** The next fully expanded token (or padding, or eof). */
  get(): PToken {
    for (;;) {
      const ctx = this.contexts[this.contexts.length - 1];
      let tok: PToken;
      if (!ctx) {
        tok = this.feed.next(this.parsingArgs === 1);
        this.lastFrom = null;
      } else if (ctx.index < ctx.tokens.length) {
        tok = ctx.tokens[ctx.index++]!;
        this.lastFrom = ctx;
      } else {
        this.contexts.pop();
        if (ctx.macro) ctx.macro.disabled = false;
        if (this.inDirective) continue;
        return AVOID_PASTE;
      }
      if (tok.kind !== 'name' || tok.noExpand) return tok;
      const macro = this.host.macros.get(tok.text);
      if (!macro) {
        if (this.preventExpansion) return tok;
        const value = this.host.builtin(tok.text, tok, this.lineOf(tok, ctx));
        if (!value) return tok;
        if (!ctx && !this.inDirective) this.invocation = { name: tok.text, at: tok };
        this.contexts.push({ tokens: [value], index: 0, macro: null, point: tok.line });
        if (this.inDirective) continue;
        return padding(tok);
      }
      if (macro.disabled) return { ...tok, noExpand: true };
      if (this.preventExpansion) return tok;
      if (this.enter(macro, tok)) {
        if (this.inDirective) continue;
        return padding(tok);
      }
      return tok;
    }
  }

  /**
   * The line `__LINE__` read as `tok` from `ctx` stands for, as gcc 12 works
   * it out: under an outermost object-like macro, the line of that macro's
   * name; under a function-like one, the expansion point of the token (its own
   * line when it came from the file, e.g. in an argument).
   */
  private lineOf(tok: PToken, ctx: Context | undefined): number {
    if (!ctx || tok.fromFile) {
      if (!ctx || this.inDirective || !this.invocation || this.invocation.functionLike) return tok.line;
      return this.invocation.at.line;
    }
    if (!this.inDirective && this.invocation && !this.invocation.functionLike) return this.invocation.at.line;
    return ctx.point ?? tok.line;
  }

  private backUp(tok: PToken): void {
    const ctx = this.lastFrom;
    if (ctx && this.contexts[this.contexts.length - 1] === ctx && ctx.index > 0) ctx.index--;
    else if (!ctx) this.feed.unread(tok);
    else this.contexts.push({ tokens: [tok], index: 0, macro: null });
  }

  /** Start expanding `macro` named by `nameTok`; false when it is function-like and no `(` follows. */
  private enter(macro: Macro, nameTok: PToken): boolean {
    // The name came straight from the file: this is the outermost invocation at this place.
    const outermost = this.lastFrom === null;
    const from = this.lastFrom;
    const point = nameTok.fromFile || !from ? nameTok.line : (from.point ?? nameTok.line);
    let replacement: PToken[];
    if (macro.functionLike) {
      this.preventExpansion++;
      this.parsingArgs = 1;
      let pad: PToken | null = null;
      let tok = this.get();
      while (tok.kind === 'padding') {
        pad = tok;
        tok = this.get();
      }
      let args: Argument[] | null = null;
      const isParen = tok.kind === 'punct' && tok.text === '(';
      if (isParen) {
        this.parsingArgs = 2;
        args = this.collectArgs(macro, nameTok);
      } else {
        this.backUp(tok);
        if (pad) this.contexts.push({ tokens: [pad], index: 0, macro: null });
      }
      this.preventExpansion--;
      this.parsingArgs = 0;
      if (!args) return false;
      if (outermost && !this.inDirective) this.invocation = { name: macro.name, at: nameTok, functionLike: true };
      replacement = this.replaceArgs(macro, args, point);
    } else {
      if (outermost && !this.inDirective) this.invocation = { name: macro.name, at: nameTok };
      replacement = pasteAll(macro.body.slice(), this.host);
    }
    if (this.contexts.length >= MAX_CONTEXT_DEPTH || (this.tokenBudget -= replacement.length) < 0) {
      if (!this.budgetReported) this.host.report('error', 'cpp_macro', `expansion of macro ${quote(macro.name, '"')} is too deep or too large`, nameTok);
      this.budgetReported = true;
      replacement = [];
    }
    macro.disabled = true;
    this.contexts.push({ tokens: replacement, index: 0, macro, point });
    return true;
  }

  /** Read the arguments after `(`; null (and an error) when the list is unterminated or the count is wrong. */
  private collectArgs(macro: Macro, nameTok: PToken): Argument[] | null {
    const args: Argument[] = [{ raw: [] }];
    let depth = 0;
    // Inside an argument's pre-expansion every level re-reads the rest of the outer argument:
    // those tokens count against the expansion budget, so deep nesting cannot cost quadratic time and memory.
    const charged = this.argDepth > 0;
    for (;;) {
      const tok = this.get();
      // Once the budget is spent (an error already stands), arguments are skipped, never kept or expanded:
      // a file that invokes a huge macro again and again (e.g. by including itself) stays linear and cheap.
      if ((charged && --this.tokenBudget < 0) || this.budgetReported) {
        if (!this.budgetReported) {
          const message = `macro invocations nested more than ${this.argDepth} deep in arguments, re-reading over ${MAX_EXPANSION_TOKENS} tokens`;
          this.host.report('error', 'cpp_macro', message, nameTok);
        }
        this.budgetReported = true;
        if (tok.kind === 'eof') {
          this.backUp(tok);
          return null;
        }
        // Keep reading to the closing parenthesis, keeping nothing.
        if (tok.kind === 'punct' && tok.text === '(') depth++;
        else if (tok.kind === 'punct' && tok.text === ')' && depth-- === 0) return null;
        continue;
      }
      if (tok.kind === 'padding') {
        if (args[args.length - 1]!.raw.length === 0) continue;
        args[args.length - 1]!.raw.push(tok);
        continue;
      }
      if (tok.kind === 'eof') {
        this.backUp(tok);
        this.host.report('error', 'cpp_macro', `unterminated argument list invoking macro ${quote(macro.name, '"')}`, nameTok);
        return null;
      }
      if (tok.kind === 'punct') {
        if (tok.text === '(') depth++;
        else if (tok.text === ')') {
          if (depth === 0) break;
          depth--;
        } else if (tok.text === ',' && depth === 0 && !(macro.variadic && args.length === macro.params.length)) {
          args.push({ raw: [] });
          continue;
        }
      }
      args[args.length - 1]!.raw.push(tok);
    }
    for (const a of args) while (a.raw.length > 0 && a.raw[a.raw.length - 1]!.kind === 'padding') a.raw.pop();
    const want = macro.params.length;
    if (args.length === 1 && want === 0 && args[0]!.raw.length === 0) return [];
    if (args.length < want) {
      // A variadic macro may omit its variable arguments altogether (GNU extension).
      if (macro.variadic && args.length === want - 1) {
        args.push({ raw: [] });
        return args;
      }
      this.host.report('error', 'cpp_macro', `macro ${quote(macro.name, '"')} requires ${want} arguments, but only ${args.length} given`, nameTok);
      return null;
    }
    if (args.length > want) {
      this.host.report('error', 'cpp_macro', `macro ${quote(macro.name, '"')} passed ${args.length} arguments, but takes just ${want}`, nameTok);
      return null;
    }
    return args;
  }

  /** An argument fully macro-expanded on its own (C11 §6.10.3.1), with the macro itself still enabled. */
  private expandArg(arg: Argument, point: number): PToken[] {
    if (arg.expanded) return arg.expanded;
    const out: PToken[] = [];
    if (this.argDepth >= MAX_ARGUMENT_NESTING || this.budgetReported) {
      if (!this.budgetReported) {
        const at = arg.raw.find((t) => t.kind === 'name') ?? arg.raw[0];
        this.host.report('error', 'cpp_macro', `macro invocations nested more than ${MAX_ARGUMENT_NESTING} deep in arguments`, at);
      }
      this.budgetReported = true;
      arg.expanded = out;
      return out;
    }
    this.argDepth++;
    const base = this.contexts.length;
    const saved = this.invocation;
    this.contexts.push({ tokens: [...arg.raw, EOF_TOKEN], index: 0, macro: null, point });
    for (;;) {
      const tok = this.get();
      if (tok.kind === 'eof') break;
      out.push(tok);
    }
    // Drop the argument's own context (and anything left above it).
    while (this.contexts.length > base) {
      const c = this.contexts.pop()!;
      if (c.macro) c.macro.disabled = false;
    }
    this.invocation = saved;
    this.argDepth--;
    arg.expanded = out;
    return out;
  }

  private replaceArgs(macro: Macro, args: Argument[], point: number): PToken[] {
    const out: PToken[] = [];
    const body = macro.body;
    for (let k = 0; k < body.length; k++) {
      const src = body[k]!;
      if (src.param === undefined) {
        out.push(src);
        continue;
      }
      const arg = args[src.param]!;
      if (src.stringify) {
        out.push({ kind: 'string', text: stringify(arg.raw), line: src.line, col: src.col, white: src.white, ...(src.pasteLeft ? { pasteLeft: true } : {}) });
        continue;
      }
      const pasteRight = k > 0 && !!body[k - 1]!.pasteLeft;
      const pasteLeft = !!src.pasteLeft;
      const isVaArgs = macro.variadic && src.param === macro.params.length - 1;
      if (pasteRight && isVaArgs && body[k - 1]!.text === ',' && out[out.length - 1]?.text === ',') {
        // GNU `, ## __VA_ARGS__`: the comma goes away when there are no variable arguments, and is never pasted.
        const comma = out.pop()!;
        const raw = arg.raw.filter((t) => t.kind !== 'padding');
        if (raw.length === 0) continue;
        out.push({ ...comma, pasteLeft: false });
        // No spread: arguments can be longer than the engine's argument limit.
        for (let i = 0; i < raw.length; i++) out.push(i === raw.length - 1 && pasteLeft ? { ...raw[i]!, pasteLeft: true } : raw[i]!);
        continue;
      }
      const from = pasteLeft || pasteRight ? arg.raw.filter((t) => t.kind !== 'padding') : this.expandArg(arg, point);
      if (!pasteRight && k > 0 && !this.inDirective) out.push(padding(src));
      if (from.length === 0) {
        if (pasteLeft || pasteRight) out.push({ kind: 'placemarker', text: '', line: src.line, col: src.col, white: src.white, ...(pasteLeft ? { pasteLeft: true } : {}) });
      } else {
        const copied = from.map((t, i) => (i === 0 && pasteLeft && !pasteRight ? { ...t, white: src.white } : t));
        if (pasteLeft) copied[copied.length - 1] = { ...copied[copied.length - 1]!, pasteLeft: true };
        for (const t of copied) out.push(t);
      }
      if (!pasteLeft && !this.inDirective) out.push(AVOID_PASTE);
    }
    return pasteAll(out, this.host);
  }
}

/** Apply every `##` of a replacement list, left to right, then drop placemarkers. */
export function pasteAll(list: PToken[], host: ExpansionHost): PToken[] {
  const out: PToken[] = [];
  for (let i = 0; i < list.length; i++) {
    let lhs = list[i]!;
    while (lhs.pasteLeft) {
      let j = i + 1;
      while (j < list.length && list[j]!.kind === 'padding') j++;
      const rhs = list[j];
      if (!rhs) {
        lhs = { ...lhs, pasteLeft: false };
        break;
      }
      i = j;
      const pasted = pasteTwo(lhs, rhs);
      if (!pasted) {
        // Assembler mode: an invalid paste is no error, the two tokens stay apart.
        out.push({ ...lhs, pasteLeft: false });
        lhs = rhs;
        continue;
      }
      lhs = pasted;
    }
    if (lhs.kind !== 'placemarker') out.push(lhs);
  }
  void host;
  return out;
}

function pasteTwo(lhs: PToken, rhs: PToken): PToken | null {
  const keep = { line: lhs.line, col: lhs.col, white: lhs.white, ...(rhs.pasteLeft ? { pasteLeft: true } : {}) };
  if (lhs.kind === 'placemarker') return { ...rhs, ...keep };
  if (rhs.kind === 'placemarker') return { ...lhs, ...keep };
  const text = lhs.text + rhs.text;
  const toks = lexString(text);
  if (toks.length !== 1 || toks[0]!.text !== text) return null;
  return { kind: toks[0]!.kind, text, ...keep };
}

/** `#x`: the argument's spelling as a string literal, quotes and backslashes in literals escaped. */
export function stringify(tokens: readonly PToken[]): string {
  let out = '';
  // As gcc's stringify_arg: a padding token's source decides the space before the next token.
  let source: PToken | null = null;
  let backslashes = 0;
  for (const t of tokens) {
    if (t.kind === 'padding') {
      if (source === null || (!source.white && t.source === null)) source = t.source ?? null;
      continue;
    }
    if (t.kind === 'placemarker') continue;
    if (out !== '' && (source ?? t).white) out += ' ';
    source = null;
    backslashes = t.kind === 'other' && t.text[0] === '\\' ? backslashes + 1 : 0;
    out += t.kind === 'string' || t.kind === 'char' ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
  }
  // gcc: "invalid string literal, ignoring final '\\'".
  if (backslashes % 2 === 1) out = out.slice(0, -1);
  return `"${out}"`;
}

/** Parse a `-D NAME=VALUE` option as gcc does: as the line `#define NAME VALUE`. */
export function defineFromOption(name: string, value: string): Macro | null {
  const r = parseDefine(lexString(`${name} ${value}`), '<command-line>');
  return 'macro' in r ? r.macro : null;
}

export { spell };
