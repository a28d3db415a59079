/**
 * Which properties of a node count as evaluated for `unevaluatedProperties`,
 * the way dt-validate's jsonschema (4.10) counts them. Ajv counts every
 * property a subschema looked at; jsonschema counts only what passed:
 * - a `properties` entry counts when the value is valid against it;
 * - an allOf/anyOf/oneOf branch counts only when the node is valid against
 *   the whole branch (so one bad value in a common schema pulled in by
 *   `allOf: [$ref]` makes all that schema's properties unevaluated);
 * - `if` counts with `then` when the node passes `if`, else `else` counts;
 * - a `$ref` is followed whether or not it passed; a `patternProperties`
 *   name counts whenever it matches; `additionalProperties: true` (or
 *   `unevaluatedProperties: true`) counts everything.
 * So where a node fails its binding, dt-validate also lists as unexpected
 * the properties that failed (and those of every failed branch). Made with
 * the subschemas' own validators, only for nodes that failed.
 */
import { isObject, joinPointer } from './json-pointer.js';

/** Where a subschema is: its schema's `$id` (no '#') and a JSON pointer into it. */
export interface SchemaPlace {
  id: string;
  pointer: string;
}

export interface EvaluatedKeysHost {
  /** The schema with this `$id` (no '#'), as compiled (fixed up). */
  schema(id: string): unknown;
  /** Whether `data` is valid against the subschema at `place`; null when it cannot be told. */
  isValid(place: SchemaPlace, data: unknown): boolean | null;
  /**
   * How a `patternProperties` name of these schemas is matched: a user's
   * binding's patterns go through the engine that keeps them linear
   * (schema/user-pattern.ts). Without it, RegExp.
   */
  pattern?(source: string): { test(s: string): boolean } | null;
}

const patternTests = new WeakMap<EvaluatedKeysHost, Map<string, (name: string) => boolean>>();

/** A patternProperties name as the host matches it (made once per host and pattern); a pattern that cannot be compiled, or runs out of budget, matches nothing. */
function patternTest(host: EvaluatedKeysHost, source: string): (name: string) => boolean {
  let known = patternTests.get(host);
  if (!known) patternTests.set(host, (known = new Map()));
  let test = known.get(source);
  if (!test) known.set(source, (test = makePatternTest(host, source)));
  return test;
}

function makePatternTest(host: EvaluatedKeysHost, source: string): (name: string) => boolean {
  let tester: { test(s: string): boolean } | null;
  try {
    tester = host.pattern ? host.pattern(source) : new RegExp(source, 'u');
  } catch {
    tester = null;
  }
  return (name) => {
    try {
      return tester?.test(name) ?? false;
    } catch {
      return false;
    }
  };
}

/** One name as a JSON pointer segment. */
function escapePointer(key: string): string {
  return joinPointer([key]).slice(1);
}

/** The value at a JSON pointer ('' the whole). */
export function at(schema: unknown, pointer: string): unknown {
  let cur = schema;
  for (const part of pointer.split('/').slice(1)) {
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** A `$ref` taken from a schema with `$id` base: the place it names, or null when it names nothing loaded. */
export function resolveRef(ref: string, base: string, host: EvaluatedKeysHost): SchemaPlace | null {
  let url: URL;
  try {
    url = new URL(ref, base);
  } catch {
    return null;
  }
  const pointer = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  const id = url.href;
  if (host.schema(id) === undefined) return null;
  return { id, pointer };
}

/** The node's property names jsonschema counts as evaluated by the subschema at `place`. */
export function evaluatedKeys(place: SchemaPlace, node: Record<string, unknown>, host: EvaluatedKeysHost, depth = 0): Set<string> {
  const out = new Set<string>();
  const schema = at(host.schema(place.id), place.pointer);
  if (!isObject(schema) || depth > 32) return out;
  const s = schema as Record<string, unknown>;
  const sub = (...parts: (string | number)[]): SchemaPlace => ({ id: place.id, pointer: `${place.pointer}/${parts.map((p) => escapePointer(String(p))).join('/')}` });
  const add = (keys: Iterable<string>) => {
    for (const k of keys) out.add(k);
  };
  if (typeof s['$ref'] === 'string') {
    const target = resolveRef(s['$ref'], place.id, host);
    if (target) add(evaluatedKeys(target, node, host, depth + 1));
  }
  for (const keyword of ['properties', 'additionalProperties', 'unevaluatedProperties']) {
    const v = s[keyword];
    if (v === true) add(Object.keys(node));
    else if (keyword === 'properties' && isObject(v)) {
      for (const name of Object.keys(v)) {
        if (name in node && host.isValid(sub(keyword, name), node[name]) !== false) out.add(name);
      }
    }
  }
  const patterns = s['patternProperties'];
  if (isObject(patterns)) {
    const tests = Object.keys(patterns).map((p) => patternTest(host, p));
    for (const name of Object.keys(node)) if (tests.some((test) => test(name))) out.add(name);
  }
  const dependent = s['dependentSchemas'];
  if (isObject(dependent)) {
    for (const name of Object.keys(dependent)) if (name in node) add(evaluatedKeys(sub('dependentSchemas', name), node, host, depth + 1));
  }
  for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
    const list = s[keyword];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      if (host.isValid(sub(keyword, i), node) !== false) add(evaluatedKeys(sub(keyword, i), node, host, depth + 1));
    }
  }
  if ('if' in s) {
    if (host.isValid(sub('if'), node) !== false) {
      add(evaluatedKeys(sub('if'), node, host, depth + 1));
      if ('then' in s) add(evaluatedKeys(sub('then'), node, host, depth + 1));
    } else if ('else' in s) {
      add(evaluatedKeys(sub('else'), node, host, depth + 1));
    }
  }
  return out;
}

/**
 * The schemas a binding pulls in whole at its root (`$ref`, and `$ref`s in
 * its allOf, followed on): each that closes the node with its own
 * `unevaluatedProperties: false` is judged apart by jsonschema, which then
 * reports that schema's own unevaluated properties too.
 */
export function closedRootsReached(id: string, host: EvaluatedKeysHost): SchemaPlace[] {
  const out: SchemaPlace[] = [];
  const seen = new Set<string>([id]);
  const visit = (place: SchemaPlace, depth: number): void => {
    const schema = at(host.schema(place.id), place.pointer);
    if (!isObject(schema) || depth > 16) return;
    const s = schema as Record<string, unknown>;
    const refs: string[] = [];
    if (typeof s['$ref'] === 'string') refs.push(s['$ref']);
    if (Array.isArray(s['allOf'])) for (const b of s['allOf']) if (isObject(b) && typeof (b as Record<string, unknown>)['$ref'] === 'string') refs.push((b as Record<string, string>)['$ref']!);
    for (const ref of refs) {
      const target = resolveRef(ref, place.id, host);
      if (!target || target.pointer !== '' || seen.has(target.id)) continue;
      seen.add(target.id);
      const root = host.schema(target.id);
      if (isObject(root) && (root as Record<string, unknown>)['unevaluatedProperties'] === false) out.push(target);
      visit(target, depth + 1);
    }
  };
  visit({ id, pointer: '' }, 0);
  return out;
}

/**
 * A place and the places its `$ref` and allOf/anyOf/oneOf entries lead to
 * (what applies to the same data), and with the data known, the `then` (or
 * `else`) its `if` picks for that data.
 */
function expand(place: SchemaPlace, host: EvaluatedKeysHost, out: SchemaPlace[], seen: Set<string>, data: unknown, depth = 0): void {
  const key = `${place.id}#${place.pointer}`;
  if (seen.has(key) || depth > 24) return;
  seen.add(key);
  out.push(place);
  const schema = at(host.schema(place.id), place.pointer);
  if (!isObject(schema)) return;
  const s = schema as Record<string, unknown>;
  if (typeof s['$ref'] === 'string') {
    const target = resolveRef(s['$ref'], place.id, host);
    if (target) expand(target, host, out, seen, data, depth + 1);
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const list = s[keyword];
    if (Array.isArray(list)) list.forEach((_, i) => expand({ id: place.id, pointer: `${place.pointer}/${keyword}/${i}` }, host, out, seen, data, depth + 1));
  }
  if (s['if'] !== undefined && data !== undefined) {
    const taken = host.isValid({ id: place.id, pointer: `${place.pointer}/if` }, data);
    const branch = taken === true ? 'then' : taken === false ? 'else' : null;
    if (branch && s[branch] !== undefined) expand({ id: place.id, pointer: `${place.pointer}/${branch}` }, host, out, seen, data, depth + 1);
  }
}

/**
 * The subschemas that apply to the data at `path` (property names, child
 * node names) below the data `start` applies to: through `properties`,
 * matching `patternProperties` and `additionalProperties`, following `$ref`s
 * and allOf/anyOf/oneOf on the way, and given the data (`root`, what `start`
 * applies to), the branch of each if/then/else that data takes. Where
 * jsonschema will judge a closed object, whether or not Ajv said anything there.
 */
export function placesAt(start: SchemaPlace, path: readonly string[], host: EvaluatedKeysHost, root?: unknown): SchemaPlace[] {
  let current: SchemaPlace[] = [];
  let data = root;
  expand(start, host, current, new Set(), data);
  for (const name of path) {
    data = isObject(data) ? (data as Record<string, unknown>)[name] : undefined;
    const next: SchemaPlace[] = [];
    const seen = new Set<string>();
    for (const place of current) {
      const schema = at(host.schema(place.id), place.pointer);
      if (!isObject(schema)) continue;
      const s = schema as Record<string, unknown>;
      let matched = false;
      const props = s['properties'];
      if (isObject(props) && name in props) {
        matched = true;
        expand({ id: place.id, pointer: `${place.pointer}/properties/${escapePointer(name)}` }, host, next, seen, data);
      }
      const patterns = s['patternProperties'];
      if (isObject(patterns)) {
        for (const p of Object.keys(patterns)) {
          if (!patternTest(host, p)(name)) continue;
          matched = true;
          expand({ id: place.id, pointer: `${place.pointer}/patternProperties/${escapePointer(p)}` }, host, next, seen, data);
        }
      }
      if (!matched && isObject(s['additionalProperties'])) expand({ id: place.id, pointer: `${place.pointer}/additionalProperties` }, host, next, seen, data);
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
