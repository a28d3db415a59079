/**
 * A `$ref` whose target is not loaded, as dt-validate treats it: its
 * resolver (dt-schema lib.py `http_handler`), working from a processed
 * schema, answers `False` for a devicetree.org `$id` it does not hold, so
 * the reference is the `false` schema and every node it applies to fails.
 * dt-mk-schema says nothing about it; we say it once per binding, at load.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import { isObject, splitPointer } from './json-pointer.js';
import type { LoadedBinding } from './load.js';

/** What a pass needs of a schema of the run. */
export interface RefEntry {
  id: string;
  path: string;
  fixed: Record<string, unknown>;
  loaded?: LoadedBinding;
}

function docKey(id: string): string {
  return id.replace(/#.*$/, '');
}

/** The value at a JSON pointer (fragment, with or without its leading '/'), or undefined. */
function at(doc: unknown, fragment: string): unknown {
  let cur = doc;
  for (const part of splitPointer(fragment.startsWith('/') ? fragment : `/${fragment}`)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[decodeURIComponent(part)];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Where a `$ref` written `ref` is in the file as read (for its line), or '' when not found. */
function writtenAt(json: unknown, ref: string, path = ''): string | null {
  if (Array.isArray(json)) {
    for (let i = 0; i < json.length; i++) {
      const f = writtenAt(json[i], ref, `${path}/${i}`);
      if (f !== null) return f;
    }
    return null;
  }
  if (!isObject(json)) return null;
  for (const [k, v] of Object.entries(json)) {
    const here = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k === '$ref' && typeof v === 'string' && v.replace(/#\/?/, '#/') === ref.replace(/#\/?/, '#/')) return here;
    const f = writtenAt(v, ref, here);
    if (f !== null) return f;
  }
  return null;
}

/**
 * Replace, in the entries' fixed schemas, every `$ref` that names a schema
 * not among `entries` (or a place that schema does not have) by the false
 * schema, and return one warning per binding that had any. Only entries with
 * `loaded` (read from a file in this run) are looked at: precompiled ones
 * resolve by construction.
 */
export function falsifyMissingRefs(entries: readonly RefEntry[], severity: 'warning' | 'error' = 'warning'): Diagnostic[] {
  const byDoc = new Map<string, RefEntry>();
  for (const e of entries) if (!byDoc.has(docKey(e.id))) byDoc.set(docKey(e.id), e);
  const out: Diagnostic[] = [];
  for (const e of entries) {
    if (!e.loaded) continue;
    const missing: { written: string; why: string }[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(visit);
        return;
      }
      if (!isObject(v)) return;
      const ref = v.$ref;
      if (typeof ref === 'string') {
        const why = unresolved(ref, e, byDoc);
        if (why) {
          delete v.$ref;
          if (Array.isArray(v.allOf)) v.allOf.push(false);
          else v.allOf = [false];
          missing.push({ written: ref, why });
        }
      }
      for (const x of Object.values(v)) visit(x);
    };
    visit(e.fixed);
    if (missing.length === 0) continue;
    const pointer = writtenAt(e.loaded.json, missing[0]!.written);
    const pos = pointer === null ? { line: 1, col: 1 } : e.loaded.locate(pointer);
    const whys = [...new Set(missing.map((m) => m.why))];
    const count = missing.length === 1 ? 'it acts' : `its ${missing.length} $refs to them act`;
    out.push({
      severity,
      check: 'schema_ref',
      message: `$ref '${missing[0]!.written}': ${whys.join('; ')}; ${count} as the false schema, as in dt-validate (every node they apply to fails)`,
      span: { file: e.path, line: pos.line, col: pos.col, endLine: pos.line, endCol: pos.col + 1 },
    });
  }
  return out;
}

/** Why `ref` (in entry `e`) resolves to nothing, or null when it resolves. */
function unresolved(ref: string, e: RefEntry, byDoc: Map<string, RefEntry>): string | null {
  let url: URL;
  try {
    url = new URL(ref, e.id);
  } catch {
    return `$ref '${ref}' is not a URL`;
  }
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  const doc = url.href;
  const target = docKey(doc) === docKey(e.id) ? e : byDoc.get(doc);
  if (!target) {
    // Draft meta-schemas and other hosts are not dt-validate's business; only devicetree.org ids are looked for.
    if (!doc.startsWith('http://devicetree.org/')) return null;
    if (doc.startsWith('http://devicetree.org/meta-schemas/')) return null;
    return `no loaded schema has the $id '${doc}#'`;
  }
  if (fragment === '' || at(target.fixed, fragment) !== undefined) return null;
  return `'${target.id}' has no '${fragment}'`;
}
