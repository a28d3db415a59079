/**
 * Load an ES module by URL at run time: the schema compiler and
 * check-binding, which a plain lint never needs. A URL computed at run time
 * keeps the bundler from taking them in (scripts/bundle.ts), and in the
 * bundle this module is swapped for one that calls back into
 * bin/vmgenid-lint.js: code V8 restores from a code cache cannot run
 * `import()` itself (Node 20 loses its module context).
 */
export function importByUrl<T>(url: URL): Promise<T> {
  return import(url.href) as Promise<T>;
}
