/**
 * `$ref` loops that validation would go round forever: a chain of schema
 * hops that comes back to where it started without stepping into the data
 * (`a: {$ref: b}`, `b: {$ref: a}`; `allOf: [{$ref: '#'}]`; the same across
 * two files). Ajv compiles such a schema happily and then recurses without
 * end on the first node it checks; dt-schema (Python) does the same. Found
 * here, before compiling, so the user is told which hops make the loop.
 *
 * Only keywords that apply a subschema to the same instance are hops:
 * `$ref`, `allOf`/`anyOf`/`oneOf`, `not`, `if` (with its `then`/`else`) and
 * `dependentSchemas`/`dependencies`. Recursion through `properties`, `items`
 * and their kin steps one level into the data each time, so it ends with the
 * data (a tree-shaped schema is fine) and is not followed.
 */
import { isObject, joinPointer, splitPointer } from './json-pointer.js';

/** A schema document: its `$id` and its JSON (as compiled: after the fix-ups). */
export interface RefDocument {
  id: string;
  json: unknown;
}

/** One hop of a loop: the subschema at `pointer` of `docs[doc]`, left through `via` (a keyword, or `$ref 'target'`). */
export interface RefHop {
  doc: number;
  pointer: string;
  via: string;
}

/** At most this many loops are reported: one is enough to act on, and a hostile set could hold thousands. */
export const MAX_REF_LOOPS_REPORTED = 20;

/** Keywords whose value is one subschema, a list or a map of them: walked to find every subschema. */
// `select` is not among them: Ajv compiles it on its own (schema/compile.ts), never as part of the binding.
const ONE_SCHEMA = ['additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'not', 'if', 'then', 'else', 'items'];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_MAP = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];

/** Keywords that apply their subschema(s) to the instance itself: the hops of a loop. */
const SAME_INSTANCE_LIST = ['allOf', 'anyOf', 'oneOf'];
const SAME_INSTANCE_MAP = ['dependentSchemas', 'dependencies'];

function docKey(id: string): string {
  return id.replace(/#$/, '');
}

/** The subschema at a pointer, or undefined. */
function at(json: unknown, pointer: string): unknown {
  let cur = json;
  for (const part of splitPointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/**
 * Where a `$ref` written in document `from` leads, as [document, pointer];
 * null for a target that is not one of the documents (or an anchor, which
 * the bindings do not use): no hop is followed there.
 */
function resolveRef(ref: string, from: number, docs: readonly RefDocument[], byKey: ReadonlyMap<string, number>): [number, string] | null {
  let url: URL;
  try {
    url = new URL(ref, docs[from]!.id);
  } catch {
    return null;
  }
  const fragment = url.hash.replace(/^#/, '');
  url.hash = '';
  const doc = byKey.get(docKey(url.href));
  if (doc === undefined) return null;
  if (fragment !== '' && !fragment.startsWith('/')) return null;
  // The fragment is URI-encoded JSON pointer; splitPointer decodes it.
  return [doc, joinPointer(splitPointer(fragment))];
}

/** The same-instance hops out of one subschema: [keyword as said, target document, target pointer]. */
function hopsFrom(doc: number, pointer: string, docs: readonly RefDocument[], byKey: ReadonlyMap<string, number>): [string, number, string][] {
  const schema = at(docs[doc]!.json, pointer);
  if (!isObject(schema)) return [];
  const out: [string, number, string][] = [];
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, doc, docs, byKey);
    if (target) out.push([`$ref '${schema.$ref}'`, target[0], target[1]]);
  }
  for (const k of SAME_INSTANCE_LIST) {
    const list = schema[k];
    if (Array.isArray(list)) list.forEach((_, i) => out.push([k, doc, `${pointer}/${k}/${i}`]));
  }
  if (isObject(schema.not)) out.push(['not', doc, `${pointer}/not`]);
  // Ajv ignores `then` and `else` without an `if`.
  if (isObject(schema.if)) {
    for (const k of ['if', 'then', 'else']) if (isObject(schema[k])) out.push([k, doc, `${pointer}/${k}`]);
  }
  for (const k of SAME_INSTANCE_MAP) {
    const map = schema[k];
    if (!isObject(map)) continue;
    for (const [name, sub] of Object.entries(map)) if (isObject(sub)) out.push([k, doc, `${pointer}${joinPointer([k, name])}`]);
  }
  return out;
}

/** Every subschema's pointer in a document, found through the schema keywords (iteratively: a document may be deep). */
function subschemaPointers(json: unknown): string[] {
  const out: string[] = [];
  const todo: [unknown, string][] = [[json, '']];
  while (todo.length > 0) {
    const [schema, pointer] = todo.pop()!;
    if (!isObject(schema)) continue;
    out.push(pointer);
    for (const k of ONE_SCHEMA) if (isObject(schema[k])) todo.push([schema[k], `${pointer}${joinPointer([k])}`]);
    for (const k of SCHEMA_LIST) {
      const list = schema[k];
      if (Array.isArray(list)) list.forEach((s, i) => todo.push([s, `${pointer}${joinPointer([k, i])}`]));
    }
    for (const k of SCHEMA_MAP) {
      const map = schema[k];
      if (isObject(map)) for (const [name, s] of Object.entries(map)) todo.push([s, `${pointer}${joinPointer([k, name])}`]);
    }
  }
  return out;
}

/**
 * The loops among `docs`, each as its hops (the first hop is where it is
 * reported: the earliest document, then the smallest pointer). A depth-first
 * walk over the same-instance hops, with an explicit stack.
 */
export function findRefLoops(docs: readonly RefDocument[]): RefHop[][] {
  const byKey = new Map<string, number>();
  docs.forEach((d, i) => {
    if (!byKey.has(docKey(d.id))) byKey.set(docKey(d.id), i);
  });
  const key = (doc: number, pointer: string): string => `${doc}\0${pointer}`;
  const state = new Map<string, 'open' | 'done'>();
  const loops: RefHop[][] = [];
  const seenLoops = new Set<string>();

  interface Frame {
    doc: number;
    pointer: string;
    hops: [string, number, string][];
    next: number;
  }
  for (let d = 0; d < docs.length && loops.length < MAX_REF_LOOPS_REPORTED; d++) {
    for (const start of subschemaPointers(docs[d]!.json)) {
      if (state.has(key(d, start))) continue;
      const stack: Frame[] = [{ doc: d, pointer: start, hops: hopsFrom(d, start, docs, byKey), next: 0 }];
      state.set(key(d, start), 'open');
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (top.next >= top.hops.length) {
          state.set(key(top.doc, top.pointer), 'done');
          stack.pop();
          continue;
        }
        const [, doc, pointer] = top.hops[top.next++]!;
        const k = key(doc, pointer);
        const s = state.get(k);
        if (s === 'done') continue;
        if (s === 'open') {
          const from = stack.findIndex((f) => f.doc === doc && f.pointer === pointer);
          // Each frame's last hop taken is the one that leads on (the top's is `via`, just taken).
          const loop = stack.slice(from).map((f): RefHop => ({ doc: f.doc, pointer: f.pointer, via: f.hops[f.next - 1]![0] }));
          const canonical = canonicalLoop(loop);
          const id = canonical.map((h) => key(h.doc, h.pointer)).join('\n');
          if (!seenLoops.has(id) && loops.length < MAX_REF_LOOPS_REPORTED) {
            seenLoops.add(id);
            loops.push(canonical);
          }
          continue;
        }
        state.set(k, 'open');
        stack.push({ doc, pointer, hops: hopsFrom(doc, pointer, docs, byKey), next: 0 });
      }
    }
  }
  return loops;
}

/** The loop rotated to start at its earliest hop (document order, then pointer), so one loop reads the same however it was found. */
function canonicalLoop(loop: RefHop[]): RefHop[] {
  let best = 0;
  for (let i = 1; i < loop.length; i++) {
    const a = loop[i]!;
    const b = loop[best]!;
    if (a.doc < b.doc || (a.doc === b.doc && a.pointer < b.pointer)) best = i;
  }
  return [...loop.slice(best), ...loop.slice(0, best)];
}

/**
 * Past this many subschemas applied to one value, a schema is refused: `$ref`
 * and `allOf` may fan out without looping (each level referring to the next
 * twice, thirty levels down, is 2^30 checks of every node). dt-schema's own
 * schemas and the kernel's bindings stay in the hundreds.
 */
export const MAX_SCHEMA_EXPANSION = 50_000;

/** A subschema that applies more than MAX_SCHEMA_EXPANSION subschemas to one value. */
export interface FanOut {
  doc: number;
  pointer: string;
}

/**
 * The first subschema of each document in `from` that expands past `limit`: how many
 * subschemas validation applies to the value one of them is given, counted
 * through the same-instance hops, each subschema counted once per path to it
 * (so a fan-out is counted as Ajv would walk it). Loops are found and refused
 * before this: a hop back into a subschema still being counted adds nothing.
 */
export function findFanOuts(docs: readonly RefDocument[], from: ReadonlySet<number>, limit = MAX_SCHEMA_EXPANSION): FanOut[] {
  const byKey = new Map<string, number>();
  docs.forEach((d, i) => {
    if (!byKey.has(docKey(d.id))) byKey.set(docKey(d.id), i);
  });
  const key = (doc: number, pointer: string): string => `${doc}\0${pointer}`;
  // Counts saturate just past the limit: enough to tell, and no overflow however wide the fan.
  const size = new Map<string, number>();
  const open = new Set<string>();
  const out: FanOut[] = [];
  interface Frame {
    doc: number;
    pointer: string;
    hops: [string, number, string][];
    next: number;
    total: number;
  }
  for (const d of from) {
    for (const start of subschemaPointers(docs[d]!.json)) {
      if (size.has(key(d, start))) continue;
      const stack: Frame[] = [{ doc: d, pointer: start, hops: hopsFrom(d, start, docs, byKey), next: 0, total: 1 }];
      open.add(key(d, start));
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (top.next >= top.hops.length) {
          const k = key(top.doc, top.pointer);
          open.delete(k);
          size.set(k, top.total);
          stack.pop();
          const parent = stack[stack.length - 1];
          if (parent) parent.total = Math.min(limit + 1, parent.total + top.total);
          continue;
        }
        const [, doc, pointer] = top.hops[top.next++]!;
        const k = key(doc, pointer);
        const known = size.get(k);
        if (known !== undefined) top.total = Math.min(limit + 1, top.total + known);
        else if (!open.has(k)) {
          open.add(k);
          stack.push({ doc, pointer, hops: hopsFrom(doc, pointer, docs, byKey), next: 0, total: 1 });
        }
      }
    }
  }
  // One per document, the first in document order: the levels below it are over the limit for the same reason.
  for (const d of from) {
    const first = subschemaPointers(docs[d]!.json)
      .filter((p) => (size.get(key(d, p)) ?? 0) > limit)
      .sort()[0];
    if (first !== undefined) out.push({ doc: d, pointer: first });
  }
  return out;
}
