/**
 * What dt-schema (Python: `re`, jsonschema 4) takes in a binding and Ajv
 * (JavaScript: RegExp with the `u` flag, JSON Schema 2019-09 checked
 * strictly) would refuse, rewritten into the form that means the same to
 * Ajv. Each rewrite keeps the meaning dt-validate gives the binding; none
 * changes a schema Ajv already reads as dt-schema does.
 *
 * - Regular expressions (`pattern`, `patternProperties` keys) in Python's
 *   syntax: `{,n}` is `{0,n}` there; a `]`, `{` or `}` that is no syntax is a
 *   literal; `\-`, `\,`, `\@`… are the character itself; `(?P<n>…)` and
 *   `(?P=n)` are named groups.
 * - `$ref` fragments without a leading slash (`types.yaml#definitions/string`):
 *   Python's resolver strips leading slashes from the fragment, so the two
 *   spellings name the same place.
 * - A `$ref` to a whole schema whose path ends in '/' (`/schemas/display/lvds.yaml/#`):
 *   jsonschema strips trailing slashes from the URL it resolves when the
 *   fragment is empty, so it names `lvds.yaml` (six Linux 6.1 panels).
 * - `deprecated` that is not a boolean (`deprecated: yes`, a string once
 *   read): an annotation to jsonschema, never checked; read as `true`.
 * - A property (in `properties`/`patternProperties`) whose schema is not a
 *   schema (null, a list, a number): jsonschema never reads it until a node
 *   has that property, and then stops with a Python exception rather than a
 *   verdict; it is read as `true`, "no verdict".
 */

/** What normalizeForAjv changed, for the compare script and tests: JSON pointers with a word on each. */
export interface Rewrite {
  pointer: string;
  what: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObj(v: unknown): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

/** The quantifier `{…}` starting at `i`, as Python reads it, or null when the brace is a literal. */
function quantifierAt(p: string, i: number): { text: string; end: number } | null {
  const m = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(i));
  if (!m) return null;
  const [whole, lo, comma, hi] = m as unknown as [string, string, string, string];
  if (lo === '' && comma === '') return null; // `{}` is a literal
  if (lo === '' && hi === '') return null; // `{,}` is a literal
  if (lo === '' && comma === ',') return { text: `{0,${hi}}`, end: i + whole.length };
  return { text: whole, end: i + whole.length };
}

/**
 * A Python regular expression in the syntax JavaScript's `u` RegExp
 * accepts, with the same meaning; the input itself when it needs nothing.
 */
export function pythonRegexToJs(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) {
        out += '\\\\';
        continue;
      }
      i++;
      if (/[A-Za-z0-9]/.test(n) || SYNTAX.has(n) || (inClass && n === '-')) out += `\\${n}`;
      else if (/[\p{P}\p{S} ]/u.test(n)) out += inClass ? `\\x${n.charCodeAt(0).toString(16).padStart(2, '0')}` : escapeLiteral(n);
      else out += n;
      continue;
    }
    if (inClass) {
      if (c === ']' && !(p[i - 1] === '[' || (p[i - 1] === '^' && p[i - 2] === '['))) inClass = false;
      else if (c === ']') {
        out += '\\]';
        continue;
      } else if (c === '[') {
        out += '\\[';
        continue;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === ']' || c === '}') {
      out += `\\${c}`;
      continue;
    }
    if (c === '{') {
      const q = quantifierAt(p, i);
      if (q && out !== '' && !/[(|]$/.test(out)) {
        out += q.text;
        i = q.end - 1;
      } else {
        out += '\\{';
      }
      continue;
    }
    if (c === '(' && p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && p.startsWith('(?P=', i)) {
      const end = p.indexOf(')', i);
      if (end > 0) {
        out += `\\k<${p.slice(i + 4, end)}>`;
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function escapeLiteral(c: string): string {
  return SYNTAX.has(c) ? `\\${c}` : c;
}

/** Whether JavaScript's `u` RegExp takes a pattern. */
function jsAccepts(p: string): boolean {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}

/** A pattern as Ajv should get it: unchanged when JavaScript takes it already. */
function jsPattern(p: string): string {
  return jsAccepts(p) ? p : pythonRegexToJs(p);
}

const PROPERTY_MAPS = new Set(['properties', 'patternProperties']);

/**
 * Rewrite, in place, what Ajv would refuse or read differently (see the
 * module comment). Returns the schema and the list of rewrites made.
 */
export function normalizeForAjv<T>(schema: T): { schema: T; rewrites: Rewrite[] } {
  const rewrites: Rewrite[] = [];
  const walk = (v: Json, at: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}/${i}`));
      return;
    }
    if (!isObj(v)) return;
    for (const k of Object.keys(v)) {
      const x = v[k]!;
      const here = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (k === 'pattern' && typeof x === 'string') {
        const js = jsPattern(x);
        if (js !== x) {
          v[k] = js;
          rewrites.push({ pointer: here, what: `pattern ${JSON.stringify(x)} read as Python reads it: ${JSON.stringify(js)}` });
        }
      } else if (k === '$ref' && typeof x === 'string') {
        const m = /^([^#]*)#(?!\/)(.+)$/.exec(x);
        const slash = /^([^#]*[^/#])\/+#?$/.exec(x);
        if (m) {
          v[k] = `${m[1]}#/${m[2]}`;
          rewrites.push({ pointer: here, what: `$ref fragment without a leading '/' (${x})` });
        } else if (slash) {
          v[k] = `${slash[1]}#`;
          rewrites.push({ pointer: here, what: `$ref path with a trailing '/' (${x}), which jsonschema strips` });
        }
      } else if (k === 'deprecated' && typeof x !== 'boolean' && !isObj(x)) {
        v[k] = true;
        rewrites.push({ pointer: here, what: `deprecated: ${JSON.stringify(x)} is not a boolean; read as true` });
        continue;
      }
      if (PROPERTY_MAPS.has(k) && isObj(x)) {
        for (const name of Object.keys(x)) {
          const sub = x[name]!;
          const subAt = `${here}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          if (typeof sub !== 'boolean' && !isObj(sub)) {
            x[name] = true;
            rewrites.push({ pointer: subAt, what: `not a schema (${sub === null ? 'null' : Array.isArray(sub) ? 'a list' : typeof sub}); read as true` });
          }
        }
        if (k === 'patternProperties') {
          for (const name of Object.keys(x)) {
            const js = jsPattern(name);
            if (js === name || js in x) continue;
            const entries = Object.entries(x).map(([n, s]) => [n === name ? js : n, s] as const);
            for (const n of Object.keys(x)) delete x[n];
            for (const [n, s] of entries) x[n] = s;
            rewrites.push({ pointer: here, what: `pattern ${JSON.stringify(name)} read as Python reads it: ${JSON.stringify(js)}` });
          }
        }
      }
      walk(v[k]!, here);
    }
  };
  walk(schema as Json, '');
  return { schema, rewrites };
}
