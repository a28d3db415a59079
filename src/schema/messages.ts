import type { ErrorObject } from 'ajv/dist/2019.js';
import { isRawBytes } from './raw-bytes.js';
import { splitPointer } from './json-pointer.js';
import { clipEnd, MAX_QUOTED_CHARS, quote, shownName } from '../source/quote.js';

/** A validation failure in plain words. */
export interface SchemaMessage {
  /** Stable code: schema_required, schema_items, schema_additional, schema_type, … */
  check: string;
  message: string;
  /** The property (or child node) concerned, `child@1/reg` below the node. */
  property?: string;
  /** Ajv's locations, for --verbose. */
  instancePath: string;
  schemaPath: string;
  schemaId?: string;
}

type AnyError = ErrorObject & { schemaId?: string };

/**
 * Turn Ajv's errors for one node into messages. Errors under a failed
 * anyOf/oneOf are folded into one message for the combinator, since listing
 * every branch's complaint would bury the point.
 */
export function describeErrors(errors: readonly AnyError[]): SchemaMessage[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const under = (e: AnyError, c: AnyError): boolean =>
    e !== c && e.schemaPath.startsWith(c.schemaPath + '/') && e.instancePath.startsWith(c.instancePath);
  // A failed `contains` is one finding, as jsonschema reports it: not one more per entry that missed.
  const contains = errors.filter((e) => e.keyword === 'contains');
  const absorbed = absorbedByCombinators(errors);
  const out: SchemaMessage[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (absorbed.inside.has(e)) continue;
    if (combinators.some((c) => under(e, c) && sameSchema(c, e))) continue;
    if (contains.some((c) => under(e, c) && sameSchema(c, e))) continue;
    // `if` errors only say "must match then"; the `then` errors say why.
    if (e.keyword === 'if') continue;
    let branches = e.keyword === 'anyOf' || e.keyword === 'oneOf' ? errors.filter((s) => under(s, e) && sameSchema(e, s)) : [];
    // Branches reached through a $ref say why just the same.
    if (branches.length === 0) branches = absorbed.reached.get(e) ?? [];
    const m = describeError(e, branches);
    // The same words about another property, or from another schema, are another finding (dt-validate lists each).
    // A schema reached by $ref reports with paths that read like the binding's own: its errors are
    // told apart by the schema object that made them (Ajv's verbose errors carry it), as jsonschema lists both.
    const key = `${m.check}\0${m.message}\0${m.property ?? ''}\0${m.schemaId ?? ''}\0${e.schemaPath}\0${schemaToken(e.parentSchema)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/**
 * Errors a failed anyOf/oneOf's branches made through a `$ref` (a type from
 * types.yaml, a nested combinator of another schema): Ajv reports them with
 * the referenced schema's own paths, so they do not sit under the
 * combinator's path, but they come just before it, about the same value.
 * jsonschema reports the combinator alone (its branches are its context).
 * A keyword beside the combinator in the same schema is its sibling, not a
 * branch, and stays.
 */
function absorbedByCombinators(errors: readonly AnyError[]): { inside: Set<AnyError>; reached: Map<AnyError, AnyError[]> } {
  const inside = new Set<AnyError>();
  const reached = new Map<AnyError, AnyError[]>();
  for (let i = 0; i < errors.length; i++) {
    const c = errors[i]!;
    if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf') continue;
    const parent = c.schemaPath.slice(0, c.schemaPath.lastIndexOf('/'));
    const mine: AnyError[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const e = errors[j]!;
      if (!sameSchema(c, e) || !(e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`))) break;
      if (e.schemaPath.startsWith(`${parent}/`) && !e.schemaPath.startsWith(`${c.schemaPath}/`)) continue;
      inside.add(e);
      if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') mine.unshift(e);
    }
    reached.set(c, mine);
  }
  return { inside, reached };
}

const schemaTokens = new WeakMap<object, number>();
let nextSchemaToken = 0;

/** A number for a schema object, the same each time it is asked about (0 when there is none). */
function schemaToken(schema: unknown): number {
  if (typeof schema !== 'object' || schema === null) return 0;
  let token = schemaTokens.get(schema);
  if (token === undefined) {
    token = ++nextSchemaToken;
    schemaTokens.set(schema, token);
  }
  return token;
}

function sameSchema(a: AnyError, b: AnyError): boolean {
  return a.schemaId === b.schemaId;
}

/** `/reg/0/1` → 'reg'; `/rng@1/reg/0` → 'rng@1/reg'. */
export function propertyOf(instancePath: string): string | undefined {
  const parts = splitPointer(instancePath).filter((p) => !/^\d+$/.test(p));
  return parts.length ? parts.join('/') : undefined;
}

/** Depth of the instance path below its property: 0 = the value, 1 = an entry, 2 = a cell. */
function indexes(instancePath: string): number[] {
  const parts = splitPointer(instancePath);
  const out: number[] = [];
  for (let i = parts.length - 1; i >= 0 && /^\d+$/.test(parts[i]!); i--) out.unshift(Number(parts[i]));
  return out;
}

/** A value as a message shows it: a long string or list is cut (quote.ts), so a message stays short. */
function show(v: unknown): string {
  if (isRawBytes(v)) return clipEnd(`${v.toJSON()} (bytes dt-schema cannot decode)`, MAX_QUOTED_CHARS);
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return v >= 10 ? `${v} (0x${v.toString(16)})` : String(v);
  if (Array.isArray(v) && v.length === 1) return show(v[0]);
  if (v === true) return 'true (empty)';
  return clipEnd(JSON.stringify(v) ?? String(v), MAX_QUOTED_CHARS);
}

function kindOf(v: unknown): string {
  if (isRawBytes(v)) return 'bytes that are neither one string nor whole 32-bit cells';
  if (v === true || v === null) return 'an empty (flag) value';
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return 'a string value';
    if (v.every((x) => Array.isArray(x))) return 'a cell value';
    if (v.every((x) => typeof x === 'number')) return 'cells';
  }
  if (typeof v === 'object') return 'a child node';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  return typeof v;
}

/** What the counted things are: strings of a string list, rows of a matrix, cells of a row. */
function unitOf(data: unknown, depth: number): [string, string] {
  if (Array.isArray(data) && data.length && data.every((x) => typeof x === 'string')) return ['string', 'strings'];
  if (depth >= 1 || (Array.isArray(data) && data.length && data.every((x) => typeof x === 'number'))) return ['cell', 'cells'];
  return ['entry', 'entries'];
}

function count(n: number, unit: [string, string]): string {
  return `${n} ${n === 1 ? unit[0] : unit[1]}`;
}

function at(prop: string | undefined, idx: number[]): string {
  const name = prop === undefined ? 'node' : shownName(prop);
  if (idx.length === 0) return name;
  if (idx.length === 1) return `${name} entry ${idx[0]}`;
  return `${name} entry ${idx[0]} cell ${idx.slice(1).join('.')}`;
}

function describeError(e: AnyError, branches: AnyError[]): SchemaMessage {
  const base = { instancePath: e.instancePath, schemaPath: e.schemaPath, ...(e.schemaId ? { schemaId: e.schemaId } : {}) };
  const prop = propertyOf(e.instancePath);
  const idx = indexes(e.instancePath);
  const where = at(prop, idx);
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const make = (check: string, message: string, property = prop): SchemaMessage =>
    property ? { check, message, property, ...base } : { check, message, ...base };
  const inNode = (name: string): string => (prop ? `${prop}/${name}` : name);

  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      // Said from a parent about one of its child nodes: the child is named.
      return make('schema_required', `${prop ? `${shownName(prop)}: ` : ''}${shownName(missing)} is required`, inNode(missing));
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra = String(params.additionalProperty ?? params.unevaluatedProperty);
      return make('schema_additional', `${prop ? `${shownName(prop)}: ` : ''}${quote(extra)} is not allowed: additional property`, inNode(extra));
    }
    case 'false schema':
      return make('schema_additional', `${where} is not allowed here`);
    case 'maxItems':
    case 'minItems': {
      const unit = unitOf(e.data, idx.length);
      const found = Array.isArray(e.data) ? e.data.length : 0;
      const min = parent.minItems as number | undefined;
      const max = parent.maxItems as number | undefined;
      let want: string;
      if (min !== undefined && min === max) want = `exactly ${count(min, unit)}`;
      else if (e.keyword === 'maxItems') want = `at most ${count(Number(params.limit), unit)}`;
      else want = `at least ${count(Number(params.limit), unit)}`;
      if (idx.length === 1 && unit[0] === 'cell') {
        return make('schema_items', `${prop ?? 'node'}: expected ${want.replace(/^exactly /, '')} per entry, entry ${idx[0]} has ${found}`);
      }
      return make('schema_items', `${where} must have ${want}, found ${found}`);
    }
    case 'type':
      return make('schema_type', `${where}: expected ${typeWords(String(params.type), idx.length)}, found ${kindOf(e.data)}`);
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      return make('schema_enum', `${where}: ${show(e.data)} is not one of ${allowed.map(show).join(', ')}`);
    }
    case 'const':
      return make('schema_const', `${where}: ${show(e.data)} should be ${show(params.allowedValue)}`);
    case 'pattern':
      return make('schema_pattern', `${where}: ${show(e.data)} does not match ${quote(String(params.pattern))}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return make('schema_range', `${where}: ${show(e.data)} must be ${String(params.comparison)} ${show(params.limit)}`);
    case 'uniqueItems':
      return make('schema_unique', `${where}: entries ${String(params.j)} and ${String(params.i)} are the same`);
    case 'dependentRequired':
    case 'dependencies': {
      const p = String(params.property);
      return make('schema_dependency', `${p} requires ${String(params.missingProperty)}`, inNode(p));
    }
    case 'contains':
      return make('schema_contains', `${where}: no entry matches what is required`);
    case 'not':
      return make('schema_not', `${where}: matches a combination that is not allowed`);
    case 'anyOf':
    case 'oneOf':
      return describeCombinator(e, branches, where, make);
    default:
      return make(`schema_${e.keyword.replace(/[^a-zA-Z0-9]/g, '_')}`, `${where}: ${e.message ?? 'is not valid'}`);
  }
}

function describeCombinator(
  e: AnyError,
  branches: AnyError[],
  where: string,
  make: (check: string, message: string, property?: string) => SchemaMessage,
): SchemaMessage {
  const params = e.params as Record<string, unknown>;
  // oneOf failing because two branches matched.
  if (e.keyword === 'oneOf' && Array.isArray(params.passingSchemas)) {
    return make('schema_oneof', `${where}: matches more than one of the allowed forms`);
  }
  // "one of these properties is required" (interrupts / interrupts-extended).
  if (branches.length > 0 && branches.every((b) => b.keyword === 'required' && b.instancePath === e.instancePath)) {
    const names = branches.map((b) => String((b.params as Record<string, unknown>).missingProperty));
    const prefix = where === 'node' ? '' : `${where}: `;
    return make('schema_required', `${prefix}${names[0]} is required (or ${names.slice(1).join(' or ')})`, names[0]);
  }
  // Value alternatives: one of some strings or a pattern (status).
  const enums = branches.filter((b) => b.keyword === 'enum' || b.keyword === 'const' || b.keyword === 'pattern');
  if (enums.length && enums.length === branches.length) {
    const alts = enums.flatMap((b) => {
      const p = b.params as Record<string, unknown>;
      if (b.keyword === 'enum') return (p.allowedValues as unknown[]).map(show);
      if (b.keyword === 'const') return [show(p.allowedValue)];
      return [`/${clipEnd(String(p.pattern), MAX_QUOTED_CHARS)}/`];
    });
    return make('schema_enum', `${where}: ${show(e.data)} is not one of ${alts.join(', ')}`);
  }
  const reasons = [...new Set(branches.map((b) => describeError(b, []).message))];
  const list = reasons.length ? `: ${reasons.join('; or ')}` : '';
  return make('schema_conditional', `${where} does not match any allowed form${list}`);
}

function typeWords(type: string, depth: number): string {
  switch (type) {
    case 'array':
      return depth === 0 ? 'a value (string or cells)' : 'a list of cells';
    case 'integer':
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'an empty (flag) property';
    case 'object':
      return 'a child node';
    case 'null':
      return 'no value';
    default:
      return type.replace(/,/g, ' or ');
  }
}
