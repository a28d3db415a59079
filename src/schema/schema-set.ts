/**
 * The schemas of a run as the validator uses them: compiled validators and
 * selects, the compatible index, and the property types the bindings
 * declare. It holds no compiler: schema/compile.ts (Ajv, YAML) builds one
 * from binding files, schema/load-set.ts from the build's precompiled
 * artefacts, so a run on the built-in bindings never loads Ajv or YAML.
 */
import type { ErrorObject } from 'ajv/dist/2019.js';
import type { Diagnostic } from '../source/diagnostic.js';
import { arrayRange, isStringSchema, UNIT_SUFFIX, type JsonObject } from './fixups.js';
import { isDisabledNode, isIgnored, type MatrixDim } from './json-view.js';
import { isObject, joinPointer } from './json-pointer.js';
import { selectPredicate, type Predicate } from './select-predicate.js';
import { SelectIndex } from './select-index.js';
import { judgesNamesAlone, NameVerdicts } from './name-only.js';
import { at, closedRootsReached, evaluatedKeys, placesAt, type EvaluatedKeysHost } from './evaluated-keys.js';
import { isPatternBudgetError, type PatternBudgetError } from './pattern-budget.js';


/** The property types dt-schema knows (types.yaml definition names, plus `node`). */
export type PropertyType =
  | 'flag'
  | 'string'
  | 'string-array'
  | 'non-unique-string-array'
  | 'uint8'
  | 'uint8-array'
  | 'uint8-matrix'
  | 'int8'
  | 'int8-array'
  | 'int8-matrix'
  | 'uint16'
  | 'uint16-array'
  | 'uint16-matrix'
  | 'int16'
  | 'int16-array'
  | 'int16-matrix'
  | 'uint32'
  | 'uint32-array'
  | 'uint32-matrix'
  | 'int32'
  | 'int32-array'
  | 'int32-matrix'
  | 'uint64'
  | 'uint64-array'
  | 'uint64-matrix'
  | 'int64'
  | 'int64-array'
  | 'int64-matrix'
  | 'phandle'
  | 'phandle-array'
  | 'node';

export type { MatrixDim };

/** One schema of a run, fixed up and compiled (now or at build time). */
export interface SchemaEntry {
  id: string;
  path: string;
  /** True for the always-applying core schemas (schemas/core). */
  core: boolean;
  /** After dt-schema's fix-ups: what is compiled. */
  fixed: JsonObject;
  /** Compatible strings the binding documents (regex sources included). */
  compatibles: string[];
  /** Read from a file the user gave (--schema, check-binding), not one of the built-in schemas: its patterns are matched as user patterns (schema/user-pattern.ts). */
  user?: boolean;
}


/** An Ajv error, tagged with the schema that produced it. */
export type RawError = ErrorObject & { schemaId: string };

/** A compiled validator or select, in Ajv's calling convention (errors left on the function). */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The second argument Ajv's validators take (where the data sits, for nested calls); the rest default. */
interface ValidatorCall {
  instancePath: string;
  dynamicAnchors: object;
}

/**
 * What a top-level call passes: Ajv's code would otherwise make two objects
 * per call for its defaults, and a lint makes a dozen calls per node. The
 * validators only pass `dynamicAnchors` on (2019-09 schemas have no dynamic
 * anchors to record), so one frozen object serves every call.
 */
const TOP_LEVEL_CALL: ValidatorCall = Object.freeze({ instancePath: '', dynamicAnchors: Object.freeze({}) });

/**
 * A select as the validator runs it: a constant verdict, the predicate
 * select-predicate.ts makes of it when it can (the same verdict as Ajv's
 * compiled select, without a validator call per node), else the compiled select.
 */
export function selectTest(entry: SchemaEntry, compiled: Validator | boolean): Predicate | boolean {
  if (typeof compiled === 'boolean') return compiled;
  const viaAjv = (data: unknown) => check(compiled, data) === true;
  // The predicates match patterns with RegExp: a user's select with patterns stays with Ajv's user-pattern engine.
  if (entry.user && /"pattern(Properties)?":/.test(JSON.stringify(entry.fixed['select']))) return viaAjv;
  return selectPredicate(entry.fixed['select']) ?? viaAjv;
}

/** Run a validator on a node as a top-level call. */
function check(v: Validator, data: unknown): boolean {
  const call: (data: unknown, call: ValidatorCall) => boolean = v;
  return call(data, TOP_LEVEL_CALL);
}

/**
 * The validators by id: a Map of them all, or (schema/compile.ts, lazily) a
 * table that compiles each when first asked for.
 */
export interface ValidatorTable {
  /** The validator; null (or undefined) when there is none. May compile it now. */
  get(id: string): Validator | null | undefined;
  /** Without compiling: false when the entry is known to have no validator. Absent: `get` is cheap. */
  mayHave?(id: string): boolean;
}

/** What a SchemaSet is made of. */
export interface SchemaSetParts {
  entries: SchemaEntry[];
  /** Problems met while loading and compiling. */
  diagnostics: Diagnostic[];
  /** Each entry's validator by id; null when it did not compile. */
  validators: ValidatorTable;
  /** Each entry's select: compiled, or a constant verdict. */
  selectors: Pick<ReadonlyMap<string, Validator | boolean>, 'get'>;
  /** The bindings whose compatibles document a node, in the order they win. */
  documented: readonly SchemaEntry[];
  builtinSource: 'precompiled' | 'runtime' | 'none';
  /** The property-type tables, when the build worked them out for these very entries (the built-in set). */
  typeTables?: TypeTableData;
  /**
   * How a pattern of these schemas (a documented compatible, a property name
   * pattern) is compiled; null when JavaScript refuses it. The compiler
   * passes one that matches user patterns in linear time
   * (schema/user-pattern.ts); without one (the built-in schemas alone),
   * RegExp.
   */
  patternOf?: (source: string) => PatternTester | null;
  /**
   * Validity of any subschema, for counting evaluated properties as
   * dt-validate's jsonschema does (evaluated-keys.ts); without it (the
   * precompiled built-ins) Ajv's count stands.
   */
  evaluatedKeysHost?: EvaluatedKeysHost;
}

/** What a pattern needs to be: RegExp has it. */
export interface PatternTester {
  test(s: string): boolean;
}

function nativePattern(source: string): RegExp | null {
  try {
    return new RegExp(source, 'u');
  } catch {
    return null;
  }
}

/**
 * What the schemas say about property types, in a form JSON keeps: the
 * build works it out for the built-in set (manifest.json), so a run does not
 * walk every schema for it at start-up.
 */
export interface TypeTableData {
  exact: [string, PropertyType[]][];
  /** Name patterns (sources) that say something, in schema order. */
  patterns: [string, PropertyType[]][];
  dims: [string, MatrixDim][];
}

/** dt-schema 2022.08's pattern for a type in a $ref (any $ref): `non-unique-string-array` reads as `string-array`. */
const TYPE_IN_REF = /(flag|u?int(8|16|32|64)(-(array|matrix))?|string(-array)?|phandle(-array)?)/;

/** All schemas of a run, with the lookups the validator needs. */
export class SchemaSet {
  readonly entries: readonly SchemaEntry[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Where the built-in schemas' validators came from: the build's artefacts
   * (dist/schemas), compiled now, or not loaded at all.
   */
  readonly builtinSource: 'precompiled' | 'runtime' | 'none';
  private readonly validators: ValidatorTable;
  private readonly selectors: Pick<ReadonlyMap<string, Validator | boolean>, 'get'>;
  private readonly byCompatible = new Map<string, SchemaEntry>();
  private readonly byPattern: { re: PatternTester; entry: SchemaEntry }[] = [];
  private types: { exact: Map<string, PropertyType[]>; patterns: { source: string; re: PatternTester; types: PropertyType[] }[] } | null =
    null;
  /** How this set's patterns are compiled (see SchemaSetParts.patternOf). */
  private readonly patternOf: (source: string) => PatternTester | null;
  private readonly presetTypes: TypeTableData | null;
  private readonly evaluatedKeysHost: EvaluatedKeysHost | null;
  private dims = new Map<string, MatrixDim>();
  private readonly typesByName = new Map<string, readonly PropertyType[]>();

  constructor(parts: SchemaSetParts) {
    this.entries = parts.entries;
    this.diagnostics = parts.diagnostics;
    this.validators = parts.validators;
    this.selectors = parts.selectors;
    this.builtinSource = parts.builtinSource;
    this.presetTypes = parts.typeTables ?? null;
    // Its patterns matched as this set matches them (a user's binding's with the linear-time engine).
    this.evaluatedKeysHost = parts.evaluatedKeysHost ? { ...parts.evaluatedKeysHost, pattern: (source) => this.patternOf(source) } : null;
    this.patternOf = parts.patternOf ?? nativePattern;
    for (const e of parts.documented) this.indexCompatibles(e);
  }

  /** The validator compiled for this entry; null when it did not compile. */
  validatorOf(id: string): Validator | null {
    return this.validators.get(id) ?? null;
  }

  /** The entry's select: compiled, or a constant verdict. */
  selectorOf(id: string): Validator | boolean {
    return this.selectors.get(id) ?? false;
  }

  private indexCompatibles(e: SchemaEntry): void {
    for (const c of e.compatibles) {
      if (/[\^[{($]/.test(c)) {
        // An invalid regex documents nothing.
        const re = this.patternOf(c);
        if (re) this.byPattern.push({ re, entry: e });
      } else if (!this.byCompatible.has(c)) {
        this.byCompatible.set(c, e);
      }
    }
  }

  /** The entry with this `$id` (with or without the trailing '#'). */
  get(id: string): SchemaEntry | undefined {
    if (!this.byId) {
      // Built on first use, first entry winning, as the scan it replaces did.
      this.byId = new Map();
      for (const e of this.entries) {
        const k = e.id.replace(/#$/, '');
        if (!this.byId.has(k)) this.byId.set(k, e);
      }
    }
    return this.byId.get(id.replace(/#$/, ''));
  }

  private byId: Map<string, SchemaEntry> | undefined;

  /** Non-core bindings. */
  bindings(): SchemaEntry[] {
    // A lazy table is asked without compiling: a binding that turns out not to compile validates nothing.
    return this.entries.filter((e) => !e.core && (this.validators.mayHave ? this.validators.mayHave(e.id) : this.validators.get(e.id)));
  }

  /**
   * The binding for a node's compatible list: the first compatible that a
   * binding documents picks it. Undefined when none is documented.
   */
  bindingsFor(compatibles: readonly string[]): SchemaEntry | undefined {
    for (let i = 0; i < compatibles.length; i++) {
      const c = compatibles[i]!;
      const exact = this.byCompatible.get(c);
      if (exact) return exact;
      const pat = this.byPattern.find((p) => this.matches(p.re, c, p.entry));
      if (pat) return pat.entry;
    }
    return undefined;
  }

  /**
   * User patterns that could not be matched within their time budget
   * (schema/pattern-fallback.ts), outside validate() (which reports them on
   * the node): each counted as no match, and said here, for the run's report.
   */
  readonly patternProblems: Diagnostic[] = [];

  /** A pattern's verdict; one past its budget is no match, and a problem said once per pattern. */
  private matches(re: PatternTester, s: string, from?: SchemaEntry): boolean {
    try {
      return re.test(s);
    } catch (err) {
      if (!isPatternBudgetError(err)) throw err;
      if (!this.patternProblems.some((d) => d.message.includes(quotedPattern(err.pattern)))) {
        const d: Diagnostic = { severity: 'error', check: 'schema_pattern_budget', message: patternBudgetMessage(err, from?.path) };
        if (from) d.file = from.path;
        this.patternProblems.push(d);
      }
      return false;
    }
  }

  /** Whether some binding documents this compatible string. */
  isDocumented(compatible: string): boolean {
    return this.bindingsFor([compatible]) !== undefined;
  }

  /** Every non-core binding whose `select` matches the node (dt-validate's way of picking). */
  selecting(node: unknown): SchemaEntry[] {
    return this.applicable(node).filter((e) => !e.core && this.validators.get(e.id));
  }

  /** Each entry's select as it runs, made on first use. */
  private readonly selectTests = new Map<string, Predicate | boolean>();

  private selectTestOf(e: SchemaEntry): Predicate | boolean {
    let s = this.selectTests.get(e.id);
    if (s === undefined) {
      s = selectTest(e, this.selectorOf(e.id));
      this.selectTests.set(e.id, s);
    }
    return s;
  }

  /** Validate a node (dt-schema JSON form) against one binding; [] when it passes. */
  validate(node: unknown, binding: SchemaEntry): RawError[] {
    const v = this.validators.get(binding.id);
    if (!v) return [];
    // dt-validate never looks below `__symbols__`, `__fixups__` and their kin.
    if (isIgnored(node)) return [];
    const names = isObject(node) ? this.nameVerdictsOf(binding) : null;
    if (names && names.allPass(node as Record<string, unknown>, (one) => check(v, one))) return [];
    try {
      if (check(v, node)) return [];
    } catch (err) {
      if (isPatternBudgetError(err)) return [{ keyword: 'pattern', instancePath: '', schemaPath: '#', params: {}, message: `cannot be checked: ${patternBudgetMessage(err, binding.path)}`, schemaId: binding.id }];
      if (!(err instanceof RangeError)) throw err;
      return [outOfStack(binding)];
    }
    // Each call hands back fresh error objects: tagged in place rather than copied.
    let errors = (v.errors ?? []) as RawError[];
    if (this.evaluatedKeysHost && isObject(node)) errors = this.unevaluatedAsJsonschema(node as Record<string, unknown>, binding, errors);
    for (const err of errors) err.schemaId = binding.id;
    return withoutDisabledRequired(errors, isDisabledNode(node));
  }

  /** For a binding that judges names alone (name-only.ts), its verdicts so far; null for any other. */
  private nameVerdictsOf(binding: SchemaEntry): NameVerdicts | null {
    let names = this.nameVerdicts.get(binding.id);
    if (names === undefined) {
      names = judgesNamesAlone(binding.fixed) ? new NameVerdicts() : null;
      this.nameVerdicts.set(binding.id, names);
    }
    return names;
  }

  private readonly nameVerdicts = new Map<string, NameVerdicts | null>();

  /**
   * Ajv's unevaluatedProperties errors, made to say what dt-validate's
   * jsonschema says (evaluated-keys.ts) on a node that failed its binding:
   * at the node itself (when the binding closes it) and at each place inside
   * it where Ajv reported one from the binding's own schema. Names jsonschema
   * counts as evaluated are dropped (Ajv forgets what a failed $ref looked
   * at); names it does not count are added (a value that failed, a failed
   * branch's).
   */
  private unevaluatedAsJsonschema(node: Record<string, unknown>, binding: SchemaEntry, errors: RawError[]): RawError[] {
    const host = this.evaluatedKeysHost!;
    const bindingId = binding.id.replace(/#$/, '');
    // Each place: where in the node, and which subschema closes it there.
    const places = new Map<string, { instancePath: string; id: string; pointer: string }>();
    const addPlace = (instancePath: string, id: string, pointer: string) => places.set(`${instancePath}\0${id}\0${pointer}`, { instancePath, id, pointer });
    if (binding.fixed['unevaluatedProperties'] === false) addPlace('', bindingId, '');
    for (const inner of closedRootsReached(bindingId, host)) addPlace('', inner.id, '');
    for (const e of errors) {
      if (e.keyword !== 'unevaluatedProperties') continue;
      const parent = e.parentSchema as Record<string, unknown> | undefined;
      if (isObject(parent) && typeof parent['$id'] === 'string') {
        // The root of a schema (the binding's, or one reached by $ref) closes the node.
        addPlace(e.instancePath, parent['$id'].replace(/#$/, ''), '');
        continue;
      }
      if (!e.schemaPath.startsWith('#/')) continue;
      const pointer = e.schemaPath
        .slice(1, -'/unevaluatedProperties'.length)
        .split('/')
        .map((part) => decodeURIComponent(part))
        .join('/');
      // A path of a schema reached by $ref reads as one of the binding's: taken only when the binding has that very subschema there.
      if (samePlace(parent, at(host.schema(bindingId), pointer))) addPlace(e.instancePath, bindingId, pointer);
    }
    // Every closed object on the way to an error and at it, judged apart by jsonschema whether or not Ajv said anything there.
    const walked = new Set<string>();
    for (const e of errors) {
      const parts = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      for (let k = 1; k <= parts.length; k++) {
        const prefix = parts.slice(0, k);
        const instancePath = joinPointer(prefix);
        if (walked.has(instancePath) || !isObject(at(node, instancePath))) continue;
        walked.add(instancePath);
        for (const place of placesAt({ id: bindingId, pointer: '' }, prefix, host, node)) {
          const sub = at(host.schema(place.id), place.pointer);
          if (isObject(sub) && (sub as Record<string, unknown>)['unevaluatedProperties'] === false) addPlace(instancePath, place.id, place.pointer);
        }
      }
    }
    if (places.size === 0) return errors;
    let out = errors;
    for (const { instancePath, id, pointer } of places.values()) {
      const instance = at(node, instancePath);
      const here = at(host.schema(id), pointer);
      if (!isObject(instance) || !isObject(here)) continue;
      // jsonschema says nothing of a place the node passes (its count could only differ where it fails).
      if (host.isValid({ id, pointer }, instance) !== false) {
        out = out.filter((e) => !(e.keyword === 'unevaluatedProperties' && e.instancePath === instancePath && samePlace(e.parentSchema, here)));
        continue;
      }
      const evaluated = evaluatedKeys({ id, pointer }, instance as Record<string, unknown>, host);
      const mine = (e: RawError) => e.keyword === 'unevaluatedProperties' && e.instancePath === instancePath && samePlace(e.parentSchema, here);
      const named = new Set(out.filter(mine).map((e) => String(e.params['unevaluatedProperty'])));
      out = out.filter((e) => !mine(e) || !evaluated.has(String(e.params['unevaluatedProperty'])));
      const schemaPath = id === bindingId ? `#${pointer.split('/').map((part) => encodeURIComponent(part)).join('/')}/unevaluatedProperties` : `${id}#${pointer}/unevaluatedProperties`;
      for (const name of Object.keys(instance as object)) {
        if (evaluated.has(name) || named.has(name)) continue;
        out.push({ keyword: 'unevaluatedProperties', instancePath, schemaPath, params: { unevaluatedProperty: name }, message: 'must NOT have unevaluated properties', schemaId: binding.id, parentSchema: here });
      }
    }
    return out;
  }

  /** Validate a node against every core schema whose select matches it. */
  coreValidate(node: unknown): RawError[] {
    const out: RawError[] = [];
    const core = (this.core ??= this.entries.filter((e) => e.core).map((entry) => ({ entry, select: this.selectTestOf(entry) })));
    for (let i = 0; i < core.length; i++) {
      const { entry, select } = core[i]!;
      if (select === false || (select !== true && !runSelect(select, node))) continue;
      const errors = this.validate(node, entry);
      if (errors.length > 0) out.push(...errors);
    }
    return out;
  }

  /**
   * Every schema whose select matches the node, core and binding alike, in
   * load order: the schemas dt-validate applies to it.
   */
  applicable(node: unknown): readonly SchemaEntry[] {
    this.selectIndex ??= new SelectIndex(this.entries.map((entry) => ({ entry, select: this.selectTestOf(entry) })));
    return this.selectIndex.selected(node, runSelect);
  }

  private selectIndex: SelectIndex | undefined;

  /** Validate a node against every schema whose select matches it, as dt-validate does. */
  validateApplicable(node: unknown): RawError[] {
    const out: RawError[] = [];
    const schemas = this.applicable(node);
    for (let i = 0; i < schemas.length; i++) {
      const entry = schemas[i]!;
      const triggers = this.triggersOf(entry);
      if (triggers !== null && !hasAnyKey(node, triggers)) continue;
      const errors = this.validate(node, entry);
      if (errors.length > 0) out.push(...errors);
    }
    return out;
  }

  /**
   * The property names without which a schema cannot fail a node, or null
   * when it can fail any node. Most core schemas (clock, gpio, dma, pwm,
   * reset, ...) only type some properties and tie one to another: a node
   * with none of those properties passes them, so they are not called (a
   * board's nodes mostly have none).
   */
  private triggersOf(entry: SchemaEntry): readonly string[] | null {
    // Worked out once and kept on the entry itself: asked for every schema of every node, a map lookup by id showed in profiles.
    const held = entry as SchemaEntry & { [TRIGGERS]?: readonly string[] | null };
    let known = held[TRIGGERS];
    if (known === undefined) {
      known = propertyTriggers(entry.fixed);
      Object.defineProperty(held, TRIGGERS, { value: known, enumerable: false });
    }
    return known;
  }

  /** The core schemas with their selects, in load order (looked up once, not per node). */
  private core: { entry: SchemaEntry; select: Predicate | boolean }[] | undefined;

  /**
   * The type(s) the schemas declare for a property name, from their $refs to
   * types.yaml (and dt-schema's implicit rules: `type: boolean` is a flag,
   * string constraints mean a string array, unit suffixes a cell matrix).
   * Exact names first; patterns (with some fixed text) only when no exact
   * name is known. [] when unknown.
   */
  propertyTypes(name: string): readonly PropertyType[] {
    // Asked for every property of every node (the JSON view regroups by type): the same few names, answered once.
    let known = this.typesByName.get(name);
    if (!known) {
      known = this.lookUpTypes(name);
      this.typesByName.set(name, known);
    }
    return known;
  }

  private lookUpTypes(name: string): PropertyType[] {
    const t = this.typeTables();
    const exact = t.exact.get(name);
    if (exact && exact.length) return nonNode(exact);
    const found: PropertyType[] = [];
    for (const p of t.patterns) {
      if (this.matches(p.re, name)) for (const ty of p.types) if (!found.includes(ty)) found.push(ty);
    }
    if (found.length === 0 && UNIT_SUFFIX.test(name)) found.push('uint32-matrix');
    return nonNode(found);
  }

  /** The single best type, for decoding a value; undefined when unknown or ambiguous in kind. */
  propertyType(name: string): PropertyType | undefined {
    return this.propertyTypes(name)[0];
  }

  /** Declared matrix dimensions of a matrix or phandle-array property, when some binding gives them. */
  propertyDim(name: string): MatrixDim | undefined {
    this.typeTables();
    return this.dims.get(name);
  }

  /** The type tables as data, for the build to keep (see TypeTableData). */
  typeTableData(): TypeTableData {
    const t = this.typeTables();
    return { exact: [...t.exact], patterns: t.patterns.map((p) => [p.source, p.types]), dims: [...this.dims] };
  }

  private typeTables() {
    if (this.types) return this.types;
    if (this.presetTypes) {
      const preset = this.presetTypes;
      try {
        for (const [name, dim] of preset.dims) this.dims.set(name, dim);
        // Compiled as this set compiles patterns (a user's with RE2); one that does not compile means damage, as RegExp's throwing did.
        const compile = (source: string): PatternTester => {
          const re = this.patternOf(source);
          if (!re) throw new SyntaxError(`not a pattern: ${source}`);
          return re;
        };
        this.types = { exact: new Map(preset.exact), patterns: preset.patterns.map(([source, types]) => ({ source, re: compile(source), types })) };
        return this.types;
      } catch {
        // A damaged manifest (the build wrote well-formed tables): worked out from the schemas below instead.
        this.dims.clear();
      }
    }
    const exact = new Map<string, PropertyType[]>();
    const patternMap = new Map<string, PropertyType[]>();
    const add = (map: Map<string, PropertyType[]>, name: string, type: PropertyType): void => {
      const list = map.get(name) ?? [];
      // A second shaped type (a matrix, a phandle-array) only widens the shape dt-schema keeps for the first.
      const shaped = (t: PropertyType) => t === 'phandle-array' || t.endsWith('-matrix');
      if (shaped(type) && list.some(shaped)) return;
      // Keep the loosest form: 'uint32-array' subsumes 'uint32'.
      if (list.some((t) => t.startsWith(type))) return;
      const kept = list.filter((t) => !type.startsWith(t));
      kept.push(type);
      map.set(name, kept);
    };
    // The walk dt-schema makes (lib.py extract_types): a schema's properties,
    // patternProperties and additionalProperties; within a property, its
    // allOf/oneOf/anyOf branches and the properties of a child node. Not a
    // node's allOf or if/then, and not local $refs: a type declared only
    // there is unknown to dt-validate, which then reads the value as bytes.
    // Each (schema, name) is visited once, so allOf lists that name the same
    // schema over and over cannot fan out.
    const visitedProps = new Map<object, Set<string>>();
    const visitedNodes = new Set<object>();
    const visitProp = (name: string, sub: unknown, isPattern: boolean): void => {
      if (!isObject(sub) || name.startsWith('$')) return;
      const names = visitedProps.get(sub) ?? new Set<string>();
      const key = `${isPattern ? 'p' : 'e'}${name}`;
      if (names.has(key)) return;
      visitedProps.set(sub, names.add(key));
      if ('properties' in sub || 'patternProperties' in sub || 'additionalProperties' in sub) visitNode(sub as JsonObject);
      for (const k of ['allOf', 'oneOf', 'anyOf']) {
        const list = sub[k];
        if (Array.isArray(list)) for (const s of list) visitProp(name, s, isPattern);
      }
      const type = typeOf(name, sub as JsonObject);
      if (!type) return;
      add(isPattern ? patternMap : exact, name, type);
      if (!isPattern && (type === 'phandle-array' || type.endsWith('-matrix'))) {
        const dim: MatrixDim = [arrayRange(sub as never), arrayRange((sub.items ?? {}) as never)];
        const known = this.dims.get(name);
        // Every schema's shape counts, merged as dt-schema merges them (the widest bounds).
        this.dims.set(name, known ? mergeDims(known, dim) : dim);
      }
    };
    const visitNode = (schema: JsonObject): void => {
      if (visitedNodes.has(schema)) return;
      visitedNodes.add(schema);
      if (isObject(schema.additionalProperties)) visitNode(schema.additionalProperties as JsonObject);
      for (const k of ['properties', 'patternProperties'] as const) {
        const m = schema[k];
        if (!isObject(m)) continue;
        for (const [name, sub] of Object.entries(m)) visitProp(name, sub, k === 'patternProperties');
      }
    };
    for (const e of this.entries) visitNode(e.fixed);

    const patterns: { source: string; re: PatternTester; types: PropertyType[] }[] = [];
    for (const [src, types] of patternMap) {
      // Generic name patterns say nothing about a particular property
      // (dt-schema also drops the alias-name and catch-all patterns by name).
      if (!/[0-9a-zA-F-]{3}/.test(src) || GENERIC_PATTERNS.has(src)) continue;
      const re = this.patternOf(src);
      if (re) patterns.push({ source: src, re, types });
    }
    this.types = { exact, patterns };
    return this.types;
  }
}

const TRIGGERS = Symbol('triggers');

/** Keywords at a schema's root that say nothing about a node lacking the schema's properties. */
const INERT_KEYWORDS: ReadonlySet<string> = new Set(['$id', '$schema', '$comment', '$filename', 'title', 'description', 'maintainers', 'examples', 'select', '$defs', 'definitions', 'deprecated']);

/** The names of the properties (and dependentRequired, dependentSchemas keys) a schema judges, when it judges nothing else; null otherwise. */
function propertyTriggers(schema: JsonObject): string[] | null {
  const names = new Set<string>();
  for (const [key, value] of Object.entries(schema)) {
    if (INERT_KEYWORDS.has(key)) continue;
    if (key === 'type' && value === 'object') continue;
    if ((key === 'additionalProperties' || key === 'unevaluatedProperties') && value === true) continue;
    // Names allowed whatever their value (the pinctrl-N dt-schema's fix-ups add to every node schema).
    if (key === 'patternProperties' && isObject(value) && Object.values(value).every((sub) => sub === true)) continue;
    if ((key === 'properties' || key === 'dependentRequired' || key === 'dependentSchemas') && isObject(value)) {
      for (const [name, sub] of Object.entries(value)) if (!(key === 'properties' && sub === true)) names.add(name);
      continue;
    }
    return null;
  }
  return [...names];
}

function hasAnyKey(node: unknown, names: readonly string[]): boolean {
  if (!isObject(node)) return true;
  for (let i = 0; i < names.length; i++) if (names[i]! in node) return true;
  return false;
}

/** Whether an error's parent schema (Ajv's verbose errors carry it) is the subschema at a place: the same object, or the same JSON. */
function samePlace(parentSchema: unknown, here: unknown): boolean {
  if (parentSchema === undefined || here === undefined) return false;
  return parentSchema === here || JSON.stringify(parentSchema) === JSON.stringify(here);
}

/** dt-schema's merge of two declared shapes: per dimension, the one that says something, or the bounds of both. */
function mergeDims(a: MatrixDim, b: MatrixDim): MatrixDim {
  const one = (x: [number, number], y: [number, number]): [number, number] => {
    if (x[0] === 0 && x[1] === 0) return y;
    if (y[0] === 0 && y[1] === 0) return x;
    return [Math.min(x[0], x[1], y[0], y[1]), Math.max(x[0], x[1], y[0], y[1])];
  };
  if (a[0][0] === b[0][0] && a[0][1] === b[0][1] && a[1][0] === b[1][0] && a[1][1] === b[1][1]) return a;
  return [one(a[0], b[0]), one(a[1], b[1])];
}

/** A pattern as messages quote it: whole when short (a hostile one may be megabytes). */
function quotedPattern(pattern: string): string {
  return `'${pattern.length > 80 ? `${pattern.slice(0, 77)}...` : pattern}'`;
}

function patternBudgetMessage(err: PatternBudgetError, file: string | undefined): string {
  const what = `pattern ${quotedPattern(err.pattern)}${file ? ` of ${file}` : ''}`;
  return `${what} is one RE2 cannot run (lookahead, a backreference, a property escape, a repeat past 1000), so it is matched by backtracking under a time budget; against a string of ${err.subjectLength} characters, ${err.message}`;
}

/** A select's verdict; one that runs out of stack selects, so that validate() says what is wrong with the binding rather than it going unused in silence. */
function runSelect(select: Predicate, node: unknown): boolean {
  try {
    return select(node);
  } catch (err) {
    if (err instanceof RangeError || isPatternBudgetError(err)) return true;
    throw err;
  }
}

/**
 * A binding whose checking ran out of stack: a $ref loop the loader did not
 * see (schema/ref-loops.ts refuses the ones it finds), or recursion as deep as
 * the data. Said as an error on the node, naming the binding's file.
 */
function outOfStack(binding: SchemaEntry): RawError {
  const message = `cannot be checked: the binding ${binding.path} refers to itself without end (a $ref loop), or nests too deeply`;
  return { keyword: '$ref', instancePath: '', schemaPath: '#', params: {}, message, schemaId: binding.id };
}

function hasDisabledStatus(data: unknown): boolean {
  if (!isObject(data)) return false;
  const status = (data as Record<string, unknown>).status;
  return Array.isArray(status) && status.includes('disabled');
}

/**
 * dt-validate does not ask a disabled node (or one below a disabled node)
 * for missing properties: it drops "required" errors, and combinator errors
 * whose every branch failed only for a missing property. The same holds for
 * an error about an object that is itself disabled.
 */
function withoutDisabledRequired(errors: RawError[], disabled: boolean): RawError[] {
  const under = (e: RawError, c: RawError): boolean =>
    e !== c && e.schemaPath.startsWith(c.schemaPath + '/') && e.instancePath.startsWith(c.instancePath);
  const skip = (e: RawError): boolean => {
    if (!disabled && !hasDisabledStatus(e.data)) return false;
    if (e.keyword === 'required') return true;
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      const branches = errors.filter((b) => under(b, e));
      return branches.length > 0 && branches.every((b) => b.keyword === 'required' || b.keyword === 'anyOf' || b.keyword === 'oneOf');
    }
    return false;
  };
  const dropped = errors.filter(skip);
  return errors.filter((e) => !dropped.some((d) => d === e || under(e, d)));
}

const GENERIC_PATTERNS: ReadonlySet<string> = new Set(['^[a-z][a-z0-9\\-]*$', '^[a-zA-Z][a-zA-Z0-9\\-_]{0,63}$', '^.*$', '.*']);

function nonNode(types: PropertyType[]): PropertyType[] {
  return types.length > 1 ? types.filter((t) => t !== 'node') : types;
}

export function sameId(a: string, b: string): boolean {
  return a.replace(/#$/, '') === b.replace(/#$/, '');
}

function resolveLocal(root: JsonObject, ref: string): unknown {
  let cur: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** The declared type of one property schema, as dt-schema infers it. */
function typeOf(name: string, sub: JsonObject): PropertyType | undefined {
  if (sub.type === 'object') return 'node';
  if (typeof sub.$ref === 'string') {
    const m = TYPE_IN_REF.exec(sub.$ref);
    if (m) return m[0] as PropertyType;
    if (/\.yaml#?$/.test(sub.$ref)) return 'node';
  }
  if (sub.type === 'boolean') return 'flag';
  if ('items' in sub) {
    const items = sub.items;
    const first = Array.isArray(items) ? items[0] : items;
    if (isObject(first) && isStringSchema(first as JsonObject)) return 'string-array';
    if (UNIT_SUFFIX.test(name)) return 'uint32-matrix';
  }
  return undefined;
}
