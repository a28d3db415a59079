#!/usr/bin/env node
'use strict';
// Starts the CLI, whose logic lives in dist/src/cli: from the bundle the build
// made (dist/src/bundle/cli.cjs) with its V8 code cache, so that most of it
// need not be compiled again; from the separate modules in dist/src when there
// is no bundle (a build that stopped early). See scripts/bundle.ts. This file
// is CommonJS (bin/package.json): an ES module entry costs Node's module
// loader on every start.
const fs = require('node:fs');
const os = require('node:os');
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

/**
 * A cache's first line: the bundle it was made for and the V8 that made it.
 * V8 refuses data another version made, and compiling the bundle again on
 * every start is most of a small lint's time: the build's cache serves the
 * Node that built it, and a per-user cache each other Node.
 */
function cacheHead(id) {
  return Buffer.from(`${id} ${process.versions.v8}\n`, 'latin1');
}

/** The cache's V8 data when it was made for this bundle by this V8, else undefined. */
function cacheFor(id, file) {
  const cache = id === null ? null : readOrNull(file);
  const head = cacheHead(id);
  if (!cache || cache.length <= head.length || !cache.subarray(0, head.length).equals(head)) return undefined;
  return cache.subarray(head.length);
}

/** Where this user's cache for this Node lives (none without a home or XDG_CACHE_HOME). */
function userCacheFile(id) {
  let home = '';
  try {
    home = os.homedir();
  } catch {
    // no home folder: no user cache
  }
  const root = process.env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  if (!root || id === null) return null;
  return path.join(root, 'vmgenid-lint', `cli-v8-${process.versions.v8}.cache`);
}

/** The CLI module (`main`), and how to write a code cache after a run when it came from the bundle. */
async function loadCli() {
  const source = readOrNull(BUNDLE, 'utf8');
  if (source === null) return { main: (await import(pathToFileURL(path.join(dist, 'cli', 'process.js')).href)).main, script: null, id: null };
  const id = bundleId(source);
  // The build's cache when this Node made it; else this user's, made by a start on this Node.
  let cachedData = cacheFor(id, CODE_CACHE);
  const userCache = cachedData === undefined ? userCacheFile(id) : null;
  if (userCache) cachedData = cacheFor(id, userCache);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __vmgenidImport) {${source}\n})`, {
    filename: BUNDLE,
    cachedData,
  });
  const missed = cachedData === undefined || script.cachedDataRejected;
  if (missed && process.env.VMGENID_LINT_DEBUG) process.stderr.write('vmgenid-lint: no code cache fits this Node; compiling\n');
  const module = { exports: {} };
  // import() from here: the bundle's own code may come from the cache, which cannot (src/import-by-url.ts).
  // This file's require serves it: the bundle requires Node's own modules only (test/bundle.test.ts),
  // and createRequire would load Node's module machinery on every start.
  script.runInThisContext()(module.exports, require, module, BUNDLE, path.dirname(BUNDLE), (specifier) => import(specifier));
  return { main: module.exports.main, script, id, userCache: missed ? userCache : null };
}

/** After a run the cache holds the functions it compiled too; written atomically. */
function writeCodeCache(script, id, file) {
  if (!script || id === null) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([cacheHead(id), script.createCachedData()]), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** This user's cache for this Node, written once; a cache that cannot be written is only slower, never an error. */
function writeUserCache(script, id, file) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeCodeCache(script, id, file);
  } catch {
    // a read-only home, a full disk: the next start compiles again
  }
}

loadCli()
  .then(async ({ main, script, id, userCache }) => {
    await main();
    // A --jobs worker runs this file too, named so in its argv (LINT_WORKER, src/cli/lint-jobs.ts): the
    // command's own thread writes the cache (asking worker_threads would load it on every start).
    if (process.argv[2] === 'vmgenid-lint lint worker') return;
    // The build trains the code cache by running one lint with this set (scripts/bundle.ts).
    const cacheFile = process.env.VMGENID_LINT_WRITE_CODE_CACHE;
    if (cacheFile) writeCodeCache(script, id, cacheFile);
    else if (userCache) writeUserCache(script, id, userCache);
  })
  .catch((err) => {
    process.stderr.write(`vmgenid-lint: cannot start: ${err?.message ?? String(err)} (run npm run build)\n`);
    process.exitCode = 70;
  });
