/**
 * The schemas of a run, the fast way when it can be: the built-in bindings
 * alone come from the build's artefacts (no YAML read, no Ajv loaded); any
 * user binding, or artefacts that are missing or stale, bring in the
 * compiler (schema/compile.ts) on demand.
 */
import { builtinSchemaDir, type SchemaHost } from './host.js';
import { artefactEntries, loadPrecompiled } from './precompiled.js';
import { SchemaSet, type SchemaEntry, type Validator } from './schema-set.js';
import type { CompileOptions } from './compile.js';
import { importByUrl } from '../import-by-url.js';

export async function loadSchemaSet(paths: readonly string[], host: SchemaHost, options: CompileOptions = {}): Promise<SchemaSet> {
  if (paths.length === 0 && options.builtin !== false && options.precompiled !== false) {
    const artefacts = loadPrecompiled(builtinSchemaDir(), host, typeof options.precompiled === 'string' ? options.precompiled : undefined);
    if (artefacts) {
      const entries: SchemaEntry[] = [];
      const validators = new Map<string, Validator | null>();
      const selectors = new Map<string, Validator | boolean>();
      for (const { entry, validator, selector } of artefactEntries(artefacts)) {
        entries.push(entry);
        validators.set(entry.id, validator);
        selectors.set(entry.id, selector);
      }
      return new SchemaSet({
        entries,
        diagnostics: [],
        validators,
        selectors,
        documented: entries.filter((e) => !e.core),
        builtinSource: 'precompiled',
        // The build worked these out for exactly these entries.
        typeTables: artefacts.manifest.types,
      });
    }
  }
  const { compileSchemas } = await importByUrl<typeof import('./compile.js')>(new URL('../schema/compile.js', import.meta.url));
  return compileSchemas(paths, host, options);
}
