import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type { Diagnostic } from '../source/diagnostic.js';
import type { FileHost } from '../source/host.js';
import { arrayRange, compatiblesOf, fixupBinding, isStringSchema, UNIT_SUFFIX, type JsonObject } from './fixups.js';
import { isObject, loadBinding, type LoadedBinding } from './load.js';
import { hiddenFacts } from './json-view.js';
import {
  loadPrecompiled,
  relativeName,
  schemaKey,
  builtinFiles,
  PRECOMPILED_FORMAT,
  validatorsModule,
  type PrecompiledArtefacts,
  type PrecompiledManifest,
} from './precompiled.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';

/** A FileHost that can also list a directory's YAML files (recursively). */
export interface SchemaHost extends FileHost {
  /** Paths of the `.yaml` files under `dir`, sorted; an error when `dir` can't be read. */
  listYaml?(dir: string): string[] | { error: string };
  /** Whether `path` is a directory. */
  isDirectory?(path: string): boolean;
}

/** Real-filesystem host for schemas. */
export function nodeSchemaHost(base: FileHost): SchemaHost {
  return {
    readBytes: (p) => base.readBytes(p),
    isDirectory(p) {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    listYaml(dir) {
      try {
        const out: string[] = [];
        const walk = (d: string): void => {
          for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const p = join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith('.yaml')) out.push(p);
          }
        };
        walk(dir);
        return out;
      } catch (err) {
        return { error: (err as Error).message };
      }
    },
  };
}

/** `<project>/schemas`, found relative to this module (dist/src/schema/ or src/schema/). */
export function builtinSchemaDir(): string {
  return fileURLToPath(new URL('../../../schemas/', import.meta.url)).replace(/[\\/]$/, '');
}

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

/** [outer [min,max], inner [min,max]] of a matrix property; 0 = unknown. */
export type MatrixDim = [[number, number], [number, number]];

/** One loaded, fixed-up, compiled schema. */
export interface SchemaEntry {
  id: string;
  path: string;
  /** True for the always-applying core schemas (schemas/core). */
  core: boolean;
  /** The binding as written. */
  raw: JsonObject;
  /** After dt-schema's fix-ups: what is compiled. */
  fixed: JsonObject;
  /** Compatible strings the binding documents (regex sources included). */
  compatibles: string[];
  loaded: LoadedBinding;
}

/** An Ajv error, tagged with the schema that produced it. */
export type RawError = ErrorObject & { schemaId: string };

const TYPE_IN_REF =
  /(flag|u?int(8|16|32|64)(-(array|matrix))?|non-unique-string-array|string(-array)?|phandle(-array)?)/;
const META_ID_PREFIX = 'http://devicetree.org/meta-schemas/';

/**
 * The shared Ajv instance, with dt-schema's extra keywords. `standalone`
 * keeps the generated source (as an ES module) for scripts/build-schemas.ts;
 * it changes nothing else.
 */
export function makeAjv(options: { standalone?: boolean } = {}): Ajv2019 {
  const ajv = new Ajv2019({
    allErrors: true,
    strict: false,
    verbose: true,
    // Binding ids end in '#'; several schemas may refer to each other in any order.
    addUsedSchema: false,
    validateFormats: true,
    ...(options.standalone ? { code: { source: true, esm: true } } : {}),
  });
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv2019,
  ) => void;
  addFormats(ajv);
  // Integer width is not kept in the JSON form of a node, so typeSize only
  // documents intent here; `phandle` marks a cell as a reference.
  ajv.addKeyword({ keyword: 'typeSize', schemaType: 'number' });
  ajv.addKeyword({ keyword: 'phandle', schemaType: 'boolean' });
  // Binding-level annotations that are not validation keywords.
  for (const k of ['select', '$filename', 'maintainers', 'historical']) if (!ajv.getKeyword(k)) ajv.addKeyword({ keyword: k });
  return ajv;
}

/** Remove the keys Ajv must not interpret (`$schema` names our meta-schema, not a draft). */
function forAjv(fixed: JsonObject): JsonObject {
  const copy: JsonObject = { ...fixed };
  delete copy.$schema;
  return copy;
}

function diag(check: string, message: string, path?: string, line = 1, col = 1): Diagnostic {
  const d: Diagnostic = { severity: 'error', check, message };
  if (path) d.span = { file: path, line, col, endLine: line, endCol: col + 1 };
  return d;
}

/** The `$ref` in `schema` equal to `ref` (as written), as a JSON pointer, or null. */
function refPointer(schema: unknown, ref: string, path = ''): string | null {
  if (Array.isArray(schema)) {
    for (let i = 0; i < schema.length; i++) {
      const found = refPointer(schema[i], ref, `${path}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (!isObject(schema)) return null;
  for (const [k, v] of Object.entries(schema)) {
    const here = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k === '$ref' && typeof v === 'string' && (v === ref || v.replace(/#$/, '') === ref.replace(/#$/, '') || ref.endsWith(v.replace(/#$/, '')))) return here;
    const found = refPointer(v, ref, here);
    if (found) return found;
  }
  return null;
}

/**
 * Why a binding did not compile, at the line that caused it where we can
 * tell: a `$ref` to a schema nobody loaded is the usual case (a kernel
 * binding's refs need the kernel's and dt-schema's schemas given with --schema).
 */
function compileProblem(e: SchemaEntry, err: unknown): Diagnostic {
  const missing = (err as { missingRef?: unknown }).missingRef;
  if (typeof missing === 'string') {
    const raw = (err as { missingSchema?: unknown }).missingSchema;
    const written = typeof raw === 'string' ? raw : missing;
    const pointer = refPointer(e.raw, written) ?? refPointer(e.raw, missing);
    const message = `$ref '${written.replace(/^http:\/\/devicetree\.org/, '')}' names a schema that is not loaded (add its folder with --schema)`;
    if (pointer) {
      const at = e.loaded.locate(pointer);
      return diag('schema_ref', message, e.path, at.line, at.col);
    }
    return diag('schema_ref', `${e.path}: ${message}`, e.path);
  }
  return diag('schema_compile', `${e.path}: ${(err as Error).message}`, e.path);
}

/**
 * All schemas of a run: core schemas and bindings, fixed up and compiled
 * once, with the lookups the validator needs.
 */
export class SchemaSet {
  readonly entries: SchemaEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Where the built-in schemas' validators came from: the build's artefacts
   * (dist/schemas), compiled now, or not loaded at all.
   */
  builtinSource: 'precompiled' | 'runtime' | 'none' = 'none';
  private ajvInstance: Ajv2019 | null = null;
  /** Ids whose validator and selector came precompiled. */
  private readonly precompiled = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly selectors = new Map<string, ValidateFunction | boolean>();
  private readonly byCompatible = new Map<string, SchemaEntry>();
  private readonly byPattern: { re: RegExp; entry: SchemaEntry }[] = [];
  private types: { exact: Map<string, PropertyType[]>; patterns: { re: RegExp; types: PropertyType[] }[] } | null =
    null;
  private dims = new Map<string, MatrixDim>();

  private constructor(private readonly standalone = false) {}

  /** Made on first use: a run on precompiled built-ins alone never needs one. */
  private get ajv(): Ajv2019 {
    return (this.ajvInstance ??= makeAjv({ standalone: this.standalone }));
  }

  /**
   * Load schemas from files and directories (directories recursively, `.yaml`
   * only; a `meta/` folder is skipped). Earlier paths win on duplicate `$id`s,
   * as in dt-schema, so user schemas given first override built-in ones.
   * `builtin` (default true) appends `<project>/schemas`.
   *
   * The built-in schemas come precompiled (scripts/build-schemas.ts, in
   * dist/schemas) when those artefacts exist and match the schema files and
   * code; otherwise, and whenever a given schema has the `$id` of a built-in
   * one (it wins, and built-ins may refer to it), they are compiled here.
   * `precompiled: false` always compiles; a string names another artefact
   * folder (tests).
   */
  static load(
    paths: readonly string[],
    host: SchemaHost,
    options: { builtin?: boolean; precompiled?: boolean | string } = {},
  ): SchemaSet {
    const set = new SchemaSet();
    const builtinDir = builtinSchemaDir();
    const coreDir = join(builtinDir, 'core');
    const addPath = (p: string): void => {
      for (const file of set.expand(p, host)) {
        const core = file.startsWith(coreDir + sep);
        set.addFile(file, host, core);
      }
    };
    for (const p of paths) addPath(p);
    if (options.builtin !== false) {
      const artefacts =
        options.precompiled === false
          ? null
          : loadPrecompiled(builtinDir, host, typeof options.precompiled === 'string' ? options.precompiled : undefined);
      if (artefacts && !artefacts.manifest.entries.some((pe) => set.entries.some((e) => sameId(e.id, pe.id)))) {
        set.addPrecompiled(artefacts, host);
        set.builtinSource = 'precompiled';
      } else {
        addPath(builtinDir);
        set.builtinSource = 'runtime';
      }
    }
    set.compileAll();
    return set;
  }

  /**
   * For scripts/build-schemas.ts: the built-in schemas loaded, fixed up and
   * compiled exactly as `load([], host, { precompiled: false })` does, as the
   * manifest and the text of validators.js. `problems` (and no artefacts)
   * when that load reports anything, or the result would not survive JSON.
   */
  static precompileBuiltins(
    host: SchemaHost,
  ): { manifest: PrecompiledManifest; code: string; problems: [] } | { manifest: null; code: null; problems: string[] } {
    const fail = (problems: string[]) => ({ manifest: null, code: null, problems });
    const set = new SchemaSet(true);
    const dir = builtinSchemaDir();
    const coreDir = join(dir, 'core');
    const files = builtinFiles(dir, host);
    if (!files) return fail([`cannot list the schema files in ${dir}`]);
    const expanded = set.expand(dir, host);
    if (expanded.join('\0') !== files.join('\0')) return fail([`the schema files in ${dir} are not listed consistently`]);
    for (const file of expanded) set.addFile(file, host, file.startsWith(coreDir + sep));
    set.compileAll();
    if (set.diagnostics.length > 0) return fail(set.diagnostics.map((d) => `${d.severity}: ${d.message} [${d.check}]`));
    const key = schemaKey(dir, files, host);
    if (key === null) return fail([`cannot read the schema files in ${dir}`]);

    const exported = new Map<string, ValidateFunction>();
    const entries = set.entries.map((e, i) => {
      const v = set.validators.get(e.id);
      const s = set.selectors.get(e.id);
      if (v) exported.set(`v${i}`, v);
      if (typeof s === 'function') exported.set(`s${i}`, s);
      return {
        id: e.id,
        file: files.indexOf(e.path),
        core: e.core,
        fixed: e.fixed,
        compatibles: e.compatibles,
        validator: v ? `v${i}` : null,
        selector: typeof s === 'function' ? `s${i}` : s === true,
      };
    });
    const problems: string[] = [];
    for (const e of entries) {
      if (e.file < 0) problems.push(`${e.id}: its file is not among the listed ones`);
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(e.fixed)), e.fixed)) problems.push(`${e.id}: the fixed-up schema does not survive JSON`);
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(e.compatibles)), e.compatibles)) problems.push(`${e.id}: its compatibles do not survive JSON`);
    }
    if (problems.length > 0) return fail(problems);
    // Ajv's standalone code takes the functions to export by schema key; ours
    // include the selects, which have none, so it is handed a view of this
    // Ajv that finds them by export name.
    const view = Object.create(set.ajv, { getSchema: { value: (name: string) => exported.get(name) } }) as Ajv2019;
    const standaloneCode = ((standaloneCodeModule as unknown as { default?: unknown }).default ?? standaloneCodeModule) as (
      ajv: Ajv2019,
      refs: Record<string, string>,
    ) => string;
    const code = standaloneCode(view, Object.fromEntries([...exported.keys()].map((n) => [n, n])));
    const manifest: PrecompiledManifest = { format: PRECOMPILED_FORMAT, key, files: files.map((f) => relativeName(dir, f)), entries };
    return { manifest, code: validatorsModule(key, code), problems: [] };
  }

  /** The built-in entries from the build's artefacts; their file is parsed only if someone asks for it. */
  private addPrecompiled(artefacts: PrecompiledArtefacts, host: FileHost): void {
    for (const pe of artefacts.manifest.entries) {
      const path = artefacts.paths[pe.file]!;
      let loaded: LoadedBinding | undefined;
      const entry = { id: pe.id, path, core: pe.core, fixed: pe.fixed, compatibles: pe.compatibles } as SchemaEntry;
      Object.defineProperty(entry, 'loaded', { enumerable: true, get: () => (loaded ??= loadBinding(path, host)) });
      Object.defineProperty(entry, 'raw', { enumerable: true, get: () => entry.loaded.json as JsonObject });
      this.entries.push(entry);
      this.precompiled.add(pe.id);
      this.validators.set(pe.id, pe.validator === null ? null : (artefacts.validators[pe.validator] as unknown as ValidateFunction));
      this.selectors.set(
        pe.id,
        typeof pe.selector === 'string' ? (artefacts.validators[pe.selector] as unknown as ValidateFunction) : pe.selector,
      );
    }
  }

  /** Build from bindings already in memory (tests, `--schema` text). */
  static fromLoaded(bindings: readonly LoadedBinding[], coreHost?: SchemaHost): SchemaSet {
    const set = new SchemaSet();
    for (const b of bindings) set.addLoaded(b, false);
    if (coreHost) {
      const coreDir = join(builtinSchemaDir(), 'core');
      for (const file of set.expand(coreDir, coreHost)) set.addFile(file, coreHost, true);
    }
    set.compileAll();
    return set;
  }

  private expand(path: string, host: SchemaHost): string[] {
    if (host.isDirectory?.(path)) {
      const listed = host.listYaml?.(path);
      if (!listed) return [];
      if (!Array.isArray(listed)) {
        this.diagnostics.push(diag('schema_load', `cannot read schema directory ${path}: ${listed.error}`));
        return [];
      }
      const metaDir = join(path, 'meta') + sep;
      const files = listed.filter((f) => !f.startsWith(metaDir));
      if (files.length === 0) this.diagnostics.push({ ...diag('schema_load', `no schema found in ${path}`), severity: 'warning' });
      return files;
    }
    return [path];
  }

  private addFile(file: string, host: FileHost, core: boolean): void {
    this.addLoaded(loadBinding(file, host), core);
  }

  private addLoaded(loaded: LoadedBinding, core: boolean): void {
    if (loaded.diagnostics.length > 0) {
      this.diagnostics.push(...loaded.diagnostics);
      return;
    }
    const raw = loaded.json;
    if (!isObject(raw) || typeof raw.$id !== 'string') {
      this.diagnostics.push(diag('schema_load', `${loaded.path}: ignoring, not a schema (no $id)`, loaded.path));
      return;
    }
    const id = raw.$id;
    if (id.startsWith(META_ID_PREFIX)) return;
    if (this.entries.some((e) => sameId(e.id, id))) {
      const p = loaded.locate('/$id');
      this.diagnostics.push({
        ...diag('schema_duplicate', `duplicate $id '${id}' (already loaded); ignoring ${loaded.path}`, loaded.path, p.line, p.col),
        severity: 'warning',
      });
      return;
    }
    const fixed = fixupBinding(raw);
    const props = isObject(raw.properties) ? raw.properties : {};
    const compatibles = 'compatible' in props ? compatiblesOf(props.compatible) : [];
    this.entries.push({ id, path: loaded.path, core, raw: raw as JsonObject, fixed, compatibles, loaded });
  }

  private compileAll(): void {
    // Precompiled entries need Ajv only as targets of other schemas' $refs.
    if (this.entries.every((e) => this.precompiled.has(e.id))) {
      for (const e of this.entries) if (!e.core) this.indexCompatibles(e);
      return;
    }
    for (const e of this.entries) {
      try {
        this.ajv.addSchema(forAjv(e.fixed), e.id);
      } catch (err) {
        this.diagnostics.push(diag('schema_compile', `${e.path}: ${(err as Error).message}`, e.path));
        this.validators.set(e.id, null);
      }
    }
    for (const e of this.entries) {
      if (this.precompiled.has(e.id)) {
        if (!e.core) this.indexCompatibles(e);
        continue;
      }
      if (this.validators.get(e.id) === null) continue;
      try {
        const v = this.ajv.getSchema(e.id.replace(/#$/, ''));
        this.validators.set(e.id, v ?? null);
      } catch (err) {
        this.diagnostics.push(compileProblem(e, err));
        this.validators.set(e.id, null);
      }
      const select = e.fixed.select;
      if (typeof select === 'boolean' || select === undefined) {
        this.selectors.set(e.id, select === true);
      } else {
        try {
          this.selectors.set(e.id, this.ajv.compile({ ...(select as JsonObject), $id: undefined } as never));
        } catch (err) {
          this.diagnostics.push(diag('schema_compile', `${e.path}: select: ${(err as Error).message}`, e.path));
          this.selectors.set(e.id, false);
        }
      }
      if (!e.core) this.indexCompatibles(e);
    }
  }

  private indexCompatibles(e: SchemaEntry): void {
    for (const c of e.compatibles) {
      if (/[\^[{($]/.test(c)) {
        try {
          this.byPattern.push({ re: new RegExp(c, 'u'), entry: e });
        } catch {
          /* an invalid regex documents nothing */
        }
      } else if (!this.byCompatible.has(c)) {
        this.byCompatible.set(c, e);
      }
    }
  }

  /** The entry with this `$id` (with or without the trailing '#'). */
  get(id: string): SchemaEntry | undefined {
    return this.entries.find((e) => sameId(e.id, id));
  }

  /** Non-core bindings. */
  bindings(): SchemaEntry[] {
    return this.entries.filter((e) => !e.core && this.validators.get(e.id));
  }

  /**
   * The binding for a node's compatible list: the first compatible that a
   * binding documents picks it. Undefined when none is documented.
   */
  bindingsFor(compatibles: readonly string[]): SchemaEntry | undefined {
    for (const c of compatibles) {
      const exact = this.byCompatible.get(c);
      if (exact) return exact;
      const pat = this.byPattern.find((p) => p.re.test(c));
      if (pat) return pat.entry;
    }
    return undefined;
  }

  /** Whether some binding documents this compatible string. */
  isDocumented(compatible: string): boolean {
    return this.bindingsFor([compatible]) !== undefined;
  }

  /** Every non-core binding whose `select` matches the node (dt-validate's way of picking). */
  selecting(node: unknown): SchemaEntry[] {
    return this.bindings().filter((e) => this.selects(e, node));
  }

  private selects(e: SchemaEntry, node: unknown): boolean {
    const s = this.selectors.get(e.id);
    if (typeof s === 'boolean' || s === undefined) return s === true;
    return s(node) === true;
  }

  /** Validate a node (dt-schema JSON form) against one binding; [] when it passes. */
  validate(node: unknown, binding: SchemaEntry): RawError[] {
    const v = this.validators.get(binding.id);
    if (!v) return [];
    const facts = hiddenFacts(node);
    // dt-validate never looks below `__symbols__`, `__fixups__` and their kin.
    if (facts.$ignored) return [];
    try {
      if (v(node)) return [];
    } catch (err) {
      // A binding whose $ref leads back to itself with nothing consumed (`allOf: [{$ref: '#'}]`) never ends.
      if (!(err instanceof RangeError)) throw err;
      return [{ keyword: '$ref', instancePath: '', schemaPath: '#', params: {}, message: 'cannot be checked: the binding refers to itself without end (a $ref loop)', schemaId: binding.id }];
    }
    const errors = (v.errors ?? []).map((err) => ({ ...err, schemaId: binding.id }));
    return withoutDisabledRequired(errors, facts.$disabled);
  }

  /** Validate a node against every core schema whose select matches it. */
  coreValidate(node: unknown): RawError[] {
    const out: RawError[] = [];
    for (const e of this.entries) {
      if (!e.core || !this.selects(e, node)) continue;
      out.push(...this.validate(node, e));
    }
    return out;
  }

  /**
   * The type(s) the schemas declare for a property name, from their $refs to
   * types.yaml (and dt-schema's implicit rules: `type: boolean` is a flag,
   * string constraints mean a string array, unit suffixes a cell matrix).
   * Exact names first; patterns (with some fixed text) only when no exact
   * name is known. [] when unknown.
   */
  propertyTypes(name: string): PropertyType[] {
    const t = this.typeTables();
    const exact = t.exact.get(name);
    if (exact && exact.length) return nonNode(exact);
    const found: PropertyType[] = [];
    for (const p of t.patterns) {
      if (p.re.test(name)) for (const ty of p.types) if (!found.includes(ty)) found.push(ty);
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

  private typeTables() {
    if (this.types) return this.types;
    const exact = new Map<string, PropertyType[]>();
    const patternMap = new Map<string, PropertyType[]>();
    const add = (map: Map<string, PropertyType[]>, name: string, type: PropertyType): void => {
      const list = map.get(name) ?? [];
      // Keep the loosest form: 'uint32-array' subsumes 'uint32'.
      if (list.some((t) => t.startsWith(type))) return;
      const kept = list.filter((t) => !type.startsWith(t));
      kept.push(type);
      map.set(name, kept);
    };
    const visitProp = (name: string, sub: unknown, isPattern: boolean, root: JsonObject): void => {
      if (!isObject(sub) || name.startsWith('$')) return;
      visitNode(sub as JsonObject, root);
      for (const k of ['allOf', 'oneOf', 'anyOf']) {
        const list = sub[k];
        if (Array.isArray(list)) for (const s of list) visitProp(name, s, isPattern, root);
      }
      if (typeof sub.$ref === 'string' && sub.$ref.startsWith('#/')) {
        const target = resolveLocal(root, sub.$ref);
        if (target !== sub) visitProp(name, target, isPattern, root);
      }
      const type = typeOf(name, sub as JsonObject);
      if (!type) return;
      add(isPattern ? patternMap : exact, name, type);
      if (!isPattern && (type === 'phandle-array' || type.endsWith('-matrix')) && !this.dims.has(name)) {
        const outer = arrayRange(sub as never);
        const inner = arrayRange((sub.items ?? {}) as never);
        if (outer[1] !== 0 || inner[1] !== 0) this.dims.set(name, [outer, inner]);
      }
    };
    const visitNode = (schema: JsonObject, root: JsonObject): void => {
      if (isObject(schema.additionalProperties)) visitNode(schema.additionalProperties as JsonObject, root);
      for (const k of ['properties', 'patternProperties'] as const) {
        const m = schema[k];
        if (!isObject(m)) continue;
        for (const [name, sub] of Object.entries(m)) visitProp(name, sub, k === 'patternProperties', root);
      }
      for (const k of ['allOf', 'oneOf', 'anyOf']) {
        const list = schema[k];
        if (Array.isArray(list)) for (const s of list) if (isObject(s)) visitNode(s as JsonObject, root);
      }
      for (const k of ['then', 'else']) if (isObject(schema[k])) visitNode(schema[k] as JsonObject, root);
    };
    for (const e of this.entries) visitNode(e.fixed, e.fixed);

    const patterns: { re: RegExp; types: PropertyType[] }[] = [];
    for (const [src, types] of patternMap) {
      // Generic name patterns say nothing about a particular property
      // (dt-schema also drops the alias-name and catch-all patterns by name).
      if (!/[0-9a-zA-F-]{3}/.test(src) || GENERIC_PATTERNS.has(src)) continue;
      try {
        patterns.push({ re: new RegExp(src, 'u'), types });
      } catch {
        /* skip */
      }
    }
    this.types = { exact, patterns };
    return this.types;
  }
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

function sameId(a: string, b: string): boolean {
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
    if (m && sub.$ref.includes('types.yaml')) return m[0] as PropertyType;
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
