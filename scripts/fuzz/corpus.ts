/**
 * The inputs the fuzzers mutate: devicetree sources (with the folders their
 * includes are searched in), blobs and bindings. The narrow corpus is the
 * project's fixtures and the conformance corpus's expected blobs (what
 * the first fuzzer used); the wide one adds the conformance
 * corpus's dtc test sources and real boards, and the built-in bindings.
 */
import { readManifest } from '../manifest.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT, walkFiles } from './case.js';

export const SHARED_CORPUS = join(ROOT, '../shared/corpus');

export interface Source {
  path: string;
  text: string;
  /** Search folders for its includes (besides its own folder), absolute. */
  includeDirs: string[];
}

export interface Corpus {
  dts: Source[];
  dtbs: { name: string; bytes: Uint8Array }[];
  yaml: { path: string; text: string }[];
  /** Sources that use the preprocessor (#include, #define, #if…). */
  cpp: Source[];
  /** Compile flags of the dtc test cases, for the compile kind. */
  dtcFlags: string[][];
}

const DIRECTIVE_RE = /^[ \t]*#[ \t]*(include|define|if|ifdef|ifndef)\b/m;


/** `noCorpus`: the project's own inputs only, as when ../shared is absent. */
export async function loadCorpus(opts: { wide?: boolean; noCorpus?: boolean } = {}): Promise<Corpus> {
  const shared = opts.noCorpus ? join(ROOT, 'no-corpus') : SHARED_CORPUS;
  const { loadTree } = await import('../../src/load-tree.js');
  const { writeDtb } = await import('../../src/dtb/write.js');
  const { nodeFileHost } = await import('../../src/source/host.js');
  const include = join(ROOT, 'include');
  // Not the robustness fixtures: each is a cost bomb (a second of macro expansion) that the
  // generators make at every scale anyway; as seeds they would be a third of the preprocessor's time.
  const dtsPaths = [...walkFiles(join(ROOT, 'test/fixtures'), (n) => n.endsWith('.dts')).filter((p) => !p.includes('/robustness/')), join(ROOT, 'fixtures/example/board.dts')];
  const dts: Source[] = dtsPaths.map((path) => ({ path, text: readFileSync(path, 'latin1'), includeDirs: [include] }));
  const dtbs: Corpus['dtbs'] = [];
  for (const { path } of dts) {
    try {
      const r = loadTree(path, new Uint8Array(readFileSync(path)), {
        host: nodeFileHost,
        includeDirs: [dirname(path), include],
        cpp: 'auto',
      });
      if (r.tree) dtbs.push({ name: relative(ROOT, path), bytes: writeDtb(r.tree) });
    } catch {
      // Fixtures meant to fail.
    }
  }
  for (const p of walkFiles(join(shared, 'dtc-tests/expected'), (n) => n.endsWith('.dtb'))) {
    dtbs.push({ name: relative(ROOT, p), bytes: new Uint8Array(readFileSync(p)) });
  }
  const yamlDirs = opts.wide ? ['schemas/rng', 'test/fixtures/schema', 'fixtures/example'] : ['schemas/rng', 'test/fixtures/schema'];
  const yaml = yamlDirs.flatMap((d) => walkFiles(join(ROOT, d), (n) => n.endsWith('.yaml'))).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const dtcFlags: string[][] = [];
  if (opts.wide) {
    const tests = join(shared, 'dtc-tests');
    for (const row of readManifest(join(tests, 'MANIFEST.tsv'))) {
      const path = join(tests, row['input']!);
      if (!existsSync(path)) continue;
      if (!dts.some((s) => s.path === path)) dts.push({ path, text: readFileSync(path, 'latin1'), includeDirs: [tests] });
      if (row['flags'] && row['flags'] !== '-') dtcFlags.push(row['flags'].split(' '));
    }
    const real = join(shared, 'real/tf-a');
    for (const row of readManifest(join(real, 'MANIFEST.tsv'))) {
      const path = join(real, row['input']!);
      if (!existsSync(path)) continue;
      dts.push({ path, text: readFileSync(path, 'latin1'), includeDirs: [...new Set((row['include_dirs'] ?? '').split(' ').filter(Boolean))].map((d) => join(real, d)) });
    }
  }
  const cpp = dts.filter((s) => DIRECTIVE_RE.test(s.text));
  return { dts, dtbs, yaml, cpp, dtcFlags };
}
