/**
 * A schema's `select` as a plain predicate. Every node of a run is asked
 * every core select (a dozen per node), and Ajv's code for one costs two
 * option objects, a few scratch error objects and, in a fresh process, an
 * interpreter's pace: a third of the time the core schemas took on a large
 * board. The selects dt-schema writes use a handful of keywords (node-name
 * patterns, `compatible` contains, `$parent` shapes), so they are turned into
 * closures here, with Ajv's exact semantics for those keywords; a select
 * using anything else gets null, and keeps its compiled validator.
 * test/schema-select.test.ts holds the two to the same verdicts.
 */
import { isObject } from './json-pointer.js';

export type Predicate = (data: unknown) => boolean;

/** Keywords that say nothing about validity (the compiler drops `$id` from a select too). */
const ANNOTATIONS: ReadonlySet<string> = new Set(['$id', '$comment', 'description', 'title']);

const PASS: Predicate = () => true;
const FAIL: Predicate = () => false;

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** One JSON type name as Ajv tests it (without strictNumbers: an infinite number is a number). */
function typeTest(name: unknown): Predicate | null {
  switch (name) {
    case 'object':
      return isObject;
    case 'array':
      return Array.isArray;
    case 'string':
      return (d) => typeof d === 'string';
    case 'number':
      return (d) => typeof d === 'number';
    case 'integer':
      return (d) => typeof d === 'number' && !(d % 1) && !Number.isNaN(d);
    case 'boolean':
      return (d) => typeof d === 'boolean';
    case 'null':
      return (d) => d === null;
    default:
      return null;
  }
}

// Indexed loops rather than some/every/for…of: a dozen selects run on every node, mostly while cold.
function allPass(tests: readonly Predicate[], d: unknown): boolean {
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(d)) return false;
  return true;
}

function anyPasses(tests: readonly Predicate[], d: unknown): boolean {
  for (let i = 0; i < tests.length; i++) if (tests[i]!(d)) return true;
  return false;
}

function list(schemas: unknown): Predicate[] | null {
  if (!Array.isArray(schemas) || schemas.length === 0) return null;
  const out: Predicate[] = [];
  for (const s of schemas) {
    const p = selectPredicate(s);
    if (p === null) return null;
    out.push(p);
  }
  return out;
}

function nonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Ajv compiles `pattern` and `patternProperties` with the `u` flag. */
function unicodeRegExp(source: unknown): RegExp | null {
  if (typeof source !== 'string') return null;
  try {
    return new RegExp(source, 'u');
  } catch {
    return null;
  }
}

/** The test for one keyword of a schema object, or null when it is not one this module knows. */
function keywordTest(keyword: string, value: unknown): Predicate | null {
  switch (keyword) {
    case 'type': {
      const names = Array.isArray(value) ? value : [value];
      const tests: Predicate[] = [];
      for (const n of names) {
        const t = typeTest(n);
        if (t === null) return null;
        tests.push(t);
      }
      return tests.length === 1 ? tests[0]! : (d) => anyPasses(tests, d);
    }
    case 'required': {
      if (!Array.isArray(value) || !value.every((k) => typeof k === 'string')) return null;
      const keys = value as string[];
      // As Ajv reads it: present means not undefined (inherited names count), and only objects are asked.
      return (d) => {
        if (!isObject(d)) return true;
        for (let i = 0; i < keys.length; i++) if (d[keys[i]!] === undefined) return false;
        return true;
      };
    }
    case 'properties': {
      if (!isObject(value)) return null;
      // Two lists, not a pair per name: no destructuring on a path every node takes (slow while cold).
      const names: string[] = [];
      const tests: Predicate[] = [];
      for (const [name, schema] of Object.entries(value)) {
        const p = selectPredicate(schema);
        if (p === null) return null;
        if (p !== PASS) {
          names.push(name);
          tests.push(p);
        }
      }
      if (tests.length === 0) return PASS;
      if (tests.length === 1) {
        const name = names[0]!;
        const p = tests[0]!;
        return (d) => {
          if (!isObject(d)) return true;
          const v = d[name];
          return v === undefined || p(v);
        };
      }
      return (d) => {
        if (!isObject(d)) return true;
        for (let i = 0; i < tests.length; i++) {
          const v = d[names[i]!];
          if (v !== undefined && !tests[i]!(v)) return false;
        }
        return true;
      };
    }
    case 'patternProperties': {
      if (!isObject(value)) return null;
      const tests: [RegExp, Predicate][] = [];
      for (const [source, schema] of Object.entries(value)) {
        const re = unicodeRegExp(source);
        const p = selectPredicate(schema);
        if (re === null || p === null) return null;
        if (p !== PASS) tests.push([re, p]);
      }
      if (tests.length === 0) return PASS;
      return (d) => {
        if (!isObject(d)) return true;
        for (const key in d) {
          for (let i = 0; i < tests.length; i++) if (tests[i]![0].test(key) && !tests[i]![1](d[key])) return false;
        }
        return true;
      };
    }
    case 'items': {
      if (Array.isArray(value)) {
        // 2019-09's tuple form: the first items each by their schema, any further ones free.
        const tests = list(value);
        if (tests === null) return null;
        return (d) => {
          if (!Array.isArray(d)) return true;
          const n = Math.min(d.length, tests.length);
          for (let i = 0; i < n; i++) if (!tests[i]!(d[i])) return false;
          return true;
        };
      }
      const p = selectPredicate(value);
      if (p === null) return null;
      return (d) => {
        if (!Array.isArray(d)) return true;
        for (let i = 0; i < d.length; i++) if (!p(d[i])) return false;
        return true;
      };
    }
    case 'minItems':
      if (!nonNegativeInteger(value)) return null;
      return (d) => !Array.isArray(d) || d.length >= value;
    case 'maxItems':
      if (!nonNegativeInteger(value)) return null;
      return (d) => !Array.isArray(d) || d.length <= value;
    case 'contains': {
      const p = selectPredicate(value);
      if (p === null) return null;
      // An empty array contains nothing (minContains is 1).
      return (d) => {
        if (!Array.isArray(d)) return true;
        for (let i = 0; i < d.length; i++) if (p(d[i])) return true;
        return false;
      };
    }
    case 'const':
      // Objects and arrays would need Ajv's deep equality: left to Ajv.
      if (!isPrimitive(value)) return null;
      return (d) => d === value;
    case 'enum': {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isPrimitive)) return null;
      const allowed = value as unknown[];
      return (d) => allowed.includes(d);
    }
    case 'pattern': {
      const re = unicodeRegExp(value);
      if (re === null) return null;
      return (d) => typeof d !== 'string' || re.test(d);
    }
    case 'not': {
      const p = selectPredicate(value);
      return p === null ? null : (d) => !p(d);
    }
    case 'allOf': {
      const tests = list(value);
      return tests === null ? null : (d) => allPass(tests, d);
    }
    case 'anyOf': {
      const tests = list(value);
      return tests === null ? null : (d) => anyPasses(tests, d);
    }
    case 'oneOf': {
      const tests = list(value);
      if (tests === null) return null;
      return (d) => {
        let passed = 0;
        for (let i = 0; i < tests.length; i++) if (tests[i]!(d) && ++passed > 1) return false;
        return passed === 1;
      };
    }
    default:
      return null;
  }
}

/**
 * The predicate giving a select's verdict on a node's JSON, or null when the
 * select uses a keyword (or a value) this module does not read as Ajv does.
 */
export function selectPredicate(schema: unknown): Predicate | null {
  if (schema === true) return PASS;
  if (schema === false) return FAIL;
  if (!isObject(schema)) return null;
  const tests: Predicate[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const t = keywordTest(keyword, value);
    if (t === null) return null;
    if (t !== PASS) tests.push(t);
  }
  // Unrolled for the common lengths: this runs a dozen times per node.
  if (tests.length === 0) return PASS;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Predicate, Predicate];
    return (d) => a(d) && b(d);
  }
  return (d) => allPass(tests, d);
}
