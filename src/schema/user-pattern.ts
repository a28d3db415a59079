/**
 * How the patterns of user schemas (`--schema`, check-binding) are matched:
 * in linear time by RE2 (re2js), the pattern first rewritten so that it
 * means what it means to JavaScript (schema/re2-syntax.ts); a pattern RE2
 * cannot run goes to JavaScript's engine under a time budget
 * (schema/pattern-fallback.ts). Patterns of the built-in schemas, reviewed
 * and free of backtracking, keep JavaScript's RegExp: it is faster, and the
 * agreement with dt-validate was measured with it.
 */
import { RE2JS } from 're2js';
import { isObject } from './json-pointer.js';
import { fallbackTest } from './pattern-fallback.js';
import { toRe2Syntax } from './re2-syntax.js';

/** What Ajv (and the schema set) need of a compiled pattern: RegExp's `test`, and a `toString` Ajv keys its compiled patterns by (one text per pattern). */
export interface PatternTester {
  test(s: string): boolean;
  toString(): string;
}

/** How each user pattern is matched, for the tests and the report. */
export type PatternEngine = 're2' | 'fallback';

const compiled = new Map<string, PatternTester & { engine: PatternEngine }>();

/**
 * A user pattern, compiled once. Throws SyntaxError, as `new RegExp(p, 'u')`
 * does, for a pattern JavaScript would refuse: a user schema is held to the
 * same syntax as before, RE2 accepting more changes nothing.
 *
 * RE2's program is made when a string first gets past the pattern's fixed
 * ends (literalEnds): a run on thousands of bindings tests a few of their
 * patterns against anything that could match, and compiling them all (a
 * millisecond or more each) was most of its start.
 */
export function userPattern(source: string): PatternTester & { engine: PatternEngine } {
  let tester = compiled.get(source);
  if (tester) return tester;
  // Compiling is cheap and linear; only matching backtracks.
  new RegExp(source, 'u');
  const text = `/${source}/u`;
  const { prefix, suffix } = literalEnds(source);
  let made: { engine: PatternEngine; test(s: string): boolean } | undefined;
  const make = () => {
    if (made) return made;
    const re2 = re2Of(source);
    made = re2 ? { engine: 're2', test: (s: string) => re2.test(s) } : { engine: 'fallback', test: (s: string) => fallbackTest(source, s) };
    return made;
  };
  // The same few strings come back on every node (property names, compatibles): RE2 answers each once.
  const verdicts = new Map<string, boolean>();
  tester = {
    get engine() {
      return make().engine;
    },
    test: (s: string) => {
      if ((prefix !== '' && !s.startsWith(prefix)) || (suffix !== '' && !s.endsWith(suffix))) return false;
      let verdict = verdicts.get(s);
      if (verdict === undefined) {
        verdict = make().test(s);
        if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
        verdicts.set(s, verdict);
      }
      return verdict;
    },
    toString: () => text,
  };
  compiled.set(source, tester);
  return tester;
}

/** Verdicts a pattern remembers (then starts again): enough for the names of a kernel's nodes, bounded for a stranger's. */
const MAX_VERDICTS = 4096;

/** Characters that stand for themselves in a pattern (with the `u` flag), outside a class; a conservative few. */
const PLAIN = /^[A-Za-z0-9_,@#:/=!'"<>% -]$/;

/**
 * Text every match of `source` starts with (after a leading `^`) and ends
 * with (before a trailing `$`): a test that fails them needs no engine. ''
 * when there is none, and both '' when the pattern has an alternative at its
 * top level (`^a|b`), where an anchor binds one side only. Conservative: an
 * escape and what a quantifier follows end a run of fixed text.
 */
export function literalEnds(source: string): { prefix: string; suffix: string } {
  let depth = 0;
  let inClass = false;
  let run = '';
  let prefix: string | null = source.startsWith('^') ? null : '';
  let suffix = '';
  for (let i = prefix === null ? 1 : 0; i < source.length; i++) {
    const c = source[i]!;
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (PLAIN.test(c)) {
      run += c;
      continue;
    }
    // A quantifier after the run makes its last character optional or repeated.
    if (prefix === null) prefix = '*+?{'.includes(c) ? run.slice(0, -1) : run;
    if (c === '$' && i === source.length - 1) suffix = run;
    run = '';
    if (c === '\\') i = endOfEscape(source, i);
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return { prefix: '', suffix: '' };
  }
  return { prefix: prefix ?? run, suffix };
}

/** The index of the last character of the escape at `i` (`source[i]` is the backslash); past it when in doubt, never short of it. */
function endOfEscape(source: string, i: number): number {
  const n = source[i + 1];
  if (n === undefined) return i;
  if ('uxcpPk'.includes(n)) {
    const j = i + 2;
    const close = source[j] === '{' ? '}' : source[j] === '<' ? '>' : null;
    if (close) {
      const at = source.indexOf(close, j);
      return at < 0 ? source.length : at;
    }
    let k = j;
    while (k < source.length && /[0-9A-Za-z]/.test(source[k]!)) k++;
    return k - 1;
  }
  if (n >= '0' && n <= '9') {
    let k = i + 2;
    while (k < source.length && source[k]! >= '0' && source[k]! <= '9') k++;
    return k - 1;
  }
  return i + 1;
}

function re2Of(source: string): RE2JS | null {
  const rewritten = toRe2Syntax(source);
  if (!rewritten) return null;
  try {
    return RE2JS.compile(rewritten.source, rewritten.lookbehind ? RE2JS.LOOKBEHINDS : 0);
  } catch {
    // Past RE2's limits (a repeat count over 1000, a program too large): the bounded fallback.
    return null;
  }
}

/** Ajv's `code.regExp`: trusted (built-in) patterns as RegExp, every other one as a user pattern. */
export interface AjvRegExpEngine {
  (pattern: string, flags: string): PatternTester;
  code: string;
}

/** The name standalone code calls the engine by (schema/compile.ts binds it when loading cached code). */
export const PATTERN_ENGINE_NAME = 'vmgenidPattern';

export function ajvRegExpEngine(trusted: ReadonlySet<string>): AjvRegExpEngine {
  const engine = (pattern: string, flags: string): PatternTester => (trusted.has(pattern) ? new RegExp(pattern, flags) : userPattern(pattern));
  // Standalone code (the binding cache's) calls it by this name: the cache binds it when it loads the code.
  return Object.assign(engine, { code: PATTERN_ENGINE_NAME });
}

/** A pattern's tester: RegExp when trusted, else a user pattern; null when JavaScript refuses it. */
export function patternTester(source: string, trusted: ReadonlySet<string>): PatternTester | null {
  try {
    return trusted.has(source) ? new RegExp(source, 'u') : userPattern(source);
  } catch {
    return null;
  }
}

/** Every pattern text in a schema: `pattern` values and `patternProperties` names, at any depth. */
export function patternsIn(schema: unknown, into: Set<string> = new Set()): Set<string> {
  const todo: unknown[] = [schema];
  while (todo.length > 0) {
    const v = todo.pop();
    if (Array.isArray(v)) todo.push(...v);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'pattern' && typeof x === 'string') into.add(x);
        if (k === 'patternProperties' && isObject(x)) for (const name of Object.keys(x)) into.add(name);
        todo.push(x);
      }
    }
  }
  return into;
}
