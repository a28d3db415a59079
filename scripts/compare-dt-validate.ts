/**
 * Developer tool: compare `vmgenid-lint --all` with dt-schema's dt-validate
 * (core schemas only, or with extra bindings) over the real-board corpus.
 *
 *   npm run build && node dist/scripts/compare-dt-validate.js [corpus-dir] [--bindings DIR] [--verbose]
 *
 * corpus-dir defaults to ../shared/corpus/real/tf-a (a MANIFEST.tsv with
 * case, input, include_dirs columns; blobs in expected/<case>.dtb, compiled
 * with our compiler when absent). For each board it prints dt-validate's
 * finding count, ours, and the (node, property) pairs only one side reports.
 * Findings are keyed by node *name* (dt-validate prints only the name) and
 * property; a finding about a child node reported from its parent is
 * folded onto the child. Skips with a message when dt-validate, dt-mk-schema
 * or the corpus is missing.
 */
import { readManifest } from './manifest.js';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectDir = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(projectDir, 'bin', 'vmgenid-lint.js');

/** One finding, reduced to what both tools can name. */
export interface Finding {
  node: string;
  property: string;
  text: string;
}

function have(cmd: string): boolean {
  const r = spawnSync(cmd, ['--help'], { encoding: 'utf8' });
  return !r.error;
}


/**
 * Parse dt-validate's stderr. Each finding starts `FILE: NODENAME: [p1:p2:...: ]MESSAGE`,
 * continued by tab-indented lines (sub-errors, "From schema").
 */
export function parseDtValidate(output: string): Finding[] {
  const out: Finding[] = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('\t') || !line.trim()) continue;
    const m = /^\S+?\.dtb: (\S+): (.*)$/.exec(line);
    if (!m) continue;
    const context: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('\t'); j++) context.push(lines[j]!.trim());
    let nodeName = m[1]!;
    let rest = m[2]!;
    const segments: string[] = [];
    const pm = /^((?:[^:\s']+:)+) (.*)$/.exec(rest);
    if (pm) {
      segments.push(...pm[1]!.split(':').filter((s) => s !== '' && !/^\d+$/.test(s)));
      rest = pm[2]!;
    }
    const required = /^'([^']+)' is a required property/.exec(rest);
    const extra = /^'([^']+)' does not match any of the regexes/.exec(rest) ?? /^Additional properties are not allowed \('([^']+)'/.exec(rest);
    const conditional = /conditional failed/.test(rest);
    let property = '';
    if (required) property = required[1]!;
    else if (extra) property = extra[1]!;
    else if (conditional) {
      const sub = context.map((c) => /^'([^']+)' is a required property/.exec(c)).find((x) => x);
      property = sub ? sub[1]! : '';
    } else if (segments.length) property = segments.pop()!;
    // What is left of the path are child nodes: the finding is about the deepest.
    if (segments.length) nodeName = segments[segments.length - 1]!;
    out.push({ node: nodeName, property, text: rest });
  }
  return out;
}

interface OurDiagnostic {
  check: string;
  message: string;
  node?: string;
  property?: string;
}

/** Our JSON report's schema findings, keyed like dt-validate's. */
export function parseOurs(json: string): { findings: Finding[]; other: number } {
  const report = JSON.parse(json) as { files: Array<{ diagnostics: OurDiagnostic[] }> };
  const findings: Finding[] = [];
  let other = 0;
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      if (!d.check.startsWith('schema_') || d.check === 'schema_load') {
        other++;
        continue;
      }
      const path = (d.node ?? '/').split('/').filter((p) => p !== '');
      const prop = (d.property ?? '').split('/');
      const property = prop.pop() ?? '';
      path.push(...prop.filter((p) => p !== ''));
      findings.push({ node: path.length ? path[path.length - 1]! : '/', property, text: d.message });
    }
  }
  return { findings, other };
}

function key(f: Finding): string {
  return `${f.node} ${f.property || '(node)'}`;
}

/** Pairs in `a` not matched (with multiplicity) in `b`. */
export function onlyIn(a: readonly Finding[], b: readonly Finding[]): string[] {
  const pool = new Map<string, number>();
  for (const f of b) pool.set(key(f), (pool.get(key(f)) ?? 0) + 1);
  const out: string[] = [];
  for (const f of a) {
    const k = key(f);
    const n = pool.get(k) ?? 0;
    if (n > 0) pool.set(k, n - 1);
    else out.push(k);
  }
  return out;
}

function main(argv: string[]): number {
  let corpus = resolve(projectDir, '..', 'shared', 'corpus', 'real', 'tf-a');
  let bindings: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--bindings') bindings = argv[++i];
    else if (a === '--verbose' || a === '-v') verbose = true;
    else corpus = resolve(a);
  }
  const manifest = join(corpus, 'MANIFEST.tsv');
  if (!existsSync(manifest)) {
    console.log(`compare-dt-validate: no corpus at ${corpus} (MANIFEST.tsv missing); skipping`);
    return 0;
  }
  if (!have('dt-validate') || !have('dt-mk-schema')) {
    console.log('compare-dt-validate: dt-validate/dt-mk-schema not installed (Debian package dt-schema); skipping');
    return 0;
  }
  const work = mkdtempSync(join(tmpdir(), 'dtv-compare-'));
  try {
    const schemaDir = join(work, 'bindings');
    mkdirSync(schemaDir);
    if (bindings) cpSync(bindings, join(schemaDir, 'extra'), { recursive: true });
    const processed = join(work, 'schema.json');
    const mk = spawnSync('dt-mk-schema', ['-j', schemaDir], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (mk.status !== 0 || !mk.stdout) {
      console.log(`compare-dt-validate: dt-mk-schema failed: ${mk.stderr}`);
      return 1;
    }
    writeFileSync(processed, mk.stdout);
    const ourSchemaArgs = bindings ? ['--schema', bindings] : [];

    let theirsTotal = 0;
    let oursTotal = 0;
    let agree = 0;
    let boards = 0;
    const rows = readManifest(manifest).filter((r) => r.outcome === undefined || r.outcome === 'ok');
    for (const row of rows) {
      const name = row.case!;
      let dtb = join(corpus, 'expected', `${name}.dtb`);
      if (!existsSync(dtb)) {
        dtb = join(work, `${name}.dtb`);
        const inc = (row.include_dirs ?? '').split(/\s+/).filter(Boolean).flatMap((d) => ['-I', join(corpus, d)]);
        const c = spawnSync(process.execPath, [cli, 'compile', ...inc, join(corpus, row.input!), '-o', dtb], { encoding: 'utf8' });
        if (c.status !== 0) {
          console.log(`${name}: cannot compile: ${c.stderr.trim().split('\n')[0]}`);
          continue;
        }
      }
      const dv = spawnSync('dt-validate', ['-s', processed, dtb], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const theirs = parseDtValidate(`${dv.stdout}\n${dv.stderr}`);
      const ol = spawnSync(process.execPath, [cli, '--all', ...ourSchemaArgs, '-f', 'json', dtb], { encoding: 'utf8', maxBuffer: 1 << 26 });
      let ours: Finding[];
      let other = 0;
      try {
        ({ findings: ours, other } = parseOurs(ol.stdout));
      } catch {
        console.log(`${name}: our report is not JSON: ${ol.stderr.trim().split('\n')[0]}`);
        continue;
      }
      boards++;
      theirsTotal += theirs.length;
      oursTotal += ours.length;
      const onlyTheirs = onlyIn(theirs, ours);
      const onlyOurs = onlyIn(ours, theirs);
      const same = onlyTheirs.length === 0 && onlyOurs.length === 0;
      if (same) agree++;
      const note = other ? ` (+${other} non-schema)` : '';
      console.log(`${same ? 'same' : 'DIFF'}  ${name}: dt-validate ${theirs.length}, ours ${ours.length}${note}`);
      for (const k of onlyTheirs) console.log(`        only dt-validate: ${k}`);
      for (const k of onlyOurs) console.log(`        only ours:        ${k}`);
      if (verbose && !same) {
        for (const f of theirs) console.log(`        dt-validate: ${f.node}: ${f.text}`);
        for (const f of ours) console.log(`        ours:        ${f.node}: ${f.text}`);
      }
    }
    console.log(`\n${boards} boards: dt-validate ${theirsTotal} findings, ours ${oursTotal}; ${agree} boards agree exactly`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
