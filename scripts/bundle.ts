/**
 * Build step: the CLI as one ES module, dist/src/bundle/cli.js, which
 * bin/vmgenid-lint.js loads. Node 20 spends a fair part of a lint's start-up
 * resolving and linking our seventy-odd modules one by one; one file saves
 * that. The bundle sits two folders below dist/ like every module it is
 * made of, so the paths they find relative to themselves (schemas/,
 * dist/schemas/, include/, data/, package.json) still hold.
 *
 * Ajv, ajv-formats and yaml stay outside: only the schema compiler and
 * check-binding use them, and those two are loaded at run time from their
 * own files in dist/src (by computed URL, which the bundler leaves alone), so
 * a lint on the built-in bindings never loads them.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const BUNDLE = fileURLToPath(new URL('../src/bundle/cli.js', import.meta.url));

export async function bundle(): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/cli/process.js', import.meta.url))],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['yaml', 'ajv', 'ajv/*', 'ajv-formats'],
    // CommonJS dependencies (commander) call require(): give the module one.
    banner: { js: "import { createRequire as __vmgenidRequire } from 'node:module';\nconst require = __vmgenidRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundle();
