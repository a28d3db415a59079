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
 *
 *   node dist/scripts/compare-dt-validate.js --kernel DIR [--boards N | --sample FILE] [--jobs J] [--verbose]
 *
 * The kernel-scale comparison: a corpus made by scripts/fetch-kernel-corpus.sh
 * DIR --reference (the kernel's blobs and dt-mk-schema's processed schema of
 * its bindings). dt-validate runs once per board, as the kernel's flow runs
 * it (its output kept in DIR/ref/dt-validate/, since it takes ~10 s a board);
 * ours runs once for all the boards with every binding. Boards: N spread
 * evenly over the vendors (default 125), or the list in FILE (paths below
 * DIR/ref/dtb). Prints each board's disagreements and a table per vendor.
 */
import { readManifest } from './manifest.js';
import { spawnSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { filesBelow, kernelSource } from './kernel-corpus.js';
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
    // One message may name several properties; ours names each in a finding of its own.
    const many =
      /^((?:'[^']+', )*'[^']+') do(?:es)? not match any of the regexes/.exec(rest) ??
      /^(?:Additional|Unevaluated) properties are not allowed \(((?:'[^']+', )*'[^']+') (?:was|were) unexpected\)/.exec(rest);
    const conditional = /conditional failed/.test(rest);
    // What is left of the path after the property are child nodes: the finding is about the deepest.
    const about = (property: string) => {
      if (segments.length) nodeName = segments[segments.length - 1]!;
      out.push({ node: nodeName, property, text: rest });
    };
    if (many) {
      for (const m2 of many[1]!.matchAll(/'([^']+)'/g)) about(m2[1]!);
      continue;
    }
    const dependency = /^'([^']+)' is a dependency of '([^']+)'/.exec(rest);
    let property = '';
    if (required) property = required[1]!;
    else if (dependency) property = dependency[2]!;
    else if (conditional) {
      const sub = context.map((c) => /^'([^']+)' is a required property/.exec(c)).find((x) => x);
      property = sub ? sub[1]! : (segments.pop() ?? '');
    } else if (segments.length) property = segments.pop()!;
    about(property);
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
  return findingsOf(report.files);
}

/** The schema findings of some files of our JSON report (a binding's load warnings and the vmgenid checks counted apart). */
function findingsOf(files: Array<{ diagnostics: OurDiagnostic[] }>): { findings: Finding[]; other: number } {
  const findings: Finding[] = [];
  let other = 0;
  for (const file of files) {
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

/** N boards spread evenly over each vendor's folder (at least one a vendor), from the sorted list. */
export function spreadSample(boards: readonly string[], n: number): string[] {
  const byVendor = new Map<string, string[]>();
  for (const b of [...boards].sort()) {
    const v = b.split('/')[0]!;
    byVendor.set(v, [...(byVendor.get(v) ?? []), b]);
  }
  const out: string[] = [];
  for (const list of byVendor.values()) {
    const k = Math.min(list.length, Math.max(1, Math.round((list.length * n) / boards.length)));
    const step = list.length / k;
    for (let i = 0; i < k; i++) out.push(list[Math.floor(i * step)]!);
  }
  return out;
}

/** Run dt-validate on each board not yet in the cache folder, `jobs` at a time; each output written whole or not at all. */
async function runDtValidate(processed: string, dtbDir: string, boards: readonly string[], cacheDir: string, jobs: number): Promise<void> {
  const todo = boards.filter((b) => !existsSync(join(cacheDir, `${b}.txt`)));
  if (todo.length > 0) console.log(`dt-validate: ${todo.length} board(s) to run (about 10 s each), ${jobs} at a time`);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const board = todo[next++]!;
      const out = join(cacheDir, `${board}.txt`);
      mkdirSync(dirname(out), { recursive: true });
      const text = await new Promise<string>((done) => {
        const child = spawn('dt-validate', ['-p', processed, join(dtbDir, board)], { stdio: ['ignore', 'pipe', 'pipe'] });
        let t = '';
        child.stdout.on('data', (c: Buffer) => (t += c.toString()));
        child.stderr.on('data', (c: Buffer) => (t += c.toString()));
        child.on('close', () => done(t));
      });
      writeFileSync(`${out}.tmp`, text);
      renameSync(`${out}.tmp`, out);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
}

interface Tally {
  boards: number;
  agree: number;
  theirs: number;
  ours: number;
  onlyTheirs: number;
  onlyOurs: number;
}

async function kernelMain(dir: string, argv: string[]): Promise<number> {
  let count = 125;
  let sampleFile: string | undefined;
  let jobs = 2;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--boards') count = Number(argv[++i]);
    else if (a === '--sample') sampleFile = argv[++i];
    else if (a === '--jobs') jobs = Number(argv[++i]);
    else if (a === '--verbose' || a === '-v') verbose = true;
  }
  const ref = join(dir, 'ref');
  const processed = join(ref, 'processed.json');
  const dtbDir = join(ref, 'dtb');
  const src = kernelSource(dir);
  const bindings = src ? join(src, 'Documentation', 'devicetree', 'bindings') : '';
  if (!existsSync(processed) || !existsSync(dtbDir) || !existsSync(bindings)) {
    console.log(`compare-dt-validate: no kernel corpus at ${dir} (make one with scripts/fetch-kernel-corpus.sh ${dir} --reference); skipping`);
    return 0;
  }
  if (!have('dt-validate')) {
    console.log('compare-dt-validate: dt-validate not installed (Debian package dt-schema); skipping');
    return 0;
  }
  const all = filesBelow(dtbDir, '.dtb');
  const boards = sampleFile
    ? readFileSync(sampleFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)
    : spreadSample(all, count);
  const cacheDir = join(ref, 'dt-validate');
  await runDtValidate(processed, dtbDir, boards, cacheDir, jobs);
  const ol = spawnSync(process.execPath, [cli, '--no-config', '--all', '--schema', bindings, '-f', 'json', ...boards.map((b) => join(dtbDir, b))], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  let report: { files: Array<{ file: string; diagnostics: OurDiagnostic[] }> };
  try {
    report = JSON.parse(ol.stdout);
  } catch {
    console.log(`our report is not JSON: ${ol.stderr.trim().split('\n').slice(0, 5).join('\n')}`);
    return 1;
  }
  const perVendor = new Map<string, Tally>();
  const total: Tally = { boards: 0, agree: 0, theirs: 0, ours: 0, onlyTheirs: 0, onlyOurs: 0 };
  for (const board of boards) {
    const file = report.files.find((f) => f.file === join(dtbDir, board));
    if (!file) {
      console.log(`MISSING ${board}: not in our report`);
      continue;
    }
    const theirs = parseDtValidate(readFileSync(join(cacheDir, `${board}.txt`), 'utf8'));
    const { findings: ours } = findingsOf([file]);
    const onlyTheirs = onlyIn(theirs, ours);
    const onlyOurs = onlyIn(ours, theirs);
    const same = onlyTheirs.length === 0 && onlyOurs.length === 0;
    const vendor = board.split('/')[0]!;
    const t = perVendor.get(vendor) ?? { boards: 0, agree: 0, theirs: 0, ours: 0, onlyTheirs: 0, onlyOurs: 0 };
    for (const x of [t, total]) {
      x.boards++;
      if (same) x.agree++;
      x.theirs += theirs.length;
      x.ours += ours.length;
      x.onlyTheirs += onlyTheirs.length;
      x.onlyOurs += onlyOurs.length;
    }
    perVendor.set(vendor, t);
    console.log(`${same ? 'same' : 'DIFF'}  ${board}: dt-validate ${theirs.length}, ours ${ours.length}`);
    for (const k of onlyTheirs) console.log(`        only dt-validate: ${k}`);
    for (const k of onlyOurs) console.log(`        only ours:        ${k}`);
    if (verbose && !same) {
      for (const f of theirs) console.log(`        dt-validate: ${f.node}: ${f.text}`);
      for (const f of ours) console.log(`        ours:        ${f.node}: ${f.text}`);
    }
  }
  const row = (name: string, t: Tally) =>
    `| ${name} | ${t.boards} | ${t.agree} | ${t.theirs} | ${t.ours} | ${t.theirs - t.onlyTheirs} | ${t.onlyTheirs} | ${t.onlyOurs} |`;
  console.log('\n| vendor | boards | boards agreeing | dt-validate findings | ours | found by both | only dt-validate | only ours |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [v, t] of [...perVendor].sort()) console.log(row(v, t));
  console.log(row('**all**', total));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const kernelAt = argv.indexOf('--kernel');
  if (kernelAt >= 0) return kernelMain(resolve(argv[kernelAt + 1] ?? '../kernel-6.1'), argv.filter((_, i) => i !== kernelAt && i !== kernelAt + 1));
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
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
