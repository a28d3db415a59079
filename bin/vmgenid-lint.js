#!/usr/bin/env node
'use strict';
// Starts the CLI, whose logic lives in dist/src/cli: from the bundle the build
// made (dist/src/bundle/cli.cjs) with its V8 code cache, so that most of it
// need not be compiled again; from the separate modules in dist/src when there
// is no bundle (a build that stopped early). See scripts/bundle.ts. This file
// is CommonJS (bin/package.json): an ES module entry costs Node's module
// loader on every start.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { pathToFileURL } = require('node:url');

const dist = path.join(__dirname, '..', 'dist', 'src');
const BUNDLE = path.join(dist, 'bundle', 'cli.cjs');
const CODE_CACHE = path.join(dist, 'bundle', 'cli.cache');

function readOrNull(file, encoding) {
  try {
    return fs.readFileSync(file, encoding);
  } catch {
    return null;
  }
}

/**
 * The bundle's build id, from its last line (scripts/bundle.ts). The code
 * cache starts with the id of the bundle it was made for: V8 itself only
 * checks that the source has the same length, and a rebuilt bundle of the
 * same length would otherwise run the old code.
 */
const ID_MARK = '//# vmgenid-lint-bundle ';
function bundleId(source) {
  const at = source.lastIndexOf(ID_MARK);
  return at < 0 ? null : source.slice(at + ID_MARK.length).trim();
}

/** The cache's V8 data when it was made for this bundle, else undefined. */
function cacheFor(id) {
  const cache = id === null ? null : readOrNull(CODE_CACHE);
  const head = Buffer.from(`${id}\n`, 'latin1');
  if (!cache || cache.length <= head.length || !cache.subarray(0, head.length).equals(head)) return undefined;
  return cache.subarray(head.length);
}

/** The CLI module (`main`), and how to write a code cache after a run when it came from the bundle. */
async function loadCli() {
  const source = readOrNull(BUNDLE, 'utf8');
  if (source === null) return { main: (await import(pathToFileURL(path.join(dist, 'cli', 'process.js')).href)).main, script: null, id: null };
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __vmgenidImport) {${source}\n})`, {
    filename: BUNDLE,
    cachedData: cacheFor(bundleId(source)),
  });
  if (script.cachedDataRejected && process.env.VMGENID_LINT_DEBUG) process.stderr.write('vmgenid-lint: the code cache does not fit this Node; compiling\n');
  const module = { exports: {} };
  // import() from here: the bundle's own code may come from the cache, which cannot (src/import-by-url.ts).
  // This file's require serves it: the bundle requires Node's own modules only (test/bundle.test.ts),
  // and createRequire would load Node's module machinery on every start.
  script.runInThisContext()(module.exports, require, module, BUNDLE, path.dirname(BUNDLE), (specifier) => import(specifier));
  return { main: module.exports.main, script, id: bundleId(source) };
}

/** After a run the cache holds the functions it compiled too; written atomically. */
function writeCodeCache(script, id, file) {
  if (!script || id === null) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${id}\n`, 'latin1'), script.createCachedData()]));
  fs.renameSync(tmp, file);
}

loadCli()
  .then(async ({ main, script, id }) => {
    await main();
    // The build trains the code cache by running one lint with this set (scripts/bundle.ts).
    const cacheFile = process.env.VMGENID_LINT_WRITE_CODE_CACHE;
    if (cacheFile) writeCodeCache(script, id, cacheFile);
  })
  .catch((err) => {
    process.stderr.write(`vmgenid-lint: cannot start: ${err?.message ?? String(err)} (run npm run build)\n`);
    process.exitCode = 70;
  });
