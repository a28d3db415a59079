/**
 * Build step: the CLI as one CommonJS file, dist/src/bundle/cli.cjs, with
 * the precompiled validators inside, and a V8 code cache for it trained on
 * a lint of the bundled example (dist/src/bundle/cli.cache). bin/load-cli.cjs
 * loads the two. Node 20 spends most of a lint's start-up resolving, linking
 * and compiling modules: one file, most of it already compiled, saves that.
 * (Node 20 can cache compiled code only for scripts, not ES modules: hence
 * CommonJS.)
 *
 * The bundle sits two folders below dist/ like every module it is made of,
 * so the paths they find relative to themselves (schemas/, dist/schemas/,
 * include/, data/, package.json) still hold.
 *
 * Ajv, ajv-formats and yaml stay outside: only the schema compiler and
 * check-binding use them, and those two are loaded at run time from their
 * own files in dist/src (by computed URL, which the bundler leaves alone), so
 * a lint on the built-in bindings never loads them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export const BUNDLE = here('../src/bundle/cli.cjs');
export const CODE_CACHE = here('../src/bundle/cli.cache');
const ENTRY = here('../src/bundle/entry.js');
const VALIDATORS = here('../schemas/validators.cjs');
const BIN = here('../../bin/vmgenid-lint.js');
const EXAMPLE = here('../../fixtures/example/board.dts');

/**
 * commander requires child_process when it loads, for executable
 * subcommands we never use; loading it (and the network modules it pulls
 * in) is a measurable part of a start-up. Within the bundle commander gets
 * a stand-in that loads the real module only if something is taken from it.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * Ajv, ajv-formats and yaml stay outside the bundle, all but Ajv's small
 * run-time helpers (ajv/dist/runtime/*: deep equality for uniqueItems and
 * const, and the like), which the precompiled validators require: outside,
 * every start would resolve and compile them from node_modules.
 */
const compilerOutside: Plugin = {
  name: 'compiler-outside',
  setup(b) {
    b.onResolve({ filter: /^(ajv|ajv-formats|yaml)(\/|$)/ }, (args) => (args.path.startsWith('ajv/dist/runtime/') ? undefined : { path: args.path, external: true }));
  },
};

/** In the bundle, import-by-url calls the loader's import() (bin/vmgenid-lint.js passes it in). */
const importThroughLoader: Plugin = {
  name: 'import-through-loader',
  setup(b) {
    b.onLoad({ filter: /[\\/]import-by-url\.js$/ }, () => ({
      contents: 'export const importByUrl = (url) => __vmgenidImport(url.href);',
      loader: 'js',
    }));
  },
};

/** The bundle's entry: the CLI, and the validators registered under the path the loader would read them from. */
function entrySource(withValidators: boolean): string {
  const lines = ["export { main } from '../cli/process.js';"];
  if (withValidators) {
    lines.unshift(
      "import { fileURLToPath } from 'node:url';",
      "import { registerValidators } from '../schema/precompiled.js';",
      "import * as validators from '../../schemas/validators.cjs';",
      "registerValidators(fileURLToPath(new URL('../../schemas/validators.cjs', import.meta.url)), validators);",
    );
  }
  return lines.join('\n') + '\n';
}

export async function bundle(): Promise<void> {
  mkdirSync(here('../src/bundle/'), { recursive: true });
  writeFileSync(ENTRY, entrySource(existsSync(VALIDATORS)));
  const built = await build({
    entryPoints: [ENTRY],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The modules find their data relative to themselves; in a script that is __filename.
    define: { 'import.meta.url': '__vmgenidModuleUrl' },
    banner: { js: "var __vmgenidModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    legalComments: 'none',
    // Less to read, hash and cache at every start; names kept, for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    plugins: [compilerOutside, lazyChildProcess, importThroughLoader],
    write: false,
  });
  rmSync(ENTRY, { force: true });
  // Renamed into place, so that a CLI starting meanwhile reads the old bundle or the new one, never half of one.
  // (An old code cache is refused by V8 for the new bundle until the training below replaces it.)
  // Its last line names it, and the code cache is only used for the bundle named in its first
  // bytes (bin/vmgenid-lint.js): V8 takes any cache for a source of the same length.
  const code = built.outputFiles[0]!.text;
  const id = createHash('sha256').update(code).digest('hex').slice(0, 24);
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, `${code}//# vmgenid-lint-bundle ${id}\n`);
  renameSync(tmp, BUNDLE);
  // Train the code cache: one lint as a user runs it, the cache written after it.
  const trained = spawnSync(process.execPath, [BIN, '--all', EXAMPLE], {
    env: { ...process.env, VMGENID_LINT_WRITE_CODE_CACHE: CODE_CACHE },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (trained.status !== 0 || !existsSync(CODE_CACHE)) {
    process.stderr.write(`bundle: no code cache written (the CLI starts a little slower): ${trained.stderr?.toString().trim() || `exit ${trained.status}`}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundle();
