/**
 * Build-time artefacts for the built-in schemas (written by
 * scripts/build-schemas.ts into dist/schemas/): the fixed-up JSON and what
 * SchemaSet derives from it (manifest.json), Ajv's standalone code for every
 * validator and `select` (validators.cjs), and the schema files' bytes they
 * were made from (sources.bin).
 *
 * All three files carry a key: a hash of the built-in schema files (names and
 * bytes) and of the code that turned them into validators (this folder's
 * compile/fixups/load modules, the Ajv, ajv-formats and yaml versions: the
 * manifest's `codeKey`, hashed at build time). The third, sources.bin, holds
 * the schema files' bytes as they were built from: a run uses the artefacts
 * only when the schema files it sees (through its host) are those bytes, a
 * native comparison, where hashing them again cost a few milliseconds of every
 * start-up. Otherwise (missing, stale, half-written) it compiles at run time
 * as before. The code is not re-hashed at run time either: the build that
 * compiles the code writes the artefacts too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileHost } from '../source/host.js';
import type { JsonObject } from './fixups.js';
import type { SchemaEntry, TypeTableData, Validator } from './schema-set.js';

/** Bumped when the artefacts' shape changes. */
export const PRECOMPILED_FORMAT = 4;
export const MANIFEST_FILE = 'manifest.json';
export const VALIDATORS_FILE = 'validators.cjs';
/** The key, a newline, then the schema files' bytes one after another (their sizes are in the manifest). */
export const SOURCES_FILE = 'sources.bin';

/** One built-in schema as SchemaSet holds it after load and fix-up. */
export interface PrecompiledEntry {
  id: string;
  /** Index into the manifest's `files` (the path as the schema folder lists it). */
  file: number;
  core: boolean;
  fixed: JsonObject;
  compatibles: string[];
  /** Export name of its validator in validators.cjs; null when it did not compile. */
  validator: string | null;
  /** Export name of its compiled `select`, or the constant verdict (absent or boolean select). */
  selector: string | boolean;
}

export interface PrecompiledManifest {
  format: number;
  key: string;
  /** codeKey() when the artefacts were built. */
  codeKey: string;
  /** Schema files below the built-in folder ('/'-separated, relative), in load order. */
  files: string[];
  /** Their sizes in bytes, in the same order (their bytes are in sources.bin). */
  sizes: number[];
  entries: PrecompiledEntry[];
  /** What the built-in schemas say about property types (SchemaSet's tables, worked out at build time). */
  types: TypeTableData;
}


export interface PrecompiledArtefacts {
  manifest: PrecompiledManifest;
  /** Absolute paths of the schema files, in manifest order (as the host listed them). */
  paths: string[];
  validators: Record<string, Validator>;
}

/** `<project>/dist/schemas`, found relative to this module (dist/src/schema/). */
export function defaultArtefactDir(): string {
  return fileURLToPath(new URL('../../schemas/', import.meta.url)).replace(/[\\/]$/, '');
}

let requireMemo: NodeJS.Require | undefined;
/** A require from here, made when first needed: making one loads Node's module machinery, a few ms of a start-up that mostly never needs it. */
function requireHere(): NodeJS.Require {
  return (requireMemo ??= createRequire(import.meta.url));
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(requireHere().resolve(`${name}/package.json`), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/**
 * A 128-bit hash of the artefacts' inputs: four multiplicative lanes, mixed
 * at the end. It names a build (the artefacts tell each other's build by
 * it); nothing depends on it resisting an adversary. It runs at build time,
 * but this module loads at every start, where importing node:crypto would
 * cost its loading.
 */
class KeyHash {
  private a = 0x9e3779b9;
  private b = 0x85ebca6b;
  private c = 0xc2b2ae35;
  private d = 0x27d4eb2f;

  private add(k: number): void {
    this.a = Math.imul(this.a ^ k, 0x9e3779b1);
    this.b = Math.imul(this.b ^ k, 0x85ebca77);
    this.c = Math.imul(this.c ^ k, 0xc2b2ae3d);
    this.d = Math.imul(this.d ^ k, 0x27d4eb2d) + this.a;
  }

  update(data: string | Uint8Array): this {
    if (typeof data === 'string') for (let i = 0; i < data.length; i++) this.add(data.charCodeAt(i));
    else {
      // A word at a time: the schema files are hashed at every start-up.
      const whole = data.length & ~3;
      for (let i = 0; i < whole; i += 4) this.add((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!);
      for (let i = whole; i < data.length; i++) this.add(data[i]!);
    }
    this.add(0x1_0000 + (data.length & 0xffff));
    return this;
  }

  digest(): string {
    const lanes = [this.a, this.b, this.c, this.d];
    return lanes
      .map((h, i) => {
        let x = h ^ lanes[(i + 1) % 4]! ^ (lanes[(i + 2) % 4]! >>> 7);
        x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
        x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
        return ((x ^ (x >>> 16)) >>> 0).toString(16).padStart(8, '0');
      })
      .join('');
  }
}

let codeKeyMemo: string | undefined;

/** Hash of what turns schema files into validators, besides the files themselves. */
export function codeKey(): string {
  if (codeKeyMemo !== undefined) return codeKeyMemo;
  const h = new KeyHash();
  h.update(`format ${PRECOMPILED_FORMAT}\0`);
  for (const name of ['ajv', 'ajv-formats', 'yaml']) h.update(`${name}@${packageVersion(name)}\0`);
  for (const mod of ['compile.js', 'fixups.js', 'load.js', 'precompiled.js']) {
    try {
      h.update(mod + '\0');
      h.update(readFileSync(new URL(`./${mod}`, import.meta.url)));
    } catch {
      h.update('missing\0');
    }
  }
  codeKeyMemo = h.digest();
  return codeKeyMemo;
}

/**
 * The built-in schema files SchemaSet would load from `dir` (its `meta/`
 * folder left out), or null when the host can't list them plainly — the
 * run-time path then reports whatever is wrong.
 */
export function builtinFiles(dir: string, host: FileHost & { listYaml?(d: string): string[] | { error: string }; isDirectory?(p: string): boolean }): string[] | null {
  if (!host.isDirectory?.(dir)) return null;
  const listed = host.listYaml?.(dir);
  if (!listed || !Array.isArray(listed)) return null;
  const metaDir = join(dir, 'meta') + sep;
  const files = listed.filter((f) => !f.startsWith(metaDir));
  return files.length > 0 ? files : null;
}

/** The relative, '/'-separated name of a schema file. */
export function relativeName(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/');
}

/** The schema files' bytes, read through `host`; null when one can't be read. */
export function readSchemaFiles(files: readonly string[], host: FileHost): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  for (const f of files) {
    const bytes = host.readBytes(f);
    if (!(bytes instanceof Uint8Array)) return null;
    out.push(bytes);
  }
  return out;
}

/** The key of schema files (their names and bytes, in order) for code `code`. */
export function keyOfSources(dir: string, files: readonly string[], sources: readonly Uint8Array[], code: string = codeKey()): string {
  const h = new KeyHash();
  h.update(code);
  files.forEach((f, i) => {
    h.update(`\0${relativeName(dir, f)}\0${sources[i]!.length}\0`);
    h.update(sources[i]!);
  });
  return h.digest();
}

/** The key of a set of schema files, read through `host`, for code `code`; null when one can't be read. */
export function schemaKey(dir: string, files: readonly string[], host: FileHost, code: string = codeKey()): string | null {
  const sources = readSchemaFiles(files, host);
  return sources === null ? null : keyOfSources(dir, files, sources, code);
}

/** sources.bin for a key and the schema files' bytes. */
export function sourcesFile(key: string, sources: readonly Uint8Array[]): Buffer {
  return Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), ...sources]);
}

/** Whether `files` (read through `host`) are, byte for byte, the ones sources.bin was built from. */
function sameSources(manifest: PrecompiledManifest, files: readonly string[], host: FileHost, sourcesPath: string): boolean {
  let sources: Buffer;
  try {
    sources = readFileSync(sourcesPath);
  } catch {
    return false;
  }
  const head = Buffer.from(`${manifest.key}\n`, 'latin1');
  if (!sources.subarray(0, head.length).equals(head)) return false;
  let at = head.length;
  for (let i = 0; i < files.length; i++) {
    const size = manifest.sizes[i]!;
    const bytes = host.readBytes(files[i]!);
    if (!(bytes instanceof Uint8Array) || bytes.length !== size) return false;
    if (Buffer.compare(bytes, sources.subarray(at, at + size)) !== 0) return false;
    at += size;
  }
  return at === sources.length;
}

/** validators.cjs modules by path: loaded or built into the bundle, and null for ones that failed. */
const modules = new Map<string, Record<string, unknown> | null>();

/**
 * The CLI bundle carries the default validators.cjs inside it (one file to
 * load, and under its code cache); scripts/bundle.ts registers them here.
 */
export function registerValidators(path: string, mod: Record<string, unknown>): void {
  modules.set(path, mod);
}

function loadModule(path: string, key: string): Record<string, unknown> | null {
  const known = modules.get(path);
  // A registered copy from an older build than the manifest: read the file instead.
  if (known !== undefined && (known === null || known.KEY === key)) return known;
  let mod: Record<string, unknown> | null;
  try {
    mod = requireHere()(path) as Record<string, unknown>;
  } catch {
    mod = null;
  }
  modules.set(path, mod);
  return mod;
}

/**
 * The artefacts in `artefactDir` for the built-in schemas in `schemaDir`, when
 * they exist and are current for the files the host shows; null otherwise.
 */
export function loadPrecompiled(
  schemaDir: string,
  host: FileHost & { listYaml?(d: string): string[] | { error: string }; isDirectory?(p: string): boolean },
  artefactDir: string = defaultArtefactDir(),
): PrecompiledArtefacts | null {
  const manifestPath = join(artefactDir, MANIFEST_FILE);
  const validatorsPath = join(artefactDir, VALIDATORS_FILE);
  const sourcesPath = join(artefactDir, SOURCES_FILE);
  if (!existsSync(manifestPath) || !existsSync(validatorsPath)) return null;
  let manifest: PrecompiledManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PrecompiledManifest;
  } catch {
    return null;
  }
  if (
    manifest?.format !== PRECOMPILED_FORMAT ||
    !Array.isArray(manifest.files) ||
    !Array.isArray(manifest.sizes) ||
    manifest.sizes.length !== manifest.files.length ||
    !manifest.sizes.every((n) => Number.isSafeInteger(n) && n >= 0) ||
    !Array.isArray(manifest.entries) ||
    typeof manifest.key !== 'string' ||
    typeof manifest.codeKey !== 'string' ||
    !Array.isArray(manifest.types?.exact) ||
    !Array.isArray(manifest.types.patterns) ||
    !Array.isArray(manifest.types.dims)
  )
    return null;
  const files = builtinFiles(schemaDir, host);
  if (!files || files.length !== manifest.files.length) return null;
  if (files.some((f, i) => relativeName(schemaDir, f) !== manifest.files[i])) return null;
  if (!sameSources(manifest, files, host, sourcesPath)) return null;
  const mod = loadModule(validatorsPath, manifest.key);
  if (!mod || mod.KEY !== manifest.key) return null;
  const validators: Record<string, Validator> = {};
  for (const e of manifest.entries) {
    for (const name of [e.validator, e.selector]) {
      if (typeof name !== 'string') continue;
      const fn = mod[name];
      if (typeof fn !== 'function') return null;
      validators[name] = fn as Validator;
    }
  }
  return { manifest, paths: files, validators };
}

/**
 * validators.cjs from Ajv's standalone code (CommonJS: any Node loads it
 * synchronously, and a bundler takes it in), and the key (after the code,
 * which opens with its "use strict").
 */
export function validatorsModule(key: string, standaloneCode: string): string {
  return (
    '// Generated by scripts/build-schemas.ts from the built-in schemas: do not edit.\n' +
    standaloneCode +
    `\nexports.KEY = ${JSON.stringify(key)};\n`
  );
}

/** The artefacts' entries, each with its validator and select. */
export function artefactEntries(
  artefacts: PrecompiledArtefacts,
): { entry: SchemaEntry; validator: Validator | null; selector: Validator | boolean }[] {
  return artefacts.manifest.entries.map((pe) => ({
    entry: { id: pe.id, path: artefacts.paths[pe.file]!, core: pe.core, fixed: pe.fixed, compatibles: pe.compatibles },
    validator: pe.validator === null ? null : artefacts.validators[pe.validator]!,
    selector: typeof pe.selector === 'string' ? artefacts.validators[pe.selector]! : pe.selector,
  }));
}
