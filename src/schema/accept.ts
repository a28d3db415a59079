/**
 * Whether dt-mk-schema would take a binding into its processed set: its
 * `process_schema` validates the document against the meta-schema its
 * `$schema` names and ignores the file, with a message naming the path of
 * the first error, when that fails ("ignoring, error in schema: maintainers:
 * 0"), or when there is no `$schema` to look up or the document is no
 * mapping ("ignoring, unknown error in schema (not a schema?)").
 *
 * This is the top level of dt-schema 2022.08's meta-schemas (base.yaml and
 * core.yaml): the keys a binding must have and may have, and the shape of
 * the documentation keys. Deeper rules of those meta-schemas (the keyword
 * vocabulary inside property schemas) are not repeated here; Ajv's own
 * schema check catches what would make a binding unusable, and check-binding
 * applies our full meta-schemas (schemas/meta).
 */
import { isObject } from './json-pointer.js';

const CORE = 'http://devicetree.org/meta-schemas/core.yaml#';
const BASE = 'http://devicetree.org/meta-schemas/base.yaml#';

const TOP_KEYS = new Set([
  '$id', '$schema', 'title', 'description', 'examples', 'required', 'allOf', 'anyOf', 'oneOf',
  'definitions', '$defs', 'additionalProperties', 'dependencies', 'dependentRequired',
  'dependentSchemas', 'patternProperties', 'properties', 'if', 'then', 'else',
  'unevaluatedProperties', 'deprecated', 'maintainers', 'select', '$ref',
]);

/** Why dt-mk-schema ignores a binding: the JSON pointer of the first problem ('' for the document) and the reason. */
export interface Refusal {
  pointer: string;
  reason: string;
}

/** The first reason dt-mk-schema would ignore this document for, or null when it would take it. */
export function refusalOf(doc: unknown): Refusal | null {
  if (!isObject(doc)) return { pointer: '', reason: 'not a schema (the document is not a mapping)' };
  const meta = doc.$schema;
  if (meta === undefined) return { pointer: '', reason: 'not a schema (no $schema)' };
  // base.yaml's enum: the two meta-schemas a binding may name, spelt exactly so.
  if (meta !== CORE && meta !== BASE) {
    return { pointer: '/$schema', reason: `$schema must be '${CORE}' or '${BASE}'` };
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) return { pointer: `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, reason: `'${key}' is not a keyword of a binding's top level` };
  }
  for (const key of ['$id', '$schema', 'title', 'maintainers']) {
    if (!(key in doc)) return { pointer: '', reason: `'${key}' is a required property` };
  }
  if (typeof doc.$id !== 'string' || !/http:\/\/devicetree\.org\/schemas\/.*\.yaml#/.test(doc.$id)) {
    return { pointer: '/$id', reason: "$id must match 'http://devicetree.org/schemas/.*\\.yaml#'" };
  }
  if (typeof doc.title === 'string' && [...doc.title].length > 100) return { pointer: '/title', reason: 'title is longer than 100 characters' };
  if (!Array.isArray(doc.maintainers)) return { pointer: '/maintainers', reason: 'maintainers must be a list' };
  for (let i = 0; i < doc.maintainers.length; i++) {
    const m = doc.maintainers[i];
    if (typeof m !== 'string') return { pointer: `/maintainers/${i}`, reason: 'a maintainer must be a string' };
    if (!m.includes('@')) return { pointer: `/maintainers/${i}`, reason: 'a maintainer must have an email address' };
  }
  if ('examples' in doc) {
    if (!Array.isArray(doc.examples)) return { pointer: '/examples', reason: 'examples must be a list' };
    const bad = doc.examples.findIndex((x) => typeof x !== 'string');
    if (bad >= 0) return { pointer: `/examples/${bad}`, reason: 'an example must be a string' };
  }
  if ('select' in doc && typeof doc.select !== 'boolean' && !isObject(doc.select)) {
    return { pointer: '/select', reason: 'select must be a schema or a boolean' };
  }
  if (meta === CORE) {
    // core.yaml: exactly one of the two (a oneOf of two `required`).
    const closes = ['unevaluatedProperties', 'additionalProperties'].filter((k) => k in doc).length;
    if (closes !== 1) return { pointer: '', reason: 'a device binding needs exactly one of unevaluatedProperties and additionalProperties' };
  }
  return null;
}
