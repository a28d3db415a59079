/**
 * The rewrites dt-schema makes to a binding before it validates nodes with
 * it. Bindings are written in a shorthand (`const: foo` on a string-array
 * property, `maxItems: 1` on a cell matrix, `required: [interrupts]`); the
 * nodes they check are in dt-schema's JSON form (strings → string arrays,
 * cells → matrices). These fix-ups turn the shorthand into plain JSON Schema
 * over that form. Behaviour follows dt-schema 2022.08 (lib.py `fixup_schema`).
 *
 * Everything here is pure: `fixupBinding` deep-copies its input.
 */

import { normalizeForAjv } from './python-compat.js';

type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The binding as the validator should see it. Input is not modified. */
export function fixupBinding(binding: unknown): JsonObject {
  const schema = clone(binding) as JsonObject;
  if (!isObj(schema)) return {} as JsonObject;
  // Documentation-only parts play no role in validation.
  delete schema.examples;
  delete schema.maintainers;
  delete schema.historical;
  addSelect(schema);
  fixupSubSchema(schema, true);
  schema.type = 'object';
  // What Python reads and Ajv would refuse (patterns, `$ref` spellings), in Ajv's terms.
  return normalizeForAjv(schema).schema;
}

// ---------------------------------------------------------------- select

/**
 * Every string a `compatible` schema could accept: values of `enum` (of
 * strings), `const` and `pattern`, found at any depth.
 */
export function compatiblesOf(schema: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!isObj(v)) return;
    for (const [k, val] of Object.entries(v)) {
      if (k === 'enum' && Array.isArray(val)) {
        if (typeof val[0] === 'string') for (const s of val) found.add(String(s));
      } else if (k === 'const') {
        found.add(String(val));
      } else if (k === 'pattern' && typeof val === 'string') {
        found.add(val);
      } else {
        walk(val);
      }
    }
  };
  walk(schema);
  return [...found];
}

/**
 * A binding applies to the nodes its `select` matches. Without an explicit
 * one: nodes whose compatible list contains one of the binding's compatibles
 * (generic ones like "syscon" excluded, they say nothing about the device),
 * else nodes whose name matches `$nodename`, else nothing.
 */
export function addSelect(schema: JsonObject): void {
  if ('select' in schema) return;
  const props = schema.properties;
  if (!isObj(props)) {
    schema.select = false;
    return;
  }
  if ('compatible' in props) {
    const compats = compatiblesOf(props.compatible).filter((c) => c !== 'syscon' && c !== 'simple-mfd');
    if (compats.length > 0) {
      schema.select = {
        required: ['compatible'],
        properties: { compatible: { contains: { enum: [...compats].sort() } } },
      };
      return;
    }
  }
  if ('$nodename' in props && props.$nodename !== true) {
    schema.select = { required: ['$nodename'], properties: { $nodename: clone(props.$nodename) } };
    return;
  }
  schema.select = false;
}

// ---------------------------------------------------------------- node level

const SUBSCHEMA_KEYS = new Set(['select', 'if', 'then', 'else', 'additionalProperties', 'not']);
const COMBINATORS = new Set(['allOf', 'anyOf', 'oneOf']);
const PROPERTY_MAPS = new Set([
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'properties',
  'patternProperties',
  '$defs',
]);

function fixupSubSchema(schema: Json, isNode: boolean): void {
  if (!isObj(schema)) return;
  delete schema.description;
  fixupInterrupts(schema);
  if (isNode) addImplicitProperties(schema);

  // `additionalProperties: true` would stop `unevaluatedProperties` in a
  // schema that $refs this one from seeing anything; it means nothing anyway.
  if (schema.additionalProperties === true) delete schema.additionalProperties;

  for (const [k, v] of Object.entries(schema)) {
    if (SUBSCHEMA_KEYS.has(k)) fixupSubSchema(v, false);
    if (COMBINATORS.has(k) && Array.isArray(v)) for (const sub of v) fixupSubSchema(sub, true);
    if (!PROPERTY_MAPS.has(k) || !isObj(v)) continue;
    for (const [prop, sub] of Object.entries(v)) {
      walkProperty(prop, sub);
      fixupSubSchema(sub, true);
    }
  }
  toDraft201909(schema);
}

/**
 * `interrupts` can always be written as `interrupts-extended`, and any
 * interrupt user may name its parent; `required: [interrupts]` is satisfied
 * by either form.
 */
export function fixupInterrupts(schema: JsonObject): void {
  const props = schema.properties;
  if (!isObj(props)) return;
  if (('interrupts' in props || 'interrupt-controller' in props) && !('interrupt-parent' in props)) {
    props['interrupt-parent'] = true;
  }
  if (!('interrupts' in props) || 'interrupts-extended' in props) return;
  props['interrupts-extended'] = clone(props.interrupts);

  const required = schema.required;
  if (!Array.isArray(required) || !required.includes('interrupts')) return;
  const either: Json = [{ required: ['interrupts'] }, { required: ['interrupts-extended'] }];
  if ('oneOf' in schema) {
    if (!Array.isArray(schema.allOf)) schema.allOf = [];
    (schema.allOf as Json[]).push({ oneOf: either });
  } else {
    schema.oneOf = either;
  }
  required.splice(required.indexOf('interrupts'), 1);
}

/**
 * Properties every node may carry whatever its binding says, so a closed
 * binding (`additionalProperties: false`) does not reject them.
 */
export function addImplicitProperties(schema: JsonObject): void {
  if (!('properties' in schema || 'patternProperties' in schema || 'unevaluatedProperties' in schema)) return;
  if (schema.additionalProperties === true || schema.unevaluatedProperties === true) return;

  if (!isObj(schema.properties)) schema.properties = {};
  const props = schema.properties as JsonObject;
  for (const name of ['phandle', 'status', 'secure-status', '$nodename']) {
    if (!(name in props)) props[name] = true;
  }
  const keys = [...Object.keys(props), ...(isObj(schema.patternProperties) ? Object.keys(schema.patternProperties) : [])];
  if (!keys.some((k) => /^pinctrl-[0-9]/.test(k))) {
    if (!('pinctrl-names' in props)) props['pinctrl-names'] = true;
    if (!isObj(schema.patternProperties)) schema.patternProperties = {};
    (schema.patternProperties as JsonObject)['pinctrl-[0-9]+'] = true;
  }
  if (keys.includes('clocks') && !keys.includes('assigned-clocks')) {
    props['assigned-clocks'] = true;
    props['assigned-clock-rates'] = true;
    props['assigned-clock-parents'] = true;
  }
}

/** `dependencies` was split in two by draft 2019-09. */
function toDraft201909(schema: JsonObject): void {
  const deps = schema.dependencies;
  if (!isObj(deps)) return;
  delete schema.dependencies;
  for (const [k, v] of Object.entries(deps)) {
    const target = Array.isArray(v) ? 'dependentRequired' : 'dependentSchemas';
    if (!isObj(schema[target])) schema[target] = {};
    (schema[target] as JsonObject)[k] = v;
  }
}

// ---------------------------------------------------------------- property level

/** Fix a property schema, first inside its conditionals. */
function walkProperty(name: string, schema: Json): void {
  if (!isObj(schema)) return;
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    const list = schema[k];
    if (Array.isArray(list)) for (const sub of list) walkProperty(name, sub);
  }
  if ('then' in schema) walkProperty(name, schema.then);
  fixupProperty(name, schema);
}

/** The property-level rewrites, in dt-schema's order. */
export function fixupProperty(name: string, schema: JsonObject): void {
  delete schema.description;
  regToMatrix(name, schema);
  removeEmptyItems(schema);
  dropVariableMatrix(name, schema);
  intArraySizeToMatrix(name, schema);
  intArrayItemsToMatrix(name, schema);
  stringToArray(schema);
  scalarToMatrix(schema);
  fixItemsSize(schema);
  toDraft201909(schema);
}

function firstValue(schema: JsonObject, key: string): Json | undefined {
  if (!(key in schema)) return undefined;
  const v = schema[key];
  return Array.isArray(v) ? v[0] : v;
}

/** Python's bool is an int, and dt-schema relies on isinstance(x, int). */
function isIntLike(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** Constrains a single integer (const/enum/minimum/maximum of numbers). */
export function isIntSchema(schema: JsonObject): boolean {
  return ['const', 'enum', 'minimum', 'maximum'].some((k) => isIntLike(firstValue(schema, k)));
}

/** Constrains a single string (const/enum/pattern of strings). */
export function isStringSchema(schema: JsonObject): boolean {
  return ['const', 'enum', 'pattern'].some((k) => typeof firstValue(schema, k) === 'string');
}

/** Move the single-value keywords out of a schema. */
function takeScalarKeywords(schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['const', 'enum', 'pattern', 'minimum', 'maximum']) {
    if (k in schema) {
      out[k] = schema[k] as Json;
      delete schema[k];
    }
  }
  return out;
}

/** `const: foo` on a string property means "the first string is foo". */
function stringToArray(schema: JsonObject): void {
  if (!isStringSchema(schema)) return;
  schema.items = [takeScalarKeywords(schema)];
}

/** `reg: {const: 0x10}` (or items of ints) constrains the first cell of the first entry. */
function regToMatrix(name: string, schema: JsonObject): void {
  if (name !== 'reg') return;
  let itemSchema: JsonObject;
  if ('items' in schema) {
    const items = schema.items;
    const first = Array.isArray(items) ? items[0] : items;
    if (!isObj(first) || !isIntSchema(first)) return;
    itemSchema = first;
  } else if (isIntSchema(schema)) {
    itemSchema = schema;
  } else {
    return;
  }
  schema.items = [{ items: [takeScalarKeywords(itemSchema)] }];
}

function isMatrixSchema(schema: JsonObject): boolean {
  const items = schema.items;
  const sized = (s: Json): boolean => isObj(s) && ['items', 'maxItems', 'minItems'].some((k) => k in s);
  if (Array.isArray(items)) return items.some(sized);
  return isObj(items) && sized(items);
}

/** [min, max] entry counts a schema allows, 0 meaning unknown (dt-schema's `_get_array_range`). */
export function arrayRange(schema: Json | undefined): [number, number] {
  let s = schema;
  if (Array.isArray(s)) {
    if (s.length !== 1) return [0, 0];
    s = s[0];
  }
  if (!isObj(s)) return [1, 0];
  if (Array.isArray(s.items)) {
    const max = s.items.length;
    return [typeof s.minItems === 'number' ? s.minItems : max, max];
  }
  const min = typeof s.minItems === 'number' ? s.minItems : 1;
  const max = typeof s.maxItems === 'number' ? s.maxItems : typeof s.minItems === 'number' ? s.minItems : 0;
  return [min, max];
}

const VARIABLE_MATRIX_PROPS = new Set(['fsl,pins']);

/**
 * A matrix whose row count and row length both vary cannot be split back into
 * rows from the flat bytes, so its dimensions are dropped.
 */
function dropVariableMatrix(name: string, schema: JsonObject): void {
  if (!isMatrixSchema(schema)) return;
  const outer = arrayRange(schema);
  const inner = arrayRange((schema.items ?? {}) as Json);
  if (VARIABLE_MATRIX_PROPS.has(name) || (outer[0] !== outer[1] && inner[0] !== inner[1])) {
    delete schema.items;
    delete schema.maxItems;
    delete schema.minItems;
    schema.type = 'array';
  }
}

const INT_ARRAY_REF = /int(8|16|32|64)-array/;
/** Standard unit suffixes: such properties are cell arrays without a $ref. */
export const UNIT_SUFFIX =
  /-(kBps|bits|percent|bp|m?hz|sec|ms|us|ns|ps|mm|nanoamp|(micro-)?ohms|micro(amp|watt)(-hours)?|milliwatt|microvolt|picofarads|(milli)?celsius|kelvin|kpascal)$/;
const KNOWN_ARRAY_PROPS = new Set([
  'assigned-clock-rates',
  'linux,keycodes',
  'max8997,pmic-buck1-dvs-voltage',
  'max8997,pmic-buck2-dvs-voltage',
  'max8997,pmic-buck5-dvs-voltage',
]);

function isIntArraySchema(name: string, schema: JsonObject): boolean {
  let s = schema;
  if (Array.isArray(s.allOf)) {
    for (const item of s.allOf) {
      if (!isObj(item)) continue;
      if ('items' in item) {
        s = item;
        continue;
      }
      if (typeof item.$ref === 'string') return INT_ARRAY_REF.test(item.$ref);
    }
  }
  if (typeof s.$ref === 'string') return INT_ARRAY_REF.test(s.$ref);
  if (UNIT_SUFFIX.test(name) || KNOWN_ARRAY_PROPS.has(name)) return true;
  const items = s.items;
  if (Array.isArray(items)) return isObj(items[0]) && isIntSchema(items[0]);
  return isObj(items) && isIntSchema(items);
}

/**
 * An int array that only gives a size may be written `<1 2 3>` (one row) or
 * `<1>, <2>, <3>` (rows of one); accept both.
 */
function intArraySizeToMatrix(name: string, schema: JsonObject): void {
  if (!isIntArraySchema(name, schema)) return;
  let s = schema;
  if (Array.isArray(s.allOf)) {
    const sized = s.allOf.find((i) => isObj(i) && ('minItems' in i || 'maxItems' in i));
    if (isObj(sized)) s = sized;
  }
  if (Array.isArray(s.items)) return;
  if (isMatrixSchema(s)) return;
  if (s.maxItems === 1) return;

  const size: JsonObject = {};
  if ('minItems' in s) size.minItems = s.minItems as Json;
  if ('maxItems' in s) size.maxItems = s.maxItems as Json;
  delete s.minItems;
  delete s.maxItems;
  if (Object.keys(size).length === 0) return;

  const oneRowOfOne: JsonObject = { ...clone(size), items: { maxItems: 1 } };
  // With minItems 1 both forms would match a single value and oneOf would fail.
  if (oneRowOfOne.minItems === 1) oneRowOfOne.minItems = 2;
  const branches: Json[] = [oneRowOfOne, { items: [clone(size)] }];
  s.oneOf = branches;
  fixItemsSize(branches);
}

/** `items` of an int array describe the cells of the (single) row. */
function intArrayItemsToMatrix(name: string, schema: JsonObject): void {
  if (!isIntArraySchema(name, schema)) return;
  let s = schema;
  if (Array.isArray(s.allOf)) {
    const withItems = s.allOf.find((i) => isObj(i) && 'items' in i);
    if (isObj(withItems)) s = withItems;
  }
  if (!('items' in s) || isMatrixSchema(s)) return;
  const row: JsonObject = {};
  for (const k of ['items', 'minItems', 'maxItems', 'uniqueItems', 'default']) {
    if (k in s) {
      row[k] = s[k] as Json;
      delete s[k];
    }
  }
  s.items = isObj(row.items) ? row : [row];
}

/** `items` entries that constrain nothing only fix the count. */
function removeEmptyItems(schema: JsonObject): void {
  const items = schema.items;
  if (items === undefined) return;
  if (isObj(items)) {
    removeEmptyItems(items);
    return;
  }
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (!isObj(item)) return;
    delete item.description;
    removeEmptyItems(item);
    if (Object.keys(item).length > 0) return;
  }
  if (!('type' in schema)) schema.type = 'array';
  if (!('maxItems' in schema)) schema.maxItems = items.length;
  if (!('minItems' in schema)) schema.minItems = items.length;
  delete schema.items;
}

/** A single int constraint on a cell property applies to the first cell. */
function scalarToMatrix(schema: JsonObject): void {
  if (!isIntSchema(schema)) return;
  schema.items = [{ items: [takeScalarKeywords(schema)] }];
}

/**
 * Make sizes explicit: an `items` list fixes the count unless said otherwise,
 * and `maxItems` alone means exactly that many (likewise `minItems`).
 */
export function fixItemsSize(schema: Json): void {
  if (Array.isArray(schema)) {
    schema.forEach(fixItemsSize);
    return;
  }
  if (!isObj(schema)) return;
  delete schema.description;
  if ('items' in schema) {
    schema.type = 'array';
    if (Array.isArray(schema.items)) {
      const n = schema.items.length;
      if (!('minItems' in schema)) schema.minItems = n;
      if (!('maxItems' in schema)) schema.maxItems = n;
    }
    fixItemsSize(schema.items as Json);
  } else if ('maxItems' in schema && !('minItems' in schema)) {
    schema.minItems = schema.maxItems as Json;
  } else if ('minItems' in schema && !('maxItems' in schema)) {
    schema.maxItems = schema.minItems as Json;
  }
}
