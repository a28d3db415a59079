/**
 * The directive driver: reads files line by line, runs directives, keeps the
 * conditional stack and the include stack, and feeds text lines to the macro
 * expander, whose results go to the printer.
 */
import { bomWarning, UTF8_BOM } from '../source/bom.js';
import type { FileHost } from '../source/host.js';
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import type { Span } from '../source/span.js';
import { Expander, defineFromOption, type ExpansionHost, type TokenFeed } from './expand.js';
import { evaluate } from './expression.js';
import { findInclude, searchedFolders } from './include.js';
import { BUILTIN_NAMES, parseDefine, sameDefinition, type Macro } from './macros.js';
import type { OriginMap } from './origins.js';
import { Printer } from './printer.js';
import { LexedFiles } from './lexed-files.js';
import { EOF_TOKEN, spell, type LogicalLine, type PToken } from './tokens.js';
import { quote, shownName } from '../source/quote.js';

/** gcc's default for -fmax-include-depth. */
export const DEFAULT_MAX_INCLUDE_DEPTH = 200;
/**
 * Files one run may `#include` (each time counted, guarded or not) and their
 * bytes added up: ten includes of the next file, nine levels deep, are a
 * billion inclusions. Real boards include a few hundred at most.
 */
export const MAX_INCLUDES = 10_000;
/**
 * Bytes one run may preprocess, the main file and every inclusion added up.
 * Smaller than the input limit (MAX_INPUT_BYTES) because this preprocessor
 * holds every token of a file at once: about 100 bytes of memory and 0.5 µs
 * per input byte at worst. The largest real boards preprocess about 1 MiB
 * with all their headers; 4 MiB keeps a small file that includes itself 200
 * levels deep (as gcc allows) near a second (8 MiB let a 35 KB one take over
 * 2 s: fuzz seed 4004).
 */
export const MAX_PREPROCESS_BYTES = 4 * 1024 * 1024;

export interface DriverOptions {
  host: FileHost;
  includeDirs: readonly string[];
  defines?: ReadonlyArray<readonly [string, string]>;
  undefines?: readonly string[];
  maxIncludeDepth?: number;
  /** Lexed files shared with other runs (by default this run's own). */
  lexed?: LexedFiles;
}

export interface DriverResult {
  ok: boolean;
  output: string;
  diagnostics: Diagnostic[];
  origins: OriginMap;
}

/** The directives gcc knows; any other `#word` line is assembler text and passes through. */
export const DIRECTIVES = new Set([
  'include', 'include_next', 'import', 'define', 'undef', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif',
  'error', 'warning', 'pragma', 'line', 'ident', 'sccs', 'assert', 'unassert',
]);
const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

interface Conditional {
  readonly at: PToken;
  readonly directive: string;
  /** The enclosing text is skipped, so no branch here is taken. */
  readonly parentSkipping: boolean;
  /** Some branch has been taken already. */
  taken: boolean;
  skipping: boolean;
  sawElse: boolean;
}

interface OpenFile {
  readonly path: string;
  /** The name line markers, diagnostics and __FILE__ use (`#line` may change it). */
  name: string;
  readonly lines: LogicalLine[];
  next: number;
  tokens: PToken[];
  tokenIndex: number;
  /** Presumed line minus physical line (`#line`). */
  lineDelta: number;
  readonly dirIndex: number;
  readonly conditionals: Conditional[];
  /** Presumed line in the includer to return to. */
  readonly returnLine: number;
  /** Whether the file, so far, is one include guard (see GuardWatch). */
  readonly guard: GuardWatch;
}

/**
 * gcc's multiple-include optimisation: a file that is wholly one `#ifndef X`
 * … `#endif`, with nothing but blank lines and comments outside it, is not
 * entered again while X is defined: no tokens, no line markers, no second
 * look at its lines. `start`: nothing seen yet; `inside`: in the guard;
 * `closed`: after its `#endif`; `none`: not a guarded file. Anything that
 * gcc might take and we are not sure of counts as `none`, which only costs
 * the time of entering the file again (its lines are all skipped).
 */
interface GuardWatch {
  state: 'start' | 'inside' | 'closed' | 'none';
  macro: string;
}

class FatalError {}

function isDirectiveLine(line: LogicalLine): boolean {
  const [hash, name] = line.tokens;
  if (!hash || hash.kind !== 'punct' || (hash.text !== '#' && hash.text !== '%:')) return false;
  return name === undefined || (name.kind === 'name' && DIRECTIVES.has(name.text));
}

/** A directive line at the top level of a file (outside any conditional): what it does to the file's guard. */
function watchTopLine(guard: GuardWatch, line: LogicalLine): void {
  const [, directive, name] = line.tokens;
  if (guard.state === 'start' && directive?.text === 'ifndef' && name?.kind === 'name') {
    guard.state = 'inside';
    guard.macro = name.text;
  } else {
    guard.state = 'none';
  }
}

/** A directive line's tokens as a feed, for expanding `#if` and `#include` operands. */
class LineFeed implements TokenFeed {
  private i = 0;
  private readonly back: PToken[] = [];
  constructor(private readonly tokens: readonly PToken[]) {}
  next(): PToken {
    return this.back.pop() ?? this.tokens[this.i++] ?? EOF_TOKEN;
  }
  unread(t: PToken): void {
    if (t.kind !== 'eof') this.back.push(t);
  }
}

export class Driver implements TokenFeed, ExpansionHost {
  readonly macros = new Map<string, Macro>();
  readonly diagnostics: Diagnostic[] = [];
  private readonly files: OpenFile[] = [];
  private readonly pushback: PToken[] = [];
  private readonly onceFiles = new Set<string>();
  /** Files found to be wholly inside an include guard, and its macro (GuardWatch). */
  private readonly guards = new Map<string, string>();
  /** Every file ever entered (for `#import`). */
  private readonly seenFiles = new Set<string>();
  /** `#assert` predicates and their answers (spelled). */
  private readonly assertions = new Map<string, string[]>();
  /** `#pragma push_macro` stacks (null: was not defined). */
  private readonly pushed = new Map<string, Array<Macro | null>>();
  private readonly printer = new Printer();
  private readonly expander: Expander;
  private readonly maxDepth: number;
  private counter = 0;
  private includes = 0;
  private preprocessedBytes = 0;
  private failed = false;
  private mainName = '';

  constructor(private readonly options: DriverOptions) {
    this.expander = new Expander(this, this, false);
    this.maxDepth = options.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
    this.lexed = options.lexed ?? new LexedFiles();
    this.defineBuiltin('__DTS__', '1');
    for (const [name, value] of options.defines ?? []) this.defineBuiltin(name, value);
    for (const name of options.undefines ?? []) this.macros.delete(name);
  }

  run(path: string, text: string): DriverResult {
    this.mainName = path;
    try {
      this.preprocessedBytes = text.length;
      if (text.length > MAX_PREPROCESS_BYTES) {
        this.diagnostics.push({ severity: 'error', check: 'cpp_limit', message: `file of ${text.length} bytes is more than the ${MAX_PREPROCESS_BYTES} bytes the preprocessor takes`, file: path });
        this.failed = true;
        throw new FatalError();
      }
      this.openFile(path, path, text, -1, 0);
      for (;;) {
        const tok = this.expander.get();
        if (tok.kind === 'eof') {
          if (!this.closeFile()) break;
          continue;
        }
        if (tok.kind === 'padding') {
          this.printer.padding(tok);
          continue;
        }
        const file = this.top();
        if (!this.expander.expanding && file) this.printer.original(tok, file.name, tok.line + file.lineDelta);
        else {
          // Where it came from: its own place when read from the file, else the invocation's (no object per token).
          const inv = this.expander.invocation;
          const delta = file?.lineDelta ?? 0;
          const from = inv && !tok.fromFile ? inv.at : tok;
          this.printer.expanded(tok, file?.name ?? this.mainName, (inv?.at ?? tok).line + delta, from.line + delta, from.col, inv?.name);
        }
      }
    } catch (e) {
      if (e instanceof RangeError) {
        // Out of stack (or memory) in some deeply nested construct: say where, never throw.
        const at = this.expander.invocation?.at;
        this.report('error', 'cpp_limit', `input nested too deeply to preprocess (${e.message})`, at && at.line > 0 ? at : this.top()?.tokens[0]);
      } else if (!(e instanceof FatalError)) {
        this.report('error', 'cpp_internal', `internal preprocessor error: ${String(e)}`, undefined);
      }
    }
    return { ok: !this.failed, output: this.printer.finish(), diagnostics: this.diagnostics, origins: this.printer.origins };
  }

  // ---- ExpansionHost ----

  builtin(name: string, at: PToken, line: number): PToken | null {
    if (!BUILTIN_NAMES.has(name)) return null;
    const file = this.top();
    const make = (kind: 'string' | 'number', text: string): PToken => ({ kind, text, line: at.line, col: at.col, white: at.white });
    const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
    switch (name) {
      case '__FILE__':
        return make('string', quote(file?.name ?? this.mainName));
      case '__BASE_FILE__':
        return make('string', quote(this.mainName));
      case '__LINE__':
        return make('number', String(line + (file?.lineDelta ?? 0)));
      case '__COUNTER__':
        return make('number', String(this.counter++));
      default:
        return make('number', String(Math.max(0, this.files.length - 1)));
    }
  }

  report(severity: Severity, check: string, message: string, at: PToken | undefined, file = this.top()?.name ?? this.mainName): void {
    if (severity === 'error') this.failed = true;
    const span: Span | undefined = at && at.line > 0 ? { file, line: at.line + (this.top()?.lineDelta ?? 0), col: at.col, endLine: at.line + (this.top()?.lineDelta ?? 0), endCol: at.col + Math.max(1, at.text.length) } : undefined;
    this.diagnostics.push(span ? { severity, check, message, span } : { severity, check, message });
  }

  // ---- TokenFeed (the files) ----

  next(lookingForParen: boolean): PToken {
    const back = this.pushback.pop();
    if (back && !back.directiveAhead) return back;
    for (;;) {
      const file = this.top();
      if (!file) return EOF_TOKEN;
      if (file.tokenIndex < file.tokens.length) return file.tokens[file.tokenIndex++]!;
      const line = file.lines[file.next];
      if (!line) return EOF_TOKEN;
      const skipping = this.skipping(file);
      if (isDirectiveLine(line)) {
        // gcc does not run a directive while looking for a macro's `(`: the macro is simply not invoked.
        if (lookingForParen && !skipping) return { ...line.tokens[0]!, directiveAhead: true };
        if (file.guard.state !== 'none' && file.conditionals.length === 0) watchTopLine(file.guard, line);
        file.next++;
        file.tokens = [];
        file.tokenIndex = 0;
        this.directive(file, line, skipping);
        continue;
      }
      file.next++;
      if (skipping) continue;
      if (file.guard.state !== 'none' && file.conditionals.length === 0 && line.tokens.length > 0) file.guard.state = 'none';
      file.tokens = line.tokens;
      file.tokenIndex = 0;
    }
  }

  unread(token: PToken): void {
    if (token.kind !== 'eof') this.pushback.push(token);
  }

  // ---- files ----

  private top(): OpenFile | undefined {
    return this.files[this.files.length - 1];
  }

  private skipping(file: OpenFile): boolean {
    return file.conditionals[file.conditionals.length - 1]?.skipping ?? false;
  }

  /** Files cut into tokens, by their text: the same file reached under another name (or by another run sharing them) is not cut again. */
  private readonly lexed: LexedFiles;

  private openFile(path: string, name: string, text: string, dirIndex: number, returnLine: number): void {
    const lexDiagnostics: Diagnostic[] = [];
    if (text.startsWith(UTF8_BOM)) {
      text = text.slice(UTF8_BOM.length);
      lexDiagnostics.push(bomWarning(name, 'cpp_bom'));
    }
    // A file included again (a guarded header, a file that includes itself)
    // is cut into tokens once: the lines are only read, never changed. Keyed
    // by the text, not the name: `#include "../d/x.dts"` from d/x.dts names
    // the same file longer at every level, and lexing it anew at each of 200
    // levels made a 35 KB input cost seconds and hundreds of MiB.
    const lexed = this.lexed.lex(name, text);
    lexDiagnostics.push(...(lexed.name === name ? lexed.diagnostics : lexed.diagnostics.map((d) => renamed(d, name))));
    const lines = lexed.lines;
    for (const d of lexDiagnostics) {
      if (d.severity === 'error') this.failed = true;
      this.diagnostics.push(d);
    }
    this.seenFiles.add(path);
    this.files.push({ path, name, lines, next: 0, tokens: [], tokenIndex: 0, lineDelta: 0, dirIndex, conditionals: [], returnLine, guard: { state: 'start', macro: '' } });
    this.printer.marker(name, 1, this.files.length > 1 ? 1 : undefined);
  }

  /** End of the current file: check its conditionals and return to the includer; false at the end of the main file. */
  private closeFile(): boolean {
    const file = this.files.pop();
    if (!file) return false;
    if (file.guard.state === 'closed') this.guards.set(file.path, file.guard.macro);
    for (const c of file.conditionals) this.report('error', 'cpp_conditional', `unterminated #${c.directive}`, c.at, file.name);
    this.pushback.length = 0;
    const parent = this.top();
    if (!parent) return false;
    this.printer.marker(parent.name, file.returnLine, 2);
    return true;
  }

  private defineBuiltin(name: string, value: string): void {
    const macro = defineFromOption(name, value);
    if (macro) this.macros.set(name, macro);
    else this.report('error', 'cpp_define', `invalid -D option "${name}=${value}"`, undefined, '<command-line>');
  }

  // ---- directives ----

  private directive(file: OpenFile, line: LogicalLine, skipping: boolean): void {
    const nameTok = line.tokens[1];
    if (!nameTok) return; // the null directive
    const name = nameTok.text;
    const rest = line.tokens.slice(2);
    if (skipping && !CONDITIONALS.has(name)) return;
    switch (name) {
      case 'define':
        return this.define(file, rest, nameTok);
      case 'undef':
        if (rest[0]?.kind !== 'name') return this.report('error', 'cpp_define', 'no macro name given in #undef directive', rest[0] ?? nameTok);
        if (rest.length > 1) this.report('warning', 'cpp_syntax', 'extra tokens at end of #undef directive', rest[1]);
        this.macros.delete(rest[0].text);
        return;
      case 'include':
      case 'include_next':
      case 'import':
        return this.include(file, line, rest, nameTok, name === 'include_next', name === 'import');
      case 'if':
        return this.pushConditional(file, nameTok, (parentSkipping) => !parentSkipping && this.evaluateIf(rest, nameTok));
      case 'ifdef':
      case 'ifndef':
        return this.pushConditional(file, nameTok, (parentSkipping) => {
          if (parentSkipping) return false;
          if (rest[0]?.kind !== 'name') {
            this.report('error', 'cpp_syntax', `no macro name given in #${name} directive`, rest[0] ?? nameTok);
            return false;
          }
          return this.isDefined(rest[0].text) === (name === 'ifdef');
        });
      case 'elif':
      case 'elifdef':
      case 'elifndef':
      case 'else':
        return this.elseBranch(file, nameTok, rest);
      case 'endif':
        if (!file.conditionals.pop()) this.report('error', 'cpp_conditional', '#endif without #if', nameTok);
        else if (file.guard.state === 'inside' && file.conditionals.length === 0) file.guard.state = 'closed';
        return;
      case 'error':
        return this.report('error', 'cpp_error', `#error ${spell(rest)}`.trimEnd(), nameTok);
      case 'warning':
        return this.report('warning', 'cpp_warning', `#warning ${spell(rest)}`.trimEnd(), nameTok);
      case 'pragma':
        return this.pragma(file, rest);
      case 'ident':
      case 'sccs':
        // gcc has no ident callback for assembler: the line is checked and dropped.
        if (rest[0]?.kind !== 'string') this.report('error', 'cpp_syntax', `invalid #${name} directive`, rest[0] ?? nameTok);
        return;
      case 'assert':
      case 'unassert':
        return this.assertDirective(rest, nameTok, name === 'assert');
      case 'line':
        return this.lineDirective(file, line, rest, nameTok);
    }
  }

  private isDefined(name: string): boolean {
    return this.macros.has(name) || BUILTIN_NAMES.has(name);
  }

  private define(file: OpenFile, rest: PToken[], at: PToken): void {
    const r = parseDefine(rest, file.name);
    if ('error' in r) return this.report('error', 'cpp_define', r.error, r.at ?? at);
    const old = this.macros.get(r.macro.name);
    if (old && !sameDefinition(old, r.macro)) {
      this.report('warning', 'cpp_redefine', `${quote(r.macro.name, '"')} redefined (previous definition at ${shownName(old.file)}:${old.line})`, rest[0]);
    }
    this.macros.set(r.macro.name, r.macro);
  }

  private pushConditional(file: OpenFile, at: PToken, decide: (parentSkipping: boolean) => boolean): void {
    const parentSkipping = this.skipping(file);
    const taken = decide(parentSkipping);
    file.conditionals.push({ at, directive: at.text, parentSkipping, taken, skipping: parentSkipping || !taken, sawElse: false });
  }

  private elseBranch(file: OpenFile, at: PToken, rest: PToken[]): void {
    // A guard with another branch is no guard.
    if (file.guard.state === 'inside' && file.conditionals.length === 1) file.guard.state = 'none';
    const c = file.conditionals[file.conditionals.length - 1];
    if (!c) return this.report('error', 'cpp_conditional', `#${at.text} without #if`, at);
    if (c.sawElse) return this.report('error', 'cpp_conditional', `#${at.text} after #else`, at);
    if (at.text === 'else') {
      c.sawElse = true;
      c.skipping = c.parentSkipping || c.taken;
      c.taken = true;
      return;
    }
    // #elif: evaluated only when no earlier branch was taken (gcc does not look at it otherwise).
    if (c.parentSkipping || c.taken) {
      c.skipping = true;
      return;
    }
    if (at.text === 'elifdef' || at.text === 'elifndef') {
      if (rest[0]?.kind !== 'name') {
        this.report('error', 'cpp_syntax', `no macro name given in #${at.text} directive`, rest[0] ?? at);
        c.taken = false;
      } else c.taken = this.isDefined(rest[0].text) === (at.text === 'elifdef');
      c.skipping = !c.taken;
      return;
    }
    c.taken = this.evaluateIf(rest, at);
    c.skipping = !c.taken;
  }

  /** Expand and evaluate an `#if`/`#elif` line; an error counts as false. */
  private evaluateIf(rest: PToken[], at: PToken): boolean {
    const expander = new Expander(new LineFeed(rest), this, true);
    const tokens: PToken[] = [];
    for (;;) {
      const t = expander.get();
      if (t.kind === 'eof') break;
      if (t.kind === 'punct' && (t.text === '#' || t.text === '%:')) {
        // An assertion: `#pred` or `#pred(answer)`.
        const pred = expander.getUnexpanded();
        if (pred.kind !== 'name') {
          this.report('error', 'cpp_expression', 'assertion without predicate', pred.kind === 'eof' ? t : pred);
          return false;
        }
        const answers = this.assertions.get(pred.text);
        let value = !!answers && answers.length > 0;
        const open = expander.getUnexpanded();
        if (open.kind === 'punct' && open.text === '(') {
          const answer: PToken[] = [];
          for (let a = expander.getUnexpanded(); !(a.kind === 'punct' && a.text === ')'); a = expander.getUnexpanded()) {
            if (a.kind === 'eof') {
              this.report('error', 'cpp_expression', "missing ')' to complete answer", t);
              return false;
            }
            if (a.kind !== 'padding') answer.push(a);
          }
          value = !!answers && answers.includes(spell(answer));
        }
        tokens.push({ kind: 'number', text: value ? '1' : '0', line: t.line, col: t.col, white: t.white });
        // The token after a bare `#pred` was read unexpanded; anything valid there is an operator.
        if (!(open.kind === 'punct' && open.text === '(') && open.kind !== 'eof' && open.kind !== 'padding') tokens.push(open);
        continue;
      }
      if (t.kind === 'name' && t.text === 'defined') {
        let operand = expander.getUnexpanded();
        const paren = operand.text === '(' && operand.kind === 'punct';
        if (paren) operand = expander.getUnexpanded();
        if (operand.kind !== 'name') {
          this.report('error', 'cpp_expression', 'operator "defined" requires an identifier', operand.kind === 'eof' ? t : operand);
          return false;
        }
        if (paren && expander.getUnexpanded().text !== ')') {
          this.report('error', 'cpp_expression', 'missing \')\' after "defined"', operand);
          return false;
        }
        tokens.push({ kind: 'number', text: this.isDefined(operand.text) ? '1' : '0', line: t.line, col: t.col, white: t.white });
        continue;
      }
      tokens.push(t);
    }
    const r = evaluate(tokens);
    if ('error' in r) {
      this.report('error', 'cpp_expression', r.error === '#if with no expression' ? `#${at.text} with no expression` : r.error, r.at && r.at.line > 0 ? r.at : at);
      return false;
    }
    return r.value;
  }

  /** The operand of `#include`: a "name", a <name>, or macros expanding to one of them. */
  private includeName(rest: PToken[]): { name: string; angled: boolean } | null {
    let toks = rest;
    const first = toks[0];
    if (!first) return null;
    if (first.kind !== 'string' && first.text !== '<') {
      const expander = new Expander(new LineFeed(rest), this, true);
      toks = [];
      for (let t = expander.get(); t.kind !== 'eof'; t = expander.get()) toks.push(t);
    }
    const head = toks[0];
    if (head?.kind === 'string') return { name: head.text.slice(1, -1), angled: false };
    if (head?.text === '<') {
      const end = toks.findIndex((t, i) => i > 0 && t.text === '>');
      if (end < 0) return null;
      // The header name is the text between the brackets, with the source's spacing.
      const inner = toks.slice(1, end);
      const name = inner.map((t, i) => (i > 0 && t.white ? (t.gap && t.fromFile ? t.gap : ' ') : '') + t.text).join('');
      return { name, angled: true };
    }
    return null;
  }

  private include(file: OpenFile, line: LogicalLine, rest: PToken[], at: PToken, next: boolean, importOnce = false): void {
    const operand = this.includeName(rest);
    if (!operand) return this.report('error', 'cpp_include', `#${at.text} expects "FILENAME" or <FILENAME>`, rest[0] ?? at);
    if (operand.name === '') return this.report('error', 'cpp_include', `empty filename in #${at.text}`, rest[0] ?? at);
    if (this.files.length >= this.maxDepth) {
      return this.report('error', 'cpp_include', `#include nested depth ${this.files.length} exceeds maximum of ${this.maxDepth} (use -fmax-include-depth=DEPTH to increase the maximum)`, at);
    }
    const startDir = next && file.dirIndex >= 0 ? file.dirIndex + 1 : 0;
    const found = findInclude(this.options.host, operand.name, operand.angled || (next && file.dirIndex >= 0), file.path, this.options.includeDirs, startDir);
    if (found && 'error' in found) {
      this.report('error', 'cpp_include', `fatal error: ${operand.name}: ${found.error}`, rest[0] ?? at);
      throw new FatalError();
    }
    if (!found) {
      const dirs = searchedFolders(operand.name, operand.angled || (next && file.dirIndex >= 0), file.path, this.options.includeDirs, startDir);
      const searched = dirs.length > 0 ? `searched ${dirs.join(', ')}` : 'no folder to search';
      const hint = operand.name.startsWith('/') ? '' : ` (${searched}; add the folder that holds it with -I DIR)`;
      this.report('error', 'cpp_include', `fatal error: ${shownName(operand.name)}: No such file or directory${hint}`, rest[0] ?? at);
      throw new FatalError();
    }
    if (this.onceFiles.has(found.path)) return;
    const guard = this.guards.get(found.path);
    if (guard !== undefined && this.isDefined(guard)) return;
    if (++this.includes > MAX_INCLUDES) {
      this.report('error', 'cpp_include', `more than ${MAX_INCLUDES} files included: an include bomb?`, at);
      throw new FatalError();
    }
    if ((this.preprocessedBytes += found.bytes.length) > MAX_PREPROCESS_BYTES) {
      this.report('error', 'cpp_include', `the file and its includes add up to more than the ${MAX_PREPROCESS_BYTES} bytes the preprocessor takes`, at);
      throw new FatalError();
    }
    // A file that includes itself (directly or round a loop) only multiplies
    // the errors it already made: once the run has failed, the loop is not
    // followed again (the output is refused anyway; GNU cpp would go on to
    // its depth limit, repeating every diagnostic at each level).
    if (this.failed && this.files.some((f) => f.path === found.path)) return;
    if (importOnce) {
      // `#import`: the file is included once; if it was ever entered, not again.
      this.onceFiles.add(found.path);
      if (this.seenFiles.has(found.path)) return;
    }
    const returnLine = line.lastLine + 1 + file.lineDelta;
    this.openFile(found.path, found.path, this.lexed.textOf(found.bytes), found.dirIndex, returnLine);
  }

  private pragma(file: OpenFile, rest: PToken[]): void {
    const [a, b] = rest;
    if (a?.text === 'once' && rest.length === 1) {
      this.onceFiles.add(file.path);
      return;
    }
    if ((a?.text === 'push_macro' || a?.text === 'pop_macro') && b?.text === '(') {
      const nameTok = rest[2];
      if (nameTok?.kind !== 'string' || rest[3]?.text !== ')') {
        return this.report('error', 'cpp_pragma', `invalid #pragma ${a.text} directive`, nameTok ?? b);
      }
      const name = nameTok.text.slice(1, -1);
      const stack = this.pushed.get(name) ?? [];
      if (a.text === 'push_macro') {
        stack.push(this.macros.get(name) ?? null);
        this.pushed.set(name, stack);
      } else if (stack.length > 0) {
        const m = stack.pop()!;
        if (m) this.macros.set(name, m);
        else this.macros.delete(name);
      }
      return;
    }
    if (a?.text === 'GCC' && (b?.text === 'error' || b?.text === 'warning')) {
      const msg = rest[2];
      if (msg?.kind !== 'string') return this.report('error', 'cpp_pragma', `invalid "#pragma GCC ${b.text}" directive`, msg ?? b);
      const text = msg.text.slice(1, -1).replace(/\\(.)/g, '$1');
      return this.report(b.text === 'error' ? 'error' : 'warning', b.text === 'error' ? 'cpp_error' : 'cpp_warning', text, msg);
    }
    // gcc registers no pragma printer for assembler: other pragmas vanish from the output.
  }

  private assertDirective(rest: PToken[], at: PToken, add: boolean): void {
    const pred = rest[0];
    if (pred?.kind !== 'name') return this.report('error', 'cpp_syntax', 'assertion without predicate', pred ?? at);
    let answer: string | null = null;
    if (rest[1]?.text === '(') {
      const close = rest.findIndex((t, i) => i > 1 && t.text === ')');
      if (close < 0) return this.report('error', 'cpp_syntax', "missing ')' to complete answer", rest[1]);
      answer = spell(rest.slice(2, close).map((t, i) => (i === 0 ? { ...t, white: false } : t)));
      if (answer === '') return this.report('error', 'cpp_syntax', 'predicate\'s answer is empty', rest[1]);
    } else if (add) return this.report('error', 'cpp_syntax', 'missing \'(\' after predicate', rest[1] ?? pred);
    const answers = this.assertions.get(pred.text) ?? [];
    if (add) {
      if (!answers.includes(answer!)) answers.push(answer!);
      this.assertions.set(pred.text, answers);
    } else if (answer === null) this.assertions.delete(pred.text);
    else this.assertions.set(pred.text, answers.filter((x) => x !== answer));
  }

  private lineDirective(file: OpenFile, line: LogicalLine, rest: PToken[], at: PToken): void {
    const expander = new Expander(new LineFeed(rest), this, true);
    const toks: PToken[] = [];
    for (let t = expander.get(); t.kind !== 'eof'; t = expander.get()) toks.push(t);
    const num = toks[0];
    if (num?.kind !== 'number' || !/^[0-9]+$/.test(num.text)) {
      return this.report('error', 'cpp_syntax', `${quote(num?.text ?? '', '"')} after #line is not a positive integer`, num ?? at);
    }
    // The line after the directive gets the given number.
    file.lineDelta = Number(num.text) - (line.lastLine + 1);
    if (toks[1]?.kind === 'string') file.name = toks[1].text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
}

/** A lexer diagnostic for the same text reached under another name. */
function renamed(d: Diagnostic, name: string): Diagnostic {
  const copy: Diagnostic = { ...d };
  if (copy.file !== undefined) copy.file = name;
  if (copy.span) copy.span = { ...copy.span, file: name };
  return copy;
}

export function runPreprocessor(path: string, text: string, options: DriverOptions): DriverResult {
  return new Driver(options).run(path, text);
}
