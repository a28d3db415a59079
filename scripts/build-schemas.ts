/**
 * `npm run build` (after tsc): the built-in schemas compiled ahead of time.
 * Loads and fixes up schemas/core and schemas/rng exactly as SchemaSet does
 * at run time, and writes
 *
 * - dist/schemas/manifest.json: ids, paths, core flags, the fixed-up JSON and
 *   compatibles of every built-in schema, and the key they were built for;
 * - dist/schemas/validators.cjs: Ajv's standalone code (CommonJS) for every
 *   validator and `select`;
 * - dist/schemas/sources.bin: the schema files' bytes they were built from.
 *
 * compileSchemas and loadSchemaSet use them when their key matches the schema files and code
 * of the run, and compiles at run time otherwise. When the built-in schemas
 * do not load cleanly nothing is written (and old artefacts are removed), so
 * runs compile at run time and report the problem there.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { precompileBuiltins } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { defaultArtefactDir, MANIFEST_FILE, SOURCES_FILE, VALIDATORS_FILE } from '../src/schema/precompiled.js';
import { nodeFileHost } from '../src/source/host.js';

/** Write through a temporary file and a rename, so a concurrent run never reads half a file. */
function writeAtomically(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Build the artefacts into `dir`; the problems that stopped it, or []. */
export function buildSchemas(dir: string = defaultArtefactDir()): string[] {
  const built = precompileBuiltins(nodeSchemaHost(nodeFileHost));
  mkdirSync(dir, { recursive: true });
  if (built.manifest === null) {
    rmSync(join(dir, MANIFEST_FILE), { force: true });
    rmSync(join(dir, VALIDATORS_FILE), { force: true });
    rmSync(join(dir, SOURCES_FILE), { force: true });
    return built.problems;
  }
  // All three carry the key; a reader that sees new and old files mixed compiles at run time.
  writeAtomically(join(dir, VALIDATORS_FILE), built.code);
  writeAtomically(join(dir, SOURCES_FILE), built.sources);
  writeAtomically(join(dir, MANIFEST_FILE), JSON.stringify(built.manifest));
  return [];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Quiet on success: `npm run build --silent` feeds other scripts.
  const problems = buildSchemas();
  if (problems.length > 0) {
    process.stderr.write(
      'build-schemas: the built-in schemas were not precompiled (runs will compile them):\n' + problems.map((p) => `  ${p}\n`).join(''),
    );
  }
}
