/**
 * Macro-heavy devicetree programs that use the preprocessor the way board
 * files do (helpers in headers, function-like macros, pasting, stringizing,
 * conditionals, -D options): the cpp kind mutates them, and the cpp-diff kind
 * compares our preprocessor and compiler with GNU cpp and dtc on them.
 */
import { Rng } from '../rng.js';

// ---------------------------------------------------------------- program model

export interface Program {
  files: Record<string, string>;
  /** -D options as NAME or NAME=VALUE. */
  defines: string[];
}

/** Helpers that exist in every program (defined in the main file or a header). */
const HELPERS: ReadonlyArray<readonly [string, string]> = [
  ['ADD', '#define ADD(a, b) ((a) + (b))'],
  ['SHL', '#define SHL(x, n) ((x) << (n))'],
  ['HEX', '#define HEX(n) 0x##n'],
  ['CAT', '#define CAT(a, b) a##b'],
  ['XCAT', '#define XCAT(a, b) CAT(a, b)'],
  ['STR', '#define STR(x) #x'],
  ['XSTR', '#define XSTR(x) STR(x)'],
  ['CELLS', '#define CELLS(...) <__VA_ARGS__>'],
  ['LIST', '#define LIST(args...) args'],
  ['FIRST', '#define FIRST(a, ...) a'],
  ['OPT', '#define OPT(a, ...) a, ##__VA_ARGS__'],
  ['REF', '#define REF(l) &l'],
  ['LBL', '#define LBL(n) lbl_##n'],
  ['PROP', '#define PROP(n) prop_##n'],
  ['NODE', '#define NODE(name, unit, body...) name@unit { body };'],
  ['UNODE', '#define UNODE(name, unit) name@unit'],
  ['BIT', '#define BIT(n) (1 << (n))'],
  ['GENMASK', '#define GENMASK(h, l) (((~0) << (l)) & (~0 >> (31 - (h))))'],
  ['PAIR', '#define PAIR(a, b) a b'],
  ['IDENT', '#define IDENT(x) x'],
  ['EMPTY', '#define EMPTY'],
  ['APPLY', '#define APPLY(f, x) f(x)'],
  ['TWICE', '#define TWICE(x) ADD(x, x)'],
  ['MAYBE', '#define MAYBE(c, a, b) ((c) ? (a) : (b))'],
];

class Gen {
  /** Numeric object-like macros currently defined (name → C expression text). */
  private nums: string[] = [];
  private flags: string[] = [];
  private labels: string[] = [];
  private counter = 0;
  /** Conditional nesting: labels made inside a conditional may vanish, so they are not referenced. */
  private condDepth = 0;
  private readonly lines: string[] = [];
  readonly files: Record<string, string> = {};
  readonly defines: string[] = [];

  constructor(private readonly r: Rng) {}

  // ---- token joining with comments, continuations and odd spacing

  /** Separator between two tokens on a directive line (no bare newline allowed). */
  private dsep(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.55) return ' ';
    if (x < 0.65) return '\t';
    if (x < 0.75) return ' /* c */ ';
    if (x < 0.82) return '/**/';
    if (x < 0.88) return ' \\\n  ';
    if (x < 0.93) return ' /* multi\n line */ ';
    return '  ';
  }

  /** Separator between two tokens of ordinary text (newlines allowed). */
  private tsep(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.55) return ' ';
    if (x < 0.63) return '\n\t';
    if (x < 0.7) return ' /* c */ ';
    if (x < 0.75) return '/**/';
    if (x < 0.8) return ' // line comment\n  ';
    if (x < 0.85) return ' \\\n';
    if (x < 0.9) return '\t/* multi\n   line */\t';
    return '   ';
  }

  /** Optionally no whitespace at all where the grammar allows it. */
  private tight(sep: () => string): string {
    return this.r.chance(0.3) ? '' : sep();
  }

  private directive(name: string, ...parts: string[]): string {
    const r = this.r;
    const lead = r.pick(['', '', ' ', '\t', ' /* x */ ']);
    const afterHash = r.pick(['', '', ' ', '\t']);
    let s = `${lead}#${afterHash}${name}`;
    for (const p of parts) s += this.dsep() + p;
    if (r.chance(0.1)) s += ' /* trailing */';
    if (r.chance(0.05)) s += ' // trailing';
    return s;
  }

  // ---- expressions

  private num(): string {
    const r = this.r;
    const v = r.int(0, 40);
    switch (r.int(0, 6)) {
      case 0:
        return `0x${v.toString(16)}`;
      case 1:
        return `${v}U`;
      case 2:
        return v === 0 ? '0' : `0${v.toString(8)}`;
      case 3:
        return `${r.int(0, 0xffff)}`;
      default:
        return String(v);
    }
  }

  /** A C integer expression built from constants and macros (for #if and for cells). */
  expr(depth: number, forIf: boolean): string {
    const r = this.r;
    if (depth <= 0 || r.chance(0.3)) {
      const x = r.next();
      if (x < 0.4 || this.nums.length === 0) return this.num();
      if (x < 0.7) return r.pick(this.nums);
      if (x < 0.8) return `HEX(${r.int(0, 99)})`;
      if (x < 0.9) return `BIT(${r.int(0, 20)})`;
      return `TWICE(${this.num()})`;
    }
    const a = () => this.expr(depth - 1, forIf);
    const sep = () => this.tight(forIf ? () => this.dsep() : () => this.tsep());
    switch (r.int(0, 11)) {
      case 0:
        return `(${a()}${sep()}+${sep()}${a()})`;
      case 1:
        return `(${a()}${sep()}-${sep()}${a()})`;
      case 2:
        return `(${a()} * ${a()})`;
      case 3:
        return `(${a()}${sep()}<<${sep()}${r.int(0, 12)})`;
      case 4:
        return `(${a()} >> ${r.int(0, 5)})`;
      case 5:
        return `(${a()} ${r.pick(['<', '>', '<=', '>=', '==', '!='])} ${a()})`;
      case 6:
        return `(${a()} ? ${a()} : ${a()})`;
      case 7:
        return `ADD(${a()},${sep()}${a()})`;
      case 8:
        return `SHL(${a()}, ${r.int(0, 8)})`;
      case 9:
        return `(${a()} ${r.pick(['&', '|', '^', '&&', '||'])} ${a()})`;
      case 10:
        return `(${r.pick(['~', '!', '-'])}${a()})`;
      default:
        return `MAYBE(${a()}, ${a()}, ${a()})`;
    }
  }

  private ifExpr(): string {
    const r = this.r;
    const parts: string[] = [];
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) {
      const x = r.next();
      let e: string;
      if (x < 0.25) e = this.flags.length && r.chance(0.7) ? `defined(${r.pick(this.flags)})` : `defined ${r.pick(['NOPE', 'FLAG_X', '__DTS__', 'HEX'])}`;
      else if (x < 0.35) e = `!defined ${r.pick([...this.flags, 'ZZ'])}`;
      else if (x < 0.45) e = `${r.pick(['-1', '-1L', '(0 - 1)'])} ${r.pick(['<', '>'])} ${r.pick(['0U', '0u', '1', '0x0'])}`;
      else if (x < 0.5) e = `(${this.num()} / ${r.pick(['1', '3', '(2 - 2)'])})`;
      else if (x < 0.55) e = `UNKNOWN_IDENT ${r.pick(['== 0', '+ 1'])}`;
      else if (x < 0.6) e = `'${r.pick(['a', '\\n', '\\x41'])}' == ${r.pick(['97', '10', '65'])}`;
      else if (x < 0.65) e = `(1 ${r.pick(['<<', '>>'])} ${r.pick(['63', '64', '-1', '2'])}) ${r.pick(['> 0', '!= 0', '< 0'])}`;
      else e = this.expr(3, true);
      parts.push(e);
    }
    let s = parts[0]!;
    for (let i = 1; i < parts.length; i++) s += ` ${this.r.pick(['&&', '||'])} ${parts[i]}`;
    return s;
  }

  // ---- definitions

  private fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  defineNum(): string {
    const name = this.fresh('N_');
    const value = this.expr(2, true);
    this.lines.push(this.directive('define', name, value));
    this.nums.push(name);
    return name;
  }

  defineFlag(): void {
    const name = this.fresh('F_');
    this.lines.push(this.r.chance(0.5) ? this.directive('define', name) : this.directive('define', name, String(this.r.int(0, 2))));
    this.flags.push(name);
  }

  private redefine(): void {
    const r = this.r;
    if (this.nums.length === 0) return;
    const name = r.pick(this.nums);
    this.lines.push(this.directive('undef', name));
    // Other macros may refer to it, so it is always defined again (an ill-typed redefinition without #undef is tested elsewhere).
    this.lines.push(this.directive('define', name, this.expr(2, true)));
  }

  // ---- devicetree text

  private cellItem(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.35) return r.chance(0.7) ? `((${this.expr(3, false)}) & 0xffffffff)` : `(${this.expr(3, false)})`;
    if (x < 0.5) return this.num().replace(/U$/, '');
    if (x < 0.6 && this.labels.length) return r.chance(0.5) ? `REF(${r.pick(this.labels)})` : `&${r.pick(this.labels)}`;
    if (x < 0.7) return `HEX(${r.pick(['1', '10', 'ff', 'dead', 'beef', '0'])})`;
    if (x < 0.8 && this.nums.length) return `(${r.pick(this.nums)})`;
    if (x < 0.9) return `IDENT(${r.int(0, 9)})`;
    return `BIT(${r.int(0, 31)})`;
  }

  private cells(): string {
    const r = this.r;
    const n = r.int(1, 4);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(this.cellItem());
    const sp = () => (r.chance(0.8) ? this.tsep() : ' ');
    const inner = items.join(sp());
    switch (r.int(0, 5)) {
      case 0:
        return `CELLS(${inner})`;
      case 1:
        return `<LIST(${inner})>`;
      case 2:
        return `<PAIR(${items[0]}, ${items.slice(1).join(' ')})>`;
      case 3:
        return `<${items[0]}${this.tight(() => this.tsep())}${items.slice(1).map((i) => ' ' + i).join('')}>`;
      default:
        return `<${this.tight(() => this.tsep())}${inner}${this.tight(() => this.tsep())}>`;
    }
  }

  private propName(): string {
    const r = this.r;
    const k = this.counter++;
    switch (r.int(0, 7)) {
      case 0:
        return `PROP(${k})`;
      case 1:
        return `CAT(p${k}, _x)`;
      case 2:
        return `XCAT(vendor, ${k})-name`;
      case 3:
        return `PROP(${k})-suffix`;
      case 4:
        return `vendor,PROP(${k})`;
      case 5:
        return `IDENT(prop${k})`;
      default:
        return `prop-${k}`;
    }
  }

  private stringValue(): string {
    const r = this.r;
    switch (r.int(0, 6)) {
      case 0:
        return `STR(${r.pick(['foo', 'foo bar', 'a  /* c */  b', '"q"', "x'y'", 'a\\nb', 'vendor-chip-1', '(a, b)'])})`;
      case 1:
        return this.nums.length ? `XSTR(${r.pick(this.nums)})` : `XSTR(HEX(7))`;
      case 2:
        return `OPT("a"${r.chance(0.5) ? ', "b", "c"' : ''})`;
      case 3:
        return `FIRST("one", "two", three)`;
      case 4:
        return `"plain", "two"`;
      case 5:
        return `STR(__LINE__), XSTR(__LINE__)`;
      default:
        return `XSTR(CAT(chip, ${r.int(0, 9)}))`;
    }
  }

  private property(indent: string): string {
    const r = this.r;
    const name = this.propName();
    const x = r.next();
    const eq = `${this.tight(() => this.tsep())}=${this.tight(() => this.tsep())}`;
    if (x < 0.55) return `${indent}${name}${eq}${this.cells()};`;
    if (x < 0.8) return `${indent}${name}${eq}${this.stringValue()};`;
    if (x < 0.9) return `${indent}${name};`;
    return `${indent}${name}${eq}[${r.pick(['00 11', 'de ad', 'HEX(1)'].slice(0, 2))}];`;
  }

  private node(indent: string, depth: number): void {
    const r = this.r;
    const k = this.counter++;
    const label = r.chance(0.4) ? this.fresh('lbl_') : null;
    const unit = r.pick([`${k}`, `HEX(${k})`, `${k.toString(16)}`, `XCAT(${k}, 0)`]);
    const labelText = label ? (r.chance(0.5) ? `LBL(${label.slice(4)}): ` : `${label}: `) : '';
    if (label && this.condDepth === 0) this.labels.push(label);
    const x = r.next();
    if (x < 0.25 && depth > 0) {
      // A node made by a macro.
      const props: string[] = [];
      const n = r.int(0, 2);
      for (let i = 0; i < n; i++) props.push(this.property(''));
      this.lines.push(`${indent}${labelText}NODE(node${k},${this.tight(() => this.tsep())}${unit},${props.length ? ' ' + props.join(' ') : ''})`);
      return;
    }
    const name = x < 0.45 ? `UNODE(dev${k}, ${unit})` : x < 0.6 ? `CAT(dev, ${k})@${unit}` : `dev${k}@${unit}`;
    this.lines.push(`${indent}${labelText}${name} {`);
    this.body(indent + '\t', depth - 1);
    this.lines.push(`${indent}};`);
  }

  private conditional(indent: string, depth: number, mode: 'props' | 'nodes'): void {
    const r = this.r;
    const kind = r.int(0, 3);
    if (kind === 0) this.lines.push(this.directive('if', this.ifExpr()));
    else if (kind === 1) this.lines.push(this.directive('ifdef', r.pick([...this.flags, 'UNDEFINED_X', '__DTS__'])));
    else if (kind === 2) this.lines.push(this.directive('ifndef', r.pick([...this.flags, 'UNDEFINED_X', 'D_FLAG'])));
    else this.lines.push(this.directive('if', r.pick(['0', '1', 'D_VAL > 2', 'defined(D_FLAG) && D_VAL', 'D_NAME == 0'])));
    this.condDepth++;
    this.items(indent, depth, 2, mode);
    const elifs = r.int(0, 2);
    for (let i = 0; i < elifs; i++) {
      if (r.chance(0.2)) this.lines.push(this.directive(r.pick(['elifdef', 'elifndef']), r.pick([...this.flags, 'UNDEFINED_X', 'D_FLAG'])));
      else this.lines.push(this.directive('elif', this.ifExpr()));
      this.items(indent, depth, 2, mode);
    }
    if (r.chance(0.5)) {
      this.lines.push(this.directive('else'));
      this.items(indent, depth, 2, mode);
    }
    this.condDepth--;
    this.lines.push(this.directive('endif'));
  }

  /** Properties (and the directives among them), then subnodes, as dtc wants them. */
  private body(indent: string, depth: number, maxItems = 5): void {
    this.items(indent, depth, maxItems, 'props');
    if (depth > 0) this.items(indent, depth, Math.max(1, maxItems >> 1), 'nodes');
  }

  private items(indent: string, depth: number, maxItems: number, mode: 'props' | 'nodes'): void {
    const r = this.r;
    const n = r.int(mode === 'nodes' ? 0 : 1, maxItems);
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (x < 0.55) {
        if (mode === 'props') this.lines.push(this.property(indent));
        else this.node(indent, depth);
      } else if (x < 0.7 && depth > 0) this.conditional(indent, depth - 1, mode);
      else if (x < 0.76) this.defineNum();
      else if (x < 0.8) this.redefine();
      else if (x < 0.84) this.defineFlag();
      else if (x < 0.86) this.lines.push(this.directive('pragma', r.pick(['foo bar', 'GCC diagnostic push', 'once']) ));
      else if (x < 0.87 && mode === 'props') this.lines.push(`${indent}line${this.counter++} = <IDENT(__LINE__)${this.tsep()}__LINE__ ADD(__LINE__,${this.tsep()}__LINE__)>;`);
      else if (x < 0.9 && mode === 'props') this.lines.push(`${indent}#${r.pick(['interrupt', 'gpio', 'clock', 'reset'])}${this.counter++}-cells = <${r.int(0, 3)}>;`);
      else if (mode === 'props') this.lines.push(this.property(indent));
    }
  }

  private header(name: string): void {
    const r = this.r;
    const saved = this.lines.splice(0);
    const guard = `${name.replace(/\W/g, '_').toUpperCase()}_`;
    const once = r.chance(0.4);
    if (once) this.lines.push(this.directive('pragma', 'once'));
    else this.lines.push(this.directive('ifndef', guard), this.directive('define', guard));
    const n = r.int(1, 4);
    for (let i = 0; i < n; i++) {
      if (r.chance(0.7)) this.defineNum();
      else this.defineFlag();
    }
    if (r.chance(0.3)) this.lines.push('/* a comment that ends the header */');
    if (!once) this.lines.push(this.directive('endif') + (r.chance(0.5) ? ' /* guard */' : ''));
    this.files[name] = this.lines.join('\n') + (r.chance(0.8) ? '\n' : '');
    this.lines.length = 0;
    this.lines.push(...saved);
  }

  generate(): Program {
    const r = this.r;
    // -D options
    this.defines.push(`D_VAL=${r.int(0, 5)}`);
    if (r.chance(0.5)) this.defines.push('D_FLAG');
    if (r.chance(0.3)) this.defines.push(`D_NAME=${r.pick(['foo', '0', '(1+2)', 'N_0'])}`);

    this.lines.push('/dts-v1/;');
    const helpers = HELPERS.filter(() => true);
    const inHeader = r.chance(0.5);
    const helperLines = helpers.map(([, d]) => d);
    if (inHeader) {
      this.files['helpers.h'] = ['#ifndef HELPERS_H', '#define HELPERS_H', ...helperLines, '#endif', ''].join('\n');
      this.lines.push(r.chance(0.5) ? '#include <helpers.h>' : '#include "helpers.h"');
    } else this.lines.push(...helperLines);

    const nHeaders = r.int(0, 2);
    for (let i = 0; i < nHeaders; i++) {
      const name = `inc_${i}.dtsi`;
      this.header(name);
      const times = r.int(1, 2);
      for (let t = 0; t < times; t++) {
        if (r.chance(0.2)) {
          const m = this.fresh('HDR_');
          this.lines.push(this.directive('define', m, `"${name}"`));
          this.lines.push(this.directive('include', m));
        } else this.lines.push(this.directive('include', r.chance(0.5) ? `<${name}>` : `"${name}"`));
      }
    }
    for (let i = r.int(1, 4); i > 0; i--) this.defineNum();
    if (r.chance(0.5)) this.defineFlag();

    this.lines.push('/ {');
    this.lines.push('\t#address-cells = <1>;');
    this.lines.push(' #size-cells = <1>;');
    this.body('\t', 3, 8);
    this.lines.push('};');
    if (this.labels.length && r.chance(0.5)) {
      this.lines.push(`${r.chance(0.5) ? `REF(${r.pick(this.labels)})` : `&${r.pick(this.labels)}`} {`);
      this.body('\t', 1, 3);
      this.lines.push('};');
    }
    if (r.chance(0.1)) this.lines.push(this.directive('error', 'stop', 'here'));
    this.files['main.dts'] = this.lines.join('\n') + '\n';
    return { files: this.files, defines: this.defines };
  }
}

export function generateProgram(seed: number): Program {
  return new Gen(new Rng(seed)).generate();
}
