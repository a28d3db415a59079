/**
 * The schema compiler: binding files loaded (YAML), fixed up as dt-schema
 * does and compiled with Ajv into a SchemaSet. Runs on the built-in bindings
 * alone never come here (schema/load-set.ts serves them from the build's
 * artefacts); user bindings and stale artefacts do, and the build step that
 * writes those artefacts.
 */
import { isDeepStrictEqual } from 'node:util';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, sep } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import type { Diagnostic } from '../source/diagnostic.js';
import type { FileHost } from '../source/host.js';
import { compatiblesOf, fixupBinding, type JsonObject } from './fixups.js';
import { builtinSchemaDir, type SchemaHost } from './host.js';
import { refusalOf } from './accept.js';
import { isObject, splitPointer } from './json-pointer.js';
import { falsifyMissingRefs } from './missing-refs.js';
import { loadBinding, type LoadedBinding } from './load.js';
import { findFanOuts, findRefLoops, MAX_SCHEMA_EXPANSION, type RefHop } from './ref-loops.js';
import { ajvRegExpEngine, PATTERN_ENGINE_NAME, patternsIn, patternTester, type AjvRegExpEngine } from './user-pattern.js';
import { BindingCache, CACHE_FORMAT, CacheKey, INDEX_FILE, recordName, type CacheStats } from './binding-cache.js';
import {
  artefactEntries,
  builtinFiles,
  loadPrecompiled,
  relativeName,
  keyOfSources,
  readSchemaFiles,
  sourcesFile,
  codeKey,
  PRECOMPILED_FORMAT,
  validatorsModule,
  type PrecompiledArtefacts,
  type PrecompiledManifest,
} from './precompiled.js';
import { sameId, SchemaSet, type SchemaEntry, type TypeTableData, type Validator, type ValidatorTable } from './schema-set.js';
import { quote, shownName } from '../source/quote.js';

/** A schema of the run: the set's entry, with the file it was read from (none for precompiled ones). */
interface CompiledEntry extends SchemaEntry {
  loaded?: LoadedBinding;
}

/** How to load: built-ins appended or not, and where their artefacts are. */
export interface CompileOptions {
  /** Append `<project>/schemas` (default true). */
  builtin?: boolean;
  /** false: always compile the built-ins; a string: another artefact folder (tests). */
  precompiled?: boolean | string;
  /**
   * Which given files may take the `$id` of a built-in schema (and so
   * replace it): all (`--override-schema`), those listed (check-binding's
   * binding under test), or none (the default: an error).
   */
  override?: boolean | readonly string[];
  /**
   * Compile each binding's validator and select with Ajv when a node first
   * needs it, not all at load: a board uses a hundred of thousands. A
   * binding that does not compile is said (set.diagnostics grows) when first used.
   */
  lazy?: boolean;
  /**
   * The compiled-binding cache's folder (schema/binding-cache.ts's
   * cacheRoot), for a run with user bindings; implies `lazy`. Absent or
   * null: nothing read or written.
   */
  cacheDir?: string | null;
  /**
   * check-binding's mode (`make dt_binding_check`): a binding that cannot be
   * read, parsed or compiled is an error. Otherwise (a lint run, with a
   * kernel's thousands of bindings) it is skipped with a warning, as
   * dt-mk-schema skips it, and an unresolved `$ref` acts as the false schema.
   */
  strict?: boolean;
}

const META_ID_PREFIX = 'http://devicetree.org/meta-schemas/';

/**
 * The shared Ajv instance, with dt-schema's extra keywords. `standalone`
 * keeps the generated source (as an ES module) for scripts/build-schemas.ts;
 * it changes nothing else.
 */
export function makeAjv(options: { standalone?: boolean; regExp?: AjvRegExpEngine; source?: boolean } = {}): Ajv2019 {
  const ajv = new Ajv2019({
    allErrors: true,
    strict: false,
    verbose: true,
    // Binding ids end in '#'; several schemas may refer to each other in any order.
    addUsedSchema: false,
    validateFormats: true,
    // User schemas (the regExp engine is theirs) skip Ajv's code optimiser: its name-counting pass is
    // quadratic in the generated code, and a list of thousands of items took seconds to compile.
    // `source` (the binding cache) keeps each function's code, for Ajv's standalone code.
    ...(options.standalone
      ? { code: { source: true } }
      : options.regExp
        ? { code: { regExp: options.regExp, optimize: false, ...(options.source ? { source: true } : {}) } }
        : {}),
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

/** Whether two paths name one file (a built-in schema given again with --schema is no override). */
function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Remove the keys Ajv must not interpret (`$schema` names our meta-schema,
 * not a draft), and work around Ajv losing the properties a `$ref` evaluated
 * when `if` sits beside it (see ifBesideRefs).
 */
function forAjv(fixed: JsonObject): JsonObject {
  const copy = ifBesideRefs(fixed) as JsonObject;
  delete copy.$schema;
  return copy;
}

/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is a schema, or a list of schemas. */
const SCHEMA_SLOTS: ReadonlySet<string> = new Set([
  'allOf', 'anyOf', 'oneOf', 'prefixItems', 'items', 'additionalItems', 'unevaluatedItems', 'contains',
  'additionalProperties', 'unevaluatedProperties', 'propertyNames', 'not', 'if', 'then', 'else',
]);

/**
 * Ajv 8 forgets the properties a `$ref` (direct, or in an allOf beside it)
 * evaluated when the same schema has an `if` whose condition fails, so
 * `unevaluatedProperties: false` then refuses them: Linux's shared-dma-pool
 * binding (allOf: [$ref reserved-memory.yaml], if/then, unevaluatedProperties)
 * refused `size` and `reusable` on every CMA pool, which dt-validate accepts.
 * `if`/`then`/`else` mean the same moved into an allOf entry of their own,
 * where Ajv counts right; the rewrite is made on the copy Ajv compiles only.
 */
function ifBesideRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(ifBesideRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema as JsonObject)) {
    if (SCHEMA_MAPS.has(k) && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, ifBesideRefs(sub) as JsonObject]));
    } else if (SCHEMA_SLOTS.has(k)) {
      out[k] = ifBesideRefs(v) as JsonObject;
    } else {
      out[k] = v;
    }
  }
  if ('if' in out && ('$ref' in out || 'allOf' in out || 'anyOf' in out || 'oneOf' in out)) {
    const branch: JsonObject = {};
    for (const k of ['if', 'then', 'else']) {
      if (k in out) {
        branch[k] = out[k]!;
        delete out[k];
      }
    }
    out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), branch];
  }
  return out;
}

/**
 * A select only answers yes or no, for every core schema and binding on
 * every node, and most say no. Under `not: { not: … }` Ajv stops at the
 * first failure and builds no error objects (allErrors is off below `not`);
 * otherwise each "no" builds several. A select with a local `$ref` ('#/…')
 * would point elsewhere once wrapped, so it is compiled as written.
 */
function verdictOnly(select: JsonObject): JsonObject {
  if (/"\$ref":"#/.test(JSON.stringify(select))) return select;
  return { not: { not: select } };
}

/** An `$id` as sameId compares it: without its trailing '#'. */
function idKey(id: string): string {
  return id.endsWith('#') ? id.slice(0, -1) : id;
}

function withoutId(schema: JsonObject): JsonObject {
  const copy = { ...schema };
  delete copy.$id;
  return copy;
}

/**
 * A binding left out of a lenient run, said as dt-mk-schema says it
 * ("FILE: ignoring, error in schema: PATH") with the reason, at the line
 * of the first problem: a warning, and the run goes on without it.
 */
function skipped(loaded: LoadedBinding, why: Diagnostic): Diagnostic {
  const line = why.span?.line;
  const col = why.span?.col;
  const where = line ? `:${line}${col ? `:${col}` : ''}` : '';
  const reason = why.message.startsWith(`${shownName(loaded.path)}: `) ? why.message.slice(shownName(loaded.path).length + 2) : why.message;
  return {
    severity: 'warning',
    check: 'binding_skipped',
    message: `${shownName(loaded.path)}${where}: ignoring, ${why.check === 'binding_yaml' ? 'error parsing file: ' : ''}${reason}`,
    span: why.span ?? { file: loaded.path, line: 1, col: 1, endLine: 1, endCol: 2 },
  };
}

/** A compile failure of a lenient run: the binding is skipped, with a warning. */
function compileSkipped(d: Diagnostic): Diagnostic {
  if (d.check !== 'schema_compile' || d.severity !== 'error') return d;
  const file = d.span?.file;
  const where = file && d.span ? `${shownName(file)}:${d.span.line}: ` : '';
  const reason = file && d.message.startsWith(`${shownName(file)}: `) ? d.message.slice(shownName(file).length + 2) : d.message;
  return { ...d, severity: 'warning', check: 'binding_skipped', message: `${where}ignoring, cannot be compiled: ${reason}` };
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

/** A stack overflow (JavaScript's RangeError) while working on a schema: said as what it means, never as JavaScript's words. */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError;
}

/** What went wrong compiling `path`, in words for the user. */
function failureMessage(path: string, err: unknown, doing = 'cannot be compiled'): string {
  if (isStackOverflow(err)) return `${shownName(path)}: ${doing}: it nests or refers to itself too deeply to process`;
  return `${shownName(path)}: ${(err as Error).message}`;
}

/**
 * Why a binding did not compile, at the line that caused it where we can
 * tell: a `$ref` to a schema nobody loaded is the usual case (a kernel
 * binding's refs need the kernel's and dt-schema's schemas given with --schema).
 */
function compileProblem(e: CompiledEntry, err: unknown): Diagnostic {
  const missing = (err as { missingRef?: unknown }).missingRef;
  if (typeof missing === 'string') {
    const raw = (err as { missingSchema?: unknown }).missingSchema;
    const written = typeof raw === 'string' ? raw : missing;
    const pointer = e.loaded ? (refPointer(e.loaded.json, written) ?? refPointer(e.loaded.json, missing)) : null;
    const message = `$ref ${quote(written.replace(/^http:\/\/devicetree\.org/, ''))} names a schema that is not loaded (add its folder with --schema)`;
    if (pointer) {
      const at = e.loaded!.locate(pointer);
      return diag('schema_ref', message, e.path, at.line, at.col);
    }
    return diag('schema_ref', `${shownName(e.path)}: ${message}`, e.path);
  }
  return diag('schema_compile', failureMessage(e.path, err), e.path);
}

/** One hop of a loop as the user reads it: file, pointer, line, and the keyword it goes on through. */
function hopText(entry: CompiledEntry, hop: RefHop): string {
  const line = entry.loaded ? `, line ${entry.loaded.locate(hop.pointer).line}` : '';
  return `${entry.path}#${hop.pointer} (${hop.via}${line})`;
}

/** The error for a `$ref` loop, at its first hop. */
function refLoopProblem(entries: readonly CompiledEntry[], loop: readonly RefHop[]): Diagnostic {
  const first = entries[loop[0]!.doc]!;
  const chain = [...loop.map((h) => hopText(entries[h.doc]!, h)), `back to ${first.path}#${loop[0]!.pointer}`].join(' → ');
  const message = `$ref loop: validation would go round this chain forever, looking at no data in between: ${chain}`;
  const at = first.loaded?.locate(loop[0]!.pointer);
  return diag('schema_ref_loop', message, first.path, at?.line, at?.col);
}

/**
 * Collects the schemas of a run, compiles them once, and hands the result
 * over as a SchemaSet (`finish`).
 */
class SchemaCompiler {
  readonly entries: CompiledEntry[] = [];
  /** The entries by `$id` without its trailing '#' (sameId's sense of equal): a lookup per file, not a scan. */
  private readonly byId = new Map<string, CompiledEntry>();
  readonly diagnostics: Diagnostic[] = [];
  builtinSource: 'precompiled' | 'runtime' | 'none' = 'none';
  /** Skip a bad binding with a warning (binding_skipped) rather than an error; see CompileOptions.strict. */
  lenient = false;
  /** User bindings skipped as dt-mk-schema would skip them, with the $id they claim. */
  private readonly refused: { id: string; loaded: LoadedBinding }[] = [];

  /**
   * A skipped user binding that claims a built-in `$id` is still the error
   * it would be loaded (schema_override): the claim is what the rule is about.
   */
  checkRefusedOverrides(): void {
    for (const r of this.refused) {
      const builtin = this.entries.find((e) => !e.user && sameId(e.id, r.id));
      if (!builtin || sameFile(builtin.path, r.loaded.path) || this.mayOverride(r.loaded.path)) continue;
      const p = r.loaded.locate('/$id');
      this.diagnostics.push(
        diag('schema_override', `$id '${r.id}' is the id of the built-in schema ${builtin.path}: given with --schema it would replace it (pass --override-schema if that is what you mean)`, r.loaded.path, p.line, p.col),
      );
    }
  }
  private ajvInstance: Ajv2019 | null = null;
  /** Ids whose validator and selector came precompiled. */
  private readonly precompiled = new Set<string>();
  readonly validators = new Map<string, Validator | null>();
  readonly selectors = new Map<string, Validator | boolean>();
  private readonly documented: SchemaEntry[] = [];
  /** Validators and selects compiled when first asked for (finish() hands out tables that do). */
  lazy = false;
  /** Where compiled validators and selects are kept between runs; null: not kept. */
  cache: BindingCache | null = null;
  /** Where an entry the cache served unparsed is read again, for the line of a compile problem. */
  host: SchemaHost | null = null;
  /** Ids with no validator from the start: on a `$ref` loop or fan-out, or refused by Ajv's addSchema. */
  private readonly barred = new Set<string>();
  private added = false;
  private trustedMemo: Set<string> | null = null;
  private engineMemo: AjvRegExpEngine | null = null;
  /** Made from the cache's index (a warm run): nothing added to Ajv yet. */
  private restored = false;
  /** The property-type tables, when the cache kept them for these entries. */
  private typeTables: TypeTableData | null = null;

  constructor(
    private readonly standalone = false,
    private readonly override: boolean | readonly string[] = false,
  ) {}

  /**
   * Made on first use: a run on precompiled built-ins alone never needs one.
   * Every schema is in by then; patterns that are not the built-in schemas'
   * are matched as user patterns (schema/user-pattern.ts). The build
   * (standalone) compiles the built-ins alone, with RegExp.
   */
  get ajv(): Ajv2019 {
    if (this.ajvInstance) return this.ajvInstance;
    if (this.standalone) return (this.ajvInstance = makeAjv({ standalone: true }));
    return (this.ajvInstance = makeAjv({ regExp: this.patternEngine(), source: this.cache !== null }));
  }

  finish(): SchemaSet {
    const trusted = this.trustedPatterns();
    return new SchemaSet({
      entries: this.entries,
      diagnostics: this.diagnostics,
      validators: this.lazy ? this.lazyValidators() : this.validators,
      selectors: this.lazy ? { get: (id: string) => this.selectorFor(id) } : this.selectors,
      documented: this.documented,
      builtinSource: this.builtinSource,
      ...(this.typeTables ? { typeTables: this.typeTables } : {}),
      patternOf: (source) => patternTester(source, trusted),
      // Ajv with every schema in: a warm cache's run adds them only when a node gets here.
      evaluatedKeysHost: {
        schema: (id) => this.withAll(id).getSchema(id)?.schema,
        isValid: (place, data) => {
          try {
            const v = this.withAll(place.id).getSchema(`${place.id}#${place.pointer.split('/').map(encodeURIComponent).join('/')}`);
            return v ? v(data) === true : null;
          } catch {
            return null;
          }
        },
      },
    });
  }

  /**
   * The Ajv instance as the run that made the cache had it: every entry
   * added (prepareLazy's doing), unless they all came precompiled.
   */
  private withAll(id: string): Ajv2019 {
    if (this.restored && !this.added) {
      // Asked for every place a node is judged at: what a schema reaches is walked once.
      let reached = this.reachedFrom.get(id);
      if (reached === undefined) {
        reached = (this.allPrecompiled ??= this.entries.every((e) => this.precompiled.has(e.id))) || this.addReachable(id);
        this.reachedFrom.set(id, reached);
      }
      if (!reached) this.addAll(false);
    }
    return this.ajv;
  }

  /** Ids whose reach addReachable has added (true), or found it cannot follow (false). */
  private readonly reachedFrom = new Map<string, boolean>();
  private allPrecompiled: boolean | undefined;

  /** Entries a warm run has added to Ajv so far (addReachable). */
  private readonly addedOnes = new Set<CompiledEntry>();

  /**
   * A warm run's way to what addAll gives, for one schema: it and every
   * entry its `$ref`s reach (resolved against each one's `$id`) added to
   * Ajv, not all of them; false, and the caller adds all, when a `$ref` is
   * one this walk cannot follow for sure (below a nested `$id`, or naming no
   * entry): Ajv may know better.
   */
  private addReachable(id: string): boolean {
    const start = this.byId.get(idKey(id));
    if (!start) return false;
    const todo: CompiledEntry[] = [start];
    const found = new Set<CompiledEntry>([start]);
    while (todo.length > 0) {
      const e = todo.pop()!;
      const values: unknown[] = [e.fixed];
      while (values.length > 0) {
        const v = values.pop();
        if (Array.isArray(v)) values.push(...v);
        else if (isObject(v)) {
          if (v !== e.fixed && typeof v.$id === 'string') return false;
          const ref = v.$ref;
          if (typeof ref === 'string' && !ref.startsWith('#')) {
            let target: CompiledEntry | undefined;
            try {
              target = this.byId.get(idKey(new URL(ref, e.id).href.split('#')[0]!));
            } catch {
              return false;
            }
            if (!target) return false;
            if (!found.has(target)) {
              found.add(target);
              todo.push(target);
            }
          }
          for (const x of Object.values(v)) values.push(x);
        }
      }
    }
    for (const e of found) {
      if (this.addedOnes.has(e)) continue;
      this.addedOnes.add(e);
      try {
        this.ajv.addSchema(forAjv(e.fixed), e.id);
      } catch {
        // Refused on the cold run too (its problem said then, from the index now).
      }
    }
    return true;
  }

  /** The built-in schemas' patterns: reviewed, so matched with RegExp wherever they appear. */
  private trustedPatterns(): Set<string> {
    if (this.trustedMemo) return this.trustedMemo;
    const trusted = new Set<string>();
    for (const e of this.entries) if (!e.user) patternsIn(e.fixed, trusted);
    // Asked once every schema is in (compiling, finishing): the same set from then on.
    return (this.trustedMemo = trusted);
  }

  private patternEngine(): AjvRegExpEngine {
    return (this.engineMemo ??= ajvRegExpEngine(this.trustedPatterns()));
  }

  /** The built-in entries from the build's artefacts: compiled already, their files never parsed. */
  addPrecompiled(artefacts: PrecompiledArtefacts): void {
    for (const { entry, validator, selector } of artefactEntries(artefacts)) {
      this.push(entry);
      this.precompiled.add(entry.id);
      this.validators.set(entry.id, validator);
      this.selectors.set(entry.id, selector);
    }
  }

  expand(path: string, host: SchemaHost): string[] {
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

  addFile(file: string, host: FileHost, core: boolean, user: boolean): void {
    this.addLoaded(loadBinding(file, host), core, user);
  }

  addLoaded(loaded: LoadedBinding, core: boolean, user: boolean): void {
    if (loaded.diagnostics.length > 0) {
      // A file that cannot be read (a --schema path mistyped) stays an error: it is the command line that is wrong.
      if (this.lenient && loaded.diagnostics.every((d) => d.check !== 'binding_read')) this.diagnostics.push(skipped(loaded, loaded.diagnostics[0]!));
      else this.diagnostics.push(...loaded.diagnostics);
      return;
    }
    const raw = loaded.json;
    const refusal = this.lenient && user ? refusalOf(raw) : null;
    if (refusal) {
      const at = loaded.locate(refusal.pointer);
      const where = refusal.pointer ? `error in schema: ${splitPointer(refusal.pointer).join(': ')}: ` : '';
      this.diagnostics.push(skipped(loaded, { ...diag('binding_skipped', `${where}${refusal.reason}`, loaded.path, at.line, at.col) }));
      if (isObject(raw) && typeof raw.$id === 'string') this.refused.push({ id: raw.$id, loaded });
      return;
    }
    if (!isObject(raw) || typeof raw.$id !== 'string') {
      const d = diag('schema_load', `${shownName(loaded.path)}: ignoring, not a schema (no $id)`, loaded.path);
      this.diagnostics.push(this.lenient ? { ...d, severity: 'warning' } : d);
      return;
    }
    const id = raw.$id;
    if (id.startsWith(META_ID_PREFIX)) return;
    const first = this.byId.get(idKey(id));
    if (first && !user && first.user && !sameFile(first.path, loaded.path) && !this.mayOverride(first.path)) {
      // A user schema would replace a built-in one, and every check that relies on it, without a word.
      const p = first.loaded?.locate('/$id');
      this.diagnostics.push(
        diag('schema_override', `$id '${id}' is the id of the built-in schema ${loaded.path}: given with --schema it would replace it (pass --override-schema if that is what you mean)`, first.path, p?.line, p?.col),
      );
      // The built-in one stays.
      this.entries.splice(this.entries.indexOf(first), 1);
      this.byId.delete(idKey(first.id));
    } else if (first) {
      const p = loaded.locate('/$id');
      this.diagnostics.push({
        ...diag('schema_duplicate', `duplicate $id ${quote(id)} (already loaded); ignoring ${shownName(loaded.path)}`, loaded.path, p.line, p.col),
        severity: 'warning',
      });
      return;
    }
    let fixed: JsonObject;
    let compatibles: string[];
    try {
      fixed = fixupBinding(raw);
      const props = isObject(raw.properties) ? raw.properties : {};
      compatibles = 'compatible' in props ? compatiblesOf(props.compatible) : [];
    } catch (err) {
      if (!isStackOverflow(err)) throw err;
      this.diagnostics.push(diag('schema_compile', failureMessage(loaded.path, err, 'cannot be read as a schema'), loaded.path));
      return;
    }
    this.push({ id, path: loaded.path, core, fixed, compatibles, loaded, ...(user ? { user } : {}) });
  }

  private push(entry: CompiledEntry): void {
    this.entries.push(entry);
    if (!this.byId.has(idKey(entry.id))) this.byId.set(idKey(entry.id), entry);
  }

  /** Whether an entry with this `$id` (with or without the trailing '#') is in. */
  has(id: string): boolean {
    return this.byId.has(idKey(id));
  }

  private mayOverride(path: string): boolean {
    return typeof this.override === 'boolean' ? this.override : this.override.some((p) => sameFile(p, path));
  }

  compileAll(): void {
    for (const e of this.entriesToCompile()) {
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
          this.selectors.set(e.id, this.ajv.compile(verdictOnly(withoutId(select as JsonObject)) as never));
        } catch (err) {
          this.diagnostics.push(diag('schema_compile', failureMessage(e.path, err).replace(`${e.path}: `, `${e.path}: select: `), e.path));
          this.selectors.set(e.id, false);
        }
      }
    }
  }

  /**
   * What compileAll and prepareLazy both do first: the documented bindings
   * listed (in load order), and the entries left to compile: not precompiled,
   * not in a $ref loop (still added to Ajv, other schemas' $refs name them,
   * but barred from compiling), not refused by Ajv. Precompiled entries need
   * Ajv only as targets of other schemas' $refs: when all are, nothing is added.
   */
  private entriesToCompile(): CompiledEntry[] {
    const todo: CompiledEntry[] = [];
    if (this.entries.every((e) => this.precompiled.has(e.id))) {
      for (const e of this.entries) if (!e.core) this.documented.push(e);
      return todo;
    }
    const looping = this.refLoopMembers();
    this.addAll(true);
    for (const e of this.entries) {
      if (!this.precompiled.has(e.id)) {
        if (looping.has(e.id)) {
          this.validators.set(e.id, null);
          this.barred.add(e.id);
        }
        if (this.validators.get(e.id) === null) continue;
        todo.push(e);
      }
      if (!e.core) this.documented.push(e);
    }
    return todo;
  }

  /**
   * Every entry added to Ajv, once (other schemas' `$ref`s name them, so all
   * are in before any is compiled). `report`: the ones Ajv refuses are said
   * and get no validator; a lazy run's later adds (a warm cache's) know them already.
   */
  private addAll(report: boolean): void {
    if (this.added) return;
    this.added = true;
    for (const e of this.entries) {
      try {
        this.ajv.addSchema(forAjv(e.fixed), e.id);
      } catch (err) {
        if (!report) continue;
        this.diagnostics.push(diag('schema_compile', failureMessage(e.path, err), e.path));
        this.validators.set(e.id, null);
        this.barred.add(e.id);
      }
    }
  }

  /**
   * compileAll's work for a lazy run, less the compiling: loops and fan-outs
   * found, every entry added to Ajv (what it refuses is said now, as
   * compileAll does), and the documented bindings listed. Validators and
   * selects are compiled when first asked for (validatorFor, selectorFor).
   */
  prepareLazy(): void {
    this.entriesToCompile();
  }

  /**
   * Let go of every entry's parsed file (YAML document and line table, most
   * of a loaded binding's memory): a lazy run parses one again only to say
   * where a binding that does not compile went wrong (withLoaded).
   */
  forgetFiles(): void {
    for (const e of this.entries) delete e.loaded;
  }

  /** A lenient run's compile failures (so far): the bindings skipped, with a warning each (compileSkipped). */
  skipFailures(): void {
    this.diagnostics.splice(0, this.diagnostics.length, ...this.diagnostics.map(compileSkipped));
  }

  /** A problem met compiling lazily, said as the run says those met at load. */
  private sayCompileProblems(problems: readonly Diagnostic[]): void {
    for (const d of problems) this.diagnostics.push(this.lenient ? compileSkipped(d) : d);
  }

  private lazyValidators(): ValidatorTable {
    return { get: (id) => this.validatorFor(id), mayHave: (id) => this.validators.get(id) !== null };
  }

  /** The entry with exactly this id. */
  private entryOf(id: string): CompiledEntry | undefined {
    const e = this.byId.get(idKey(id));
    return e?.id === id ? e : undefined;
  }

  /** A lazy run's validator: kept, from the cache, or compiled now (and kept in the cache). */
  private validatorFor(id: string): Validator | null {
    const known = this.validators.get(id);
    if (known !== undefined) return known;
    const e = this.entryOf(id);
    let v: Validator | null = null;
    if (e) {
      const cached = this.cached('v', e);
      v = cached !== undefined ? cached : this.compileValidator(e);
    }
    this.validators.set(id, v);
    return v;
  }

  private compileValidator(e: CompiledEntry): Validator | null {
    this.addAll(false);
    let v: Validator | null = null;
    const problems: Diagnostic[] = [];
    try {
      v = this.ajv.getSchema(idKey(e.id)) ?? null;
    } catch (err) {
      problems.push(compileProblem(this.withLoaded(e), err));
    }
    this.sayCompileProblems(problems);
    this.store('v', e, v, problems);
    return v;
  }

  /**
   * A lazy run's select: a constant verdict, or a function that compiles the
   * select (or takes it from the cache) when first called. Most selects
   * never are: SchemaSet runs select-predicate.ts's predicate instead.
   */
  private selectorFor(id: string): Validator | boolean {
    const known = this.selectors.get(id);
    if (known !== undefined) return known;
    const e = this.entryOf(id);
    const select = e?.fixed.select;
    // As compileAll: a binding refused from the start has no select.
    if (!e || this.barred.has(id) || typeof select === 'boolean' || select === undefined) {
      const verdict = !!e && !this.barred.has(id) && select === true;
      this.selectors.set(id, verdict);
      return verdict;
    }
    let real: Validator | null | undefined;
    const call = (data: unknown, at?: unknown): boolean => {
      if (real === undefined) real = this.compileSelect(e, select as JsonObject);
      // A select that does not compile selects nothing (compileAll's `false`).
      if (real === null) {
        lazySelect.errors = null;
        return false;
      }
      const run: (d: unknown, at?: unknown) => boolean = real;
      const ok = run(data, at);
      lazySelect.errors = real.errors ?? null;
      return ok;
    };
    const lazySelect: Validator = call;
    this.selectors.set(id, lazySelect);
    return lazySelect;
  }

  private compileSelect(e: CompiledEntry, select: JsonObject): Validator | null {
    const cached = this.cached('s', e);
    if (cached !== undefined) return cached;
    this.addAll(false);
    let s: Validator | null = null;
    const problems: Diagnostic[] = [];
    try {
      s = this.ajv.compile(verdictOnly(withoutId(select)) as never);
    } catch (err) {
      problems.push(diag('schema_compile', failureMessage(e.path, err).replace(`${e.path}: `, `${e.path}: select: `), e.path));
    }
    this.sayCompileProblems(problems);
    this.store('s', e, s, problems);
    return s;
  }

  /** An entry the cache served unparsed, parsed again: a compile problem is said at its line. */
  private withLoaded(e: CompiledEntry): CompiledEntry {
    if (e.loaded || this.precompiled.has(e.id) || !this.host) return e;
    const loaded = loadBinding(e.path, this.host);
    if (loaded.diagnostics.length === 0) e.loaded = loaded;
    return e;
  }

  /**
   * A validator ('v') or select ('s') the cache holds for `e`: the function,
   * null when it did not compile (its diagnostics said again), undefined when
   * the cache has none or a damaged one.
   */
  private cached(kind: 'v' | 's', e: CompiledEntry): Validator | null | undefined {
    const cache = this.cache;
    const body = cache?.read(recordName(kind, e.id));
    if (!cache || body == null) return undefined;
    try {
      const eol = body.indexOf('\n');
      const meta = JSON.parse(body.slice(0, eol)) as { id?: unknown; ok?: unknown; diagnostics?: unknown };
      if (meta.id !== e.id || typeof meta.ok !== 'boolean' || !Array.isArray(meta.diagnostics) || !meta.diagnostics.every(isDiagnostic)) {
        throw new Error('not this binding\'s record');
      }
      const fn = meta.ok ? this.loadCode(body.slice(eol + 1)) : null;
      this.sayCompileProblems(meta.diagnostics);
      cache.stats.recordHits++;
      return fn;
    } catch {
      cache.stats.damaged++;
      return undefined;
    }
  }

  /** Standalone code from the cache, run: its `f`. Its patterns go to this run's engine, as compiled code's do. */
  private loadCode(code: string): Validator {
    const module = { exports: {} as Record<string, unknown> };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code this tool wrote, checked against its hash
    const run = new Function('exports', 'require', 'module', PATTERN_ENGINE_NAME, code) as (...args: unknown[]) => void;
    run(module.exports, requireHere(), module, this.patternEngine());
    const f = module.exports['f'];
    if (typeof f !== 'function') throw new Error('no function in cached code');
    return f as Validator;
  }

  /** Keep a compiled validator or select (or why there is none) in the cache. */
  private store(kind: 'v' | 's', e: CompiledEntry, fn: Validator | null, problems: Diagnostic[]): void {
    const cache = this.cache;
    if (!cache) return;
    let code = '';
    if (fn) {
      try {
        // Ajv's standalone code takes the functions to export by schema key; a select has none, so it is handed a view of this Ajv that finds `f`.
        const view = Object.create(this.ajv, { getSchema: { value: (name: string) => (name === 'f' ? fn : undefined) } }) as Ajv2019;
        code = standaloneCode()(view, { f: 'f' });
      } catch {
        // Not expressible as standalone code: compiled again by the next run.
        return;
      }
    }
    const meta = { id: e.id, ok: fn !== null, diagnostics: problems };
    if (cache.write(recordName(kind, e.id), `${JSON.stringify(meta)}\n${code}`)) cache.stats.recordWrites++;
  }

  /** The prepared state (prepareLazy's), as the cache's index keeps it: the entries not served by the build's artefacts. */
  indexBody(types: TypeTableData): string {
    const own = this.entries.filter((e) => !this.precompiled.has(e.id));
    return JSON.stringify({
      builtinSource: this.builtinSource,
      types,
      entries: own.map(({ id, path, core, fixed, compatibles, user }) => ({ id, path, core, fixed, compatibles, ...(user ? { user } : {}) })),
      diagnostics: this.diagnostics,
      barred: [...this.barred],
    } satisfies CacheIndex);
  }

  /**
   * The prepared state from the cache's index (a warm run: no file parsed,
   * nothing added to Ajv); false, and nothing changed, when it does not hold
   * together.
   */
  restore(body: string, artefacts: PrecompiledArtefacts | null): boolean {
    let index: CacheIndex;
    try {
      index = JSON.parse(body) as CacheIndex;
    } catch {
      return false;
    }
    if (!isCacheIndex(index) || (index.builtinSource === 'precompiled' && !artefacts)) return false;
    this.diagnostics.length = 0;
    this.diagnostics.push(...index.diagnostics);
    for (const e of index.entries) this.push(e);
    if (index.builtinSource === 'precompiled') this.addPrecompiled(artefacts!);
    this.builtinSource = index.builtinSource;
    for (const id of index.barred) {
      this.validators.set(id, null);
      this.barred.add(id);
    }
    for (const e of this.entries) if (!e.core && !this.barred.has(e.id)) this.documented.push(e);
    this.typeTables = index.types;
    this.restored = true;
    return true;
  }

  /**
   * Every `$ref` loop is an error at its first hop, and so is a fan-out past
   * MAX_SCHEMA_EXPANSION; the ids of the schemas on one, which are not compiled: validating with them would recurse until
   * the stack ran out.
   */
  private refLoopMembers(): Set<string> {
    const members = new Set<string>();
    const docs = this.entries.map((e) => ({ id: e.id, json: e.fixed }));
    for (const loop of findRefLoops(docs)) {
      this.diagnostics.push(refLoopProblem(this.entries, loop));
      for (const hop of loop) members.add(this.entries[hop.doc]!.id);
    }
    // A fan-out does not loop but is as fatal: exponential checks of every node. Only the user's schemas can hold one.
    const users = new Set<number>();
    this.entries.forEach((e, i) => {
      if (e.user && !members.has(e.id)) users.add(i);
    });
    for (const fan of findFanOuts(docs, users)) {
      const e = this.entries[fan.doc]!;
      const at = e.loaded?.locate(fan.pointer);
      const message = `${e.path}#${fan.pointer}: applies more than ${MAX_SCHEMA_EXPANSION} subschemas to one value ($ref and allOf/anyOf/oneOf fanning out without end in sight); not compiled`;
      this.diagnostics.push(diag('schema_fan_out', message, e.path, at?.line, at?.col));
      members.add(e.id);
    }
    return members;
  }
}

/** What the cache's index holds (SchemaCompiler.indexBody). */
interface CacheIndex {
  builtinSource: 'precompiled' | 'runtime' | 'none';
  /** SchemaSet's property-type tables for these entries (worked out on the cold run, as the build does for the built-ins). */
  types: TypeTableData;
  entries: SchemaEntry[];
  diagnostics: Diagnostic[];
  barred: string[];
}

function isDiagnostic(d: unknown): d is Diagnostic {
  return isObject(d) && typeof d.severity === 'string' && typeof d.check === 'string' && typeof d.message === 'string';
}

function isCacheIndex(x: unknown): x is CacheIndex {
  if (!isObject(x)) return false;
  const { builtinSource, entries, diagnostics, barred, types } = x as Record<string, unknown>;
  return (
    isObject(types) &&
    Array.isArray(types.exact) &&
    Array.isArray(types.patterns) &&
    Array.isArray(types.dims) &&
    (builtinSource === 'precompiled' || builtinSource === 'runtime' || builtinSource === 'none') &&
    Array.isArray(diagnostics) &&
    diagnostics.every(isDiagnostic) &&
    Array.isArray(barred) &&
    barred.every((id) => typeof id === 'string') &&
    Array.isArray(entries) &&
    entries.every(
      (e) =>
        isObject(e) &&
        typeof e.id === 'string' &&
        typeof e.path === 'string' &&
        typeof e.core === 'boolean' &&
        isObject(e.fixed) &&
        Array.isArray(e.compatibles) &&
        e.compatibles.every((c) => typeof c === 'string') &&
        (e.user === undefined || e.user === true),
    )
  );
}

let requireMemo: NodeJS.Require | undefined;
/** The `require` cached standalone code is given (it requires Ajv's run-time helpers and ajv-formats' formats). */
function requireHere(): NodeJS.Require {
  return (requireMemo ??= createRequire(import.meta.url));
}

function standaloneCode(): (ajv: Ajv2019, refs: Record<string, string>) => string {
  return ((standaloneCodeModule as unknown as { default?: unknown }).default ?? standaloneCodeModule) as (ajv: Ajv2019, refs: Record<string, string>) => string;
}

let moduleKeyMemo: string | undefined;
/**
 * What compiles bindings, for the cache's key: codeKey() (the Ajv, ajv-formats
 * and yaml versions, compile/fixups/load/precompiled) and every other module
 * of this folder (meta-checks, ref loops, patterns, this cache), and the tool's version.
 */
function moduleKey(): string {
  if (moduleKeyMemo !== undefined) return moduleKeyMemo;
  const key = new CacheKey().add(codeKey());
  const here = new URL('./', import.meta.url);
  try {
    for (const name of readdirSync(here).filter((n) => n.endsWith('.js')).sort()) key.add(name).add(readFileSync(new URL(name, here)));
  } catch {
    key.add('unlisted');
  }
  try {
    key.add(readFileSync(new URL('../../../package.json', import.meta.url)));
  } catch {
    key.add('no package.json');
  }
  return (moduleKeyMemo = key.digest());
}

/**
 * Load schemas from files and directories (directories recursively, `.yaml`
 * only; a `meta/` folder is skipped) and compile them. Earlier paths win on
 * duplicate `$id`s, as in dt-schema, so user schemas given first override
 * built-in ones. `builtin` (default true) appends `<project>/schemas`.
 *
 * The built-in schemas come precompiled (scripts/build-schemas.ts, in
 * dist/schemas) when those artefacts exist and match the schema files;
 * otherwise, and whenever a given schema has the `$id` of a built-in one (it
 * wins, and built-ins may refer to it), they are compiled here.
 */
export function compileSchemas(paths: readonly string[], host: SchemaHost, options: CompileOptions = {}): SchemaSet {
  const set = new SchemaCompiler(false, options.override ?? false);
  set.lazy = options.lazy === true || !!options.cacheDir;
  set.host = host;
  set.lenient = options.strict !== true;
  const builtinDir = builtinSchemaDir();
  const coreDir = join(builtinDir, 'core');
  const artefacts =
    options.builtin === false || options.precompiled === false
      ? null
      : loadPrecompiled(builtinDir, host, typeof options.precompiled === 'string' ? options.precompiled : undefined);
  // The files of each path, listed once (a listing's problems said once).
  const listed = paths.map((p) => set.expand(p, host));
  let read = host;
  if (options.cacheDir && paths.length > 0) {
    const opened = openCache(options.cacheDir, paths, listed, set, host, artefacts, options);
    if (opened.cache.restoreInto(set, artefacts)) return remember(set.finish(), opened.cache);
    set.cache = opened.cache;
    read = opened.host;
  }
  const addFiles = (files: readonly string[]): void => {
    for (const file of files) set.addFile(file, read, file.startsWith(coreDir + sep), !file.startsWith(builtinDir + sep));
  };
  for (const files of listed) addFiles(files);
  if (options.builtin !== false) {
    if (artefacts && !artefacts.manifest.entries.some((pe) => set.has(pe.id))) {
      set.addPrecompiled(artefacts);
      set.builtinSource = 'precompiled';
    } else {
      addFiles(set.expand(builtinDir, read));
      set.builtinSource = 'runtime';
    }
  }
  set.checkRefusedOverrides();
  if (set.lenient) set.diagnostics.push(...falsifyMissingRefs(set.entries));
  if (!set.lazy) {
    set.compileAll();
    if (set.lenient) set.skipFailures();
    return set.finish();
  }
  set.prepareLazy();
  if (set.lenient) set.skipFailures();
  set.forgetFiles();
  const done = set.finish();
  if (!set.cache) return done;
  // The type tables are worked out now rather than at the first property: the warm runs get them from the index.
  if (set.cache.write(INDEX_FILE, set.indexBody(done.typeTableData()))) set.cache.prune();
  return remember(done, set.cache);
}

const statsOfSets = new WeakMap<SchemaSet, CacheStats>();

function remember(set: SchemaSet, cache: BindingCache): SchemaSet {
  statsOfSets.set(set, cache.stats);
  return set;
}

/**
 * What the binding cache did for a set compileSchemas made (the index read
 * or written, records read and written so far, damaged files met);
 * undefined when it made the set without the cache.
 */
export function cacheStatsOf(set: SchemaSet): Readonly<CacheStats> | undefined {
  return statsOfSets.get(set);
}

/**
 * The cache folder for this run's binding files (read once here, hashed
 * into the key, and served from memory to the loader when the cache has
 * nothing: what is loaded is what was hashed), and a host that serves them.
 */
function openCache(
  root: string,
  paths: readonly string[],
  listed: readonly string[][],
  set: SchemaCompiler,
  host: SchemaHost,
  artefacts: PrecompiledArtefacts | null,
  options: CompileOptions,
): { cache: RunCache; host: SchemaHost } {
  const bytes = new Map<string, Uint8Array>();
  const key = new CacheKey()
    .add(`vmgenid-lint bindings ${CACHE_FORMAT}`)
    .add(moduleKey())
    .add(JSON.stringify({ builtin: options.builtin !== false, precompiled: options.precompiled ?? true, override: options.override ?? false, strict: options.strict === true }))
    .add(artefacts ? artefacts.manifest.key : 'no artefacts')
    // What listing the paths said (a folder that cannot be read, an empty one).
    .add(JSON.stringify(set.diagnostics));
  const addFile = (file: string): void => {
    const got = host.readBytes(file);
    key.add(file);
    if (got instanceof Uint8Array) {
      bytes.set(file, got);
      key.add(got);
    } else key.add(`unreadable: ${got.error}`);
  };
  paths.forEach((p, i) => {
    key.add(p).add(String(listed[i]!.length));
    for (const file of listed[i]!) addFile(file);
  });
  if (options.builtin !== false && !artefacts) {
    // Built-ins compiled from their files (no artefacts): those files too.
    const files = builtinFiles(builtinSchemaDir(), host) ?? [];
    key.add(`builtin ${files.length}`);
    for (const file of files) addFile(file);
  }
  const served: SchemaHost = {
    readBytes: (p) => bytes.get(p) ?? host.readBytes(p),
    ...(host.listYaml ? { listYaml: (d: string) => host.listYaml!(d) } : {}),
    ...(host.isDirectory ? { isDirectory: (p: string) => host.isDirectory!(p) } : {}),
  };
  return { cache: new RunCache(root, key.digest()), host: served };
}

/** The cache of one binding set, and putting its index to use. */
class RunCache extends BindingCache {
  /** A warm run: the index read into `set` (and `set` given this cache for its records); false when it has none, or a damaged one. */
  restoreInto(set: SchemaCompiler, artefacts: PrecompiledArtefacts | null): boolean {
    const body = this.read(INDEX_FILE);
    if (body === null) return false;
    set.cache = this;
    if (!set.restore(body, artefacts)) {
      set.cache = null;
      this.stats.damaged++;
      return false;
    }
    this.stats.index = 'hit';
    this.touch();
    return true;
  }
}

/** Compile bindings already in memory (tests, check-binding's examples), with the core schemas when a host is given. */
export function compileLoaded(bindings: readonly LoadedBinding[], coreHost?: SchemaHost): SchemaSet {
  const set = new SchemaCompiler();
  for (const b of bindings) set.addLoaded(b, false, true);
  if (coreHost) {
    const coreDir = join(builtinSchemaDir(), 'core');
    for (const file of set.expand(coreDir, coreHost)) set.addFile(file, coreHost, true, false);
  }
  set.compileAll();
  return set.finish();
}

/**
 * For scripts/build-schemas.ts: the built-in schemas loaded, fixed up and
 * compiled exactly as `compileSchemas([], host, { precompiled: false })`
 * does, as the manifest and the text of validators.cjs. `problems` (and no
 * artefacts) when that load reports anything, or the result would not
 * survive JSON.
 */
export function precompileBuiltins(
  host: SchemaHost,
): { manifest: PrecompiledManifest; code: string; sources: Buffer; problems: [] } | { manifest: null; code: null; sources: null; problems: string[] } {
  const fail = (problems: string[]) => ({ manifest: null, code: null, sources: null, problems });
  const set = new SchemaCompiler(true);
  const dir = builtinSchemaDir();
  const coreDir = join(dir, 'core');
  const files = builtinFiles(dir, host);
  if (!files) return fail([`cannot list the schema files in ${dir}`]);
  const expanded = set.expand(dir, host);
  if (expanded.join('\0') !== files.join('\0')) return fail([`the schema files in ${dir} are not listed consistently`]);
  for (const file of expanded) set.addFile(file, host, file.startsWith(coreDir + sep), false);
  set.compileAll();
  if (set.diagnostics.length > 0) return fail(set.diagnostics.map((d) => `${d.severity}: ${d.message} [${d.check}]`));
  // Read once: the key and sources.bin are made from the same bytes.
  const sources = readSchemaFiles(files, host);
  if (sources === null) return fail([`cannot read the schema files in ${dir}`]);
  const key = keyOfSources(dir, files, sources);

  const exported = new Map<string, Validator>();
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
  const manifest: PrecompiledManifest = {
    format: PRECOMPILED_FORMAT,
    key,
    codeKey: codeKey(),
    files: files.map((f) => relativeName(dir, f)),
    sizes: sources.map((b) => b.length),
    entries,
    types: set.finish().typeTableData(),
  };
  return { manifest, code: validatorsModule(key, code), sources: sourcesFile(key, sources), problems: [] };
}
