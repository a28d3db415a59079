import { basename, join, relative, sep } from 'node:path';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import { makeAjv } from './compile.js';
import { builtinSchemaDir, type SchemaHost } from './host.js';
import { UNIT_SUFFIX } from './fixups.js';
import { isObject, joinPointer, splitPointer } from './json-pointer.js';
import { loadBinding, type LoadedBinding } from './load.js';

/**
 * The binding check (what dt-doc-validate does): the binding document is
 * validated against our meta-schemas (schemas/meta/*.yaml), then a few rules
 * JSON Schema cannot express are checked in code. Each meta-schema reports
 * under its own check name.
 */

const CORE_META = 'http://devicetree.org/meta-schemas/core.yaml#';

/** Meta-schema file → check name, and whether it applies only to device bindings (core.yaml). */
const META_FILES: { file: string; check: string; coreOnly: boolean }[] = [
  { file: 'top.yaml', check: 'binding_toplevel', coreOnly: false },
  { file: 'id.yaml', check: 'binding_id', coreOnly: false },
  { file: 'title.yaml', check: 'binding_title', coreOnly: false },
  { file: 'maintainers.yaml', check: 'binding_maintainers', coreOnly: false },
  { file: 'keywords.yaml', check: 'binding_keywords', coreOnly: false },
  { file: 'items.yaml', check: 'binding_items', coreOnly: false },
  { file: 'closed.yaml', check: 'binding_additional', coreOnly: true },
  { file: 'cells.yaml', check: 'binding_cells', coreOnly: true },
  { file: 'string-array.yaml', check: 'binding_string_array', coreOnly: true },
  { file: 'interrupts.yaml', check: 'binding_interrupts', coreOnly: true },
  { file: 'consumers.yaml', check: 'binding_consumers', coreOnly: true },
];

/** A required top-level key belongs to the check about it. */
const REQUIRED_CHECK: Record<string, string> = {
  $id: 'binding_id',
  $schema: 'binding_toplevel',
  title: 'binding_title',
  maintainers: 'binding_maintainers',
};

export interface MetaCheckOptions {
  /** Directories the binding's `$id` path is relative to (the schemas roots). */
  roots?: readonly string[];
  /** `$id`s (with or without '#') that `$ref`s may point to; unchecked when absent. */
  knownIds?: ReadonlySet<string>;
}

interface CompiledMeta {
  check: string;
  coreOnly: boolean;
  validate: ValidateFunction;
}

/** The compiled meta-schemas; build once per run. */
export class MetaChecker {
  readonly diagnostics: Diagnostic[] = [];
  private readonly metas: CompiledMeta[] = [];
  private vendor: ValidateFunction | undefined;
  private readonly ajv: Ajv2019;

  private constructor() {
    this.ajv = makeAjv();
  }

  /** Load and compile schemas/meta (or another folder laid out the same way). */
  static load(host: SchemaHost, dir = join(builtinSchemaDir(), 'meta')): MetaChecker {
    const mc = new MetaChecker();
    // Add every meta-schema first so that they can $ref each other.
    const ids = new Map<string, string>();
    for (const file of [...META_FILES.map((m) => m.file), 'vendor.yaml']) {
      const loaded = loadBinding(join(dir, file), host);
      if (loaded.diagnostics.length || !isObject(loaded.json) || typeof loaded.json.$id !== 'string') {
        mc.diagnostics.push(...loaded.diagnostics);
        continue;
      }
      const schema = { ...loaded.json };
      delete schema.$schema;
      try {
        mc.ajv.addSchema(schema);
        ids.set(file, (loaded.json.$id as string).replace(/#$/, ''));
      } catch (err) {
        mc.diagnostics.push({ severity: 'error', check: 'meta_compile', message: `${file}: ${(err as Error).message}` });
      }
    }
    const compile = (file: string): ValidateFunction | undefined => {
      const id = ids.get(file);
      if (!id) return undefined;
      try {
        return mc.ajv.getSchema(id);
      } catch (err) {
        mc.diagnostics.push({ severity: 'error', check: 'meta_compile', message: `${file}: ${(err as Error).message}` });
        return undefined;
      }
    };
    for (const m of META_FILES) {
      const validate = compile(m.file);
      if (validate) mc.metas.push({ check: m.check, coreOnly: m.coreOnly, validate });
    }
    mc.vendor = compile('vendor.yaml');
    return mc;
  }

  /** All findings for one binding, sorted by position. */
  check(binding: LoadedBinding, options: MetaCheckOptions = {}): Diagnostic[] {
    if (binding.diagnostics.length) return [...binding.diagnostics];
    const json = binding.json;
    const out: Diagnostic[] = [];
    const at = (check: string, pointer: string, message: string, severity: Severity = 'error'): void => {
      out.push({ severity, check, message, span: binding.spanAt(pointer), ...(binding.id ? { bindingId: binding.id } : {}) });
    };
    if (!isObject(json)) {
      at('binding_toplevel', '', 'a binding must be a YAML mapping');
      return out;
    }
    const isCore = json.$schema === CORE_META;
    for (const m of this.metas) {
      if (m.coreOnly && !isCore) continue;
      if (m.validate(json)) continue;
      for (const f of summarize(m.validate.errors ?? [])) {
        const check = f.keyword === 'required' && REQUIRED_CHECK[f.missing ?? ''] ? REQUIRED_CHECK[f.missing!]! : m.check;
        at(check, f.pointer, f.message);
      }
    }
    // Hand-written rules.
    for (const f of idPathFindings(binding, json, options.roots)) at('binding_id', '/$id', f);
    for (const f of itemsLengthFindings(json)) at('binding_items', f.pointer, f.message);
    if (isCore && this.vendor) for (const f of vendorFindings(json, this.vendor)) at('binding_vendor', f.pointer, f.message);
    if (options.knownIds) for (const f of refFindings(json, options.knownIds)) at('binding_ref', f.pointer, f.message);
    const schemaErr = jsonSchemaFinding(this.ajv, json);
    if (schemaErr) at('binding_jsonschema', schemaErr.pointer, schemaErr.message);
    for (const q of binding.needlessQuotes) at('binding_quotes', q.pointer, `quotes are not necessary: ${q.value}`, 'warning');
    if (typeof json.description !== 'string' && isCore) {
      at('binding_description', '', 'a device binding should have a description of the hardware', 'warning');
    }
    return out.sort((a, b) => (a.span!.line - b.span!.line) || (a.span!.col - b.span!.col));
  }
}

/** Check one binding with a one-off checker (tests, single files). */
export function checkBinding(binding: LoadedBinding, host: SchemaHost, options: MetaCheckOptions = {}): Diagnostic[] {
  return MetaChecker.load(host).check(binding, options);
}

// ---------------------------------------------------------------- Ajv errors → findings

interface Finding {
  pointer: string;
  message: string;
  keyword?: string;
  missing?: string;
}

function descriptionOf(schema: unknown): string | undefined {
  return isObject(schema) && typeof schema.description === 'string' ? schema.description : undefined;
}

/** Where an error points in the binding: a bad key is reported at the key. */
function pointerOf(e: ErrorObject): string {
  const name = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (name !== undefined) return e.instancePath + joinPointer([name]);
  if (e.keyword === 'additionalProperties') return e.instancePath + joinPointer([String(e.params.additionalProperty)]);
  return e.instancePath;
}

function plain(e: ErrorObject): Finding {
  const pointer = pointerOf(e);
  const desc = descriptionOf(e.parentSchema);
  const where = splitPointer(pointer).join('/') || 'binding';
  let message: string;
  if (e.keyword === 'required') {
    message = `${String(e.params.missingProperty)} is required${desc ? ` (${desc})` : ''}`;
    return { pointer, message: `${where === 'binding' ? '' : where + ': '}${message}`, keyword: 'required', missing: String(e.params.missingProperty) };
  }
  if (e.keyword === 'dependentRequired') {
    message = `${String(e.params.property)} requires ${String(e.params.missingProperty)}`;
    return { pointer: pointer + joinPointer([String(e.params.property)]), message: `${where}: ${message}` };
  }
  message = desc ?? e.message ?? 'is not valid';
  return { pointer, message: `${where}: ${message}`, keyword: e.keyword };
}

/**
 * One finding per problem. Ajv reports the failing branches of an
 * anyOf/oneOf/if just before the combinator itself; those branch errors are
 * folded into the combinator's description when it has one.
 */
export function summarize(errors: readonly ErrorObject[]): Finding[] {
  const claimed = new Set<number>();
  const findings: (Finding | undefined)[] = errors.map(() => undefined);
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    const isCombinator = e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if';
    if (!isCombinator) continue;
    const desc =
      e.keyword === 'if'
        ? descriptionOf(isObject(e.parentSchema) ? e.parentSchema.then : undefined)
        : descriptionOf(e.parentSchema);
    const inside: number[] = [];
    // Inner combinators come first in Ajv's list; the outer one takes over
    // whatever they claimed, so one problem gives one finding.
    for (let j = i - 1; j >= 0; j--) {
      if (!errors[j]!.instancePath.startsWith(e.instancePath)) break;
      inside.push(j);
    }
    if (desc) {
      for (const j of inside) {
        claimed.add(j);
        findings[j] = undefined;
      }
      const where = splitPointer(e.instancePath).join('/') || 'binding';
      // Name the exact offender when a branch points below the combinator.
      const deeper = inside.map((j) => pointerOf(errors[j]!)).find((p) => p.length > e.instancePath.length);
      const pointer = deeper ?? e.instancePath;
      const what = deeper ? splitPointer(deeper).join('/') : where;
      findings[i] = { pointer, message: `${what}: ${desc}`, keyword: e.keyword };
    } else if (e.keyword !== 'if' && inside.length === 0) {
      findings[i] = plain(e);
    }
    // Without a description the branch errors speak for themselves.
  }
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (claimed.has(i) || findings[i]) continue;
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    // The wrapper of a propertyNames failure; the inner error says why.
    if (e.keyword === 'propertyNames') continue;
    findings[i] = plain(e);
  }
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    if (!f) continue;
    const key = f.pointer + '\0' + f.message;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

// ---------------------------------------------------------------- rules in code

/** The path a binding's file has under one of the roots, or undefined. */
function relativeToRoots(path: string, roots: readonly string[]): string | undefined {
  for (const r of roots) {
    const rel = relative(r, path);
    if (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '') return rel.split(sep).join('/');
  }
  // Linux keeps bindings under Documentation/devicetree/bindings/.
  const norm = path.split(sep).join('/');
  for (const marker of ['/devicetree/bindings/', '/schemas/']) {
    const k = norm.lastIndexOf(marker);
    if (k >= 0) return norm.slice(k + marker.length);
  }
  return undefined;
}

/** `$id` must name the file: http://devicetree.org/schemas/<path relative to the schemas root>#. */
export function idPathFindings(binding: LoadedBinding, json: Record<string, unknown>, roots?: readonly string[]): string[] {
  const id = json.$id;
  if (typeof id !== 'string' || !/^http:\/\/devicetree\.org\/schemas\//.test(id)) return [];
  const idPath = id.replace('http://devicetree.org/schemas/', '').replace(/#$/, '');
  const builtin = builtinSchemaDir();
  const rel = relativeToRoots(binding.path, [...(roots ?? []), join(builtin, 'core'), builtin]);
  if (rel !== undefined) {
    if (rel === idPath) return [];
    return [`$id does not match the file's path: expected http://devicetree.org/schemas/${rel}#`];
  }
  // No root known: at least the file name must agree.
  if (basename(idPath) === basename(binding.path)) return [];
  return [`$id does not match the file name: expected it to end in ${basename(binding.path)}#`];
}

type Visit = (schema: Record<string, unknown>, pointer: string[]) => void;

/** Every schema object in the binding, with its pointer. */
function walkSchemas(schema: unknown, visit: Visit, pointer: string[] = []): void {
  if (!isObject(schema)) return;
  visit(schema, pointer);
  for (const k of ['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions']) {
    const m = schema[k];
    if (isObject(m)) for (const [name, sub] of Object.entries(m)) walkSchemas(sub, visit, [...pointer, k, name]);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const l = schema[k];
    if (Array.isArray(l)) l.forEach((sub, i) => walkSchemas(sub, visit, [...pointer, k, String(i)]));
  }
  for (const k of ['if', 'then', 'else', 'not', 'contains', 'additionalProperties', 'unevaluatedProperties', 'select']) {
    walkSchemas(schema[k], visit, [...pointer, k]);
  }
  const items = schema.items;
  if (Array.isArray(items)) items.forEach((sub, i) => walkSchemas(sub, visit, [...pointer, 'items', String(i)]));
  else walkSchemas(items, visit, [...pointer, 'items']);
}

/** `minItems` equal to (or above) the length of an `items` list says nothing new. */
export function itemsLengthFindings(json: unknown): Finding[] {
  const out: Finding[] = [];
  walkSchemas(json, (s, p) => {
    if (!Array.isArray(s.items) || typeof s.minItems !== 'number' || 'additionalItems' in s) return;
    if (s.minItems >= s.items.length) {
      out.push({
        pointer: joinPointer([...p, 'minItems']),
        message: `${p.join('/')}: minItems is only needed when less than the length of the items list (${s.items.length})`,
      });
    }
  });
  return out;
}

/** Vendor-prefixed property names whose type must be given in the binding. */
function needsVendorType(name: string): boolean {
  if (!name.includes(',')) return false;
  if (/[[\]*{}$^\\]/.test(name)) return false;
  if (name.startsWith('linux,') || name.startsWith('rcar_sound,')) return false;
  if (/-(gpio|gpios)$/.test(name) || /-supply$/.test(name)) return false;
  return !UNIT_SUFFIX.test(name);
}

export function vendorFindings(json: unknown, validate: ValidateFunction): Finding[] {
  const out: Finding[] = [];
  walkSchemas(json, (s, p) => {
    const props = s.properties;
    if (!isObject(props) || p[p.length - 1] === 'properties') return;
    for (const [name, sub] of Object.entries(props)) {
      if (!needsVendorType(name) || validate(sub)) continue;
      out.push({
        pointer: joinPointer([...p, 'properties', name]),
        message: `${[...p, 'properties', name].join('/')}: a vendor property needs a description and a type ($ref to types.yaml, "type: boolean", or an enum/const of strings)`,
      });
    }
  });
  return out;
}

/** `$ref`s to other schemas must name a loaded schema. */
export function refFindings(json: unknown, known: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const norm = (id: string): string => id.replace(/#.*$/, '');
  const ids = new Set([...known].map(norm));
  const base = isObject(json) && typeof json.$id === 'string' ? json.$id : 'http://devicetree.org/schemas/';
  walkSchemas(json, (s, p) => {
    const ref = s.$ref;
    if (typeof ref !== 'string' || ref.startsWith('#')) return;
    let target: string;
    try {
      target = norm(new URL(ref, base).href);
    } catch {
      return;
    }
    if (!ids.has(target)) out.push({ pointer: joinPointer([...p, '$ref']), message: `${p.join('/')}: $ref '${ref}' names no known schema` });
  });
  return out;
}

/** The binding must be a JSON Schema at all (draft 2019-09). */
function jsonSchemaFinding(ajv: Ajv2019, json: Record<string, unknown>): Finding | undefined {
  const copy = { ...json };
  delete copy.$schema;
  if (ajv.validateSchema(copy) === true) return undefined;
  const e = ajv.errors?.[0];
  if (!e) return undefined;
  return { pointer: e.instancePath, message: `${splitPointer(e.instancePath).join('/') || 'binding'}: not valid JSON Schema: ${e.message ?? ''}` };
}
