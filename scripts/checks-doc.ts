/**
 * docs/checks.md, generated: every vmgenid check from the CHECKS table (name,
 * severity, summary, rationale), with the failing fixture's relevant lines,
 * what the check prints on it (by running it), and the passing twin's lines.
 * The fixtures are test/fixtures/checks/fail-<name>.dts and pass-<name>.dts;
 * each starts with a `// <check-name>: …` (or `// <check-name>, passing: …`)
 * comment, which says which check it is for and is its caption.
 *
 *   node dist/scripts/checks-doc.js            the page, on standard output
 *   node dist/scripts/checks-doc.js --write    write docs/checks.md (atomically)
 *   node dist/scripts/checks-doc.js --check    exit 1 when docs/checks.md is not what this renders
 *
 * test/checks-doc.test.ts fails when docs/checks.md drifts from this output.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS, runChecks, type Check } from '../src/checks/index.js';
import { compileDtsText } from '../src/compiler.js';
import { formatDiagnosticText } from '../src/report/text.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import { nodeFileHost } from '../src/source/host.js';

/** The project root (this file runs as dist/scripts/checks-doc.js). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the page lives, relative to the project root. */
export const CHECKS_DOC = 'docs/checks.md';
/** The command that regenerates the page, for the page itself and for the drift test's message. */
export const REGENERATE = 'npm run build && node dist/scripts/checks-doc.js --write';

const FIXTURE_DIR = 'test/fixtures/checks';

// ---------------------------------------------------------------------------
// Fixtures

interface Fixture {
  /** Path relative to the project root, as findings name it. */
  path: string;
  /** The check the fixture is for, from its header comment. */
  check: string;
  /** The header comment's text after the check name. */
  caption: string;
  /** The lines after the header comment. */
  lines: string[];
  /** Index in the file of `lines[0]`. */
  firstLine: number;
  text: string;
}

function readFixture(file: string): Fixture {
  const path = `${FIXTURE_DIR}/${file}`;
  const text = readFileSync(join(PROJECT_ROOT, path), 'latin1');
  const all = text.replace(/\n$/, '').split('\n');
  let n = 0;
  const comment: string[] = [];
  while (n < all.length && all[n]!.startsWith('//')) comment.push(all[n++]!.replace(/^\/\/ ?/, ''));
  const header = /^([a-z0-9-]+)(?:, passing)?: ([\s\S]*)$/.exec(comment.join(' '));
  if (!header) throw new Error(`${path}: the first line should be "// <check-name>: <what is wrong>" (or ", passing:")`);
  return { path, check: header[1]!, caption: header[2]!.trim(), lines: all.slice(n), firstLine: n, text };
}

/** The failing and passing fixture of every check that has them, by check name. */
function fixturesByCheck(): Map<string, { fail: Fixture; pass: Fixture | null }> {
  const files = readdirSync(join(PROJECT_ROOT, FIXTURE_DIR)).sort();
  const out = new Map<string, { fail: Fixture; pass: Fixture | null }>();
  for (const file of files.filter((f) => /^fail-.*\.dts$/.test(f))) {
    const fail = readFixture(file);
    const twin = file.replace(/^fail-/, 'pass-');
    const pass = files.includes(twin) ? readFixture(twin) : null;
    if (pass && pass.check !== fail.check) throw new Error(`${pass.path} is for ${pass.check}, but ${fail.path} is for ${fail.check}`);
    if (out.has(fail.check)) throw new Error(`two failing fixtures for ${fail.check}`);
    out.set(fail.check, { fail, pass });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The relevant lines of a fixture

/**
 * The lines of `a` that differ from `b` (a line diff): those not in their
 * longest common subsequence, and where `b` inserts lines, the line of `a`
 * just before the insertion point.
 */
function changedLines(a: string[], b: string[]): Set<number> {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const changed = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      // `b` inserts a line here: the line before the insertion point is where to look in `a`.
      changed.add(Math.max(0, i - 1));
      j++;
    } else {
      changed.add(i);
      i++;
    }
  }
  return changed;
}

interface Block {
  /** The line that opens the block (`name {`), and the one that closes it (`};`). */
  open: number;
  close: number;
  parent: Block | null;
  /** The node's path, when the opening line says it (`/ {`, `&{/path} {`, `label: name {` under one). */
  path: string | null;
}

/** The path of a node opened by `line` under `parent`. */
function blockPath(line: string, parent: Block | null): string | null {
  const head = line.replace(/\{.*$/, '').trim();
  if (head === '/') return '/';
  const ref = /^&\{(\/[^}]*)\}$/.exec(head);
  if (ref) return ref[1]!;
  const name = head.replace(/^[A-Za-z_][A-Za-z0-9_]*:\s*/, '');
  if (!parent?.path || name.startsWith('&') || name === '') return null;
  return parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
}

/** The node blocks of DTS text, one line per brace (as the fixtures are written), and each line's innermost block. */
function blocksOf(lines: string[]): { blockOf: (Block | null)[] } {
  const blockOf: (Block | null)[] = [];
  let current: Block | null = null;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$|\/\*.*?\*\//g, '');
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    if (opens > closes) {
      current = { open: i, close: lines.length - 1, parent: current, path: blockPath(line, current) };
      blockOf.push(current);
    } else if (closes > opens && current) {
      blockOf.push(current);
      current.close = i;
      current = current.parent;
    } else {
      blockOf.push(current);
    }
  });
  return { blockOf };
}

const VMGENID_COMPATIBLE = /compatible\s*=\s*"(microsoft,vmgenid|virtual,vmgenctr|linux,vmgenctr)"/;

/**
 * The lines of `fixture` worth showing next to its twin: the vmgenid nodes
 * whole, and the #address-cells / #size-cells their reg is read with; every
 * line that differs from the twin, with the node around it whole (or only
 * the line, directly under the root); the nodes the check's message names
 * (`mentioned` paths); the nodes a shown line refers to by `&label`; and the
 * opening and closing lines of every node around what is shown. Lines left
 * out become `...`.
 */
function excerpt(fixture: Fixture, twin: Fixture | null, mentioned: ReadonlySet<string>): string {
  const lines = fixture.lines;
  const { blockOf } = blocksOf(lines);
  const shown = new Set<number>();
  const showBlock = (b: Block) => {
    for (let i = b.open; i <= b.close; i++) shown.add(i);
  };
  const isRoot = (b: Block | null) => b === null || b.parent === null;
  const labels = new Map<string, Block>();
  lines.forEach((l, i) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*):\s/.exec(l);
    const b = blockOf[i];
    if (m && b && b.open === i) labels.set(m[1]!, b);
  });

  lines.forEach((l, i) => {
    const b = blockOf[i];
    if (!b) return;
    if (VMGENID_COMPATIBLE.test(l)) showBlock(b);
    if (b.open !== i && b.path !== null && mentioned.has(b.path) && !isRoot(b)) showBlock(b);
  });
  // The cells the vmgenid nodes' reg is read with.
  lines.forEach((l, i) => {
    const b = blockOf[i];
    if (!b || b.open === i || !/^\s*#(address|size)-cells\s*=/.test(l)) return;
    // A vmgenid node directly under this one.
    const child = lines.some((m, k) => VMGENID_COMPATIBLE.test(m) && blockOf[k]?.parent === b);
    if (child) shown.add(i);
  });
  const changed = twin ? changedLines(lines, twin.lines) : new Set<number>();
  for (const i of changed) {
    if (lines[i]!.trim() === '') continue;
    const b = blockOf[i] ?? null;
    if (isRoot(b)) shown.add(i);
    else showBlock(b!);
  }
  // Nodes the shown lines refer to by label, and the nodes those refer to.
  for (let grew = true; grew; ) {
    grew = false;
    for (const i of [...shown]) {
      for (const m of lines[i]!.matchAll(/&([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const b = labels.get(m[1]!);
        if (b && !shown.has(b.open) && !isRoot(b)) {
          showBlock(b);
          grew = true;
        }
      }
    }
  }
  // The nodes around what is shown: their opening and closing lines.
  for (const i of [...shown]) {
    for (let b = blockOf[i] ?? null; b; b = b.parent) {
      shown.add(b.open);
      shown.add(b.close);
    }
  }
  // Left-out lines become `...` at their indentation (left-out blank lines stay one blank line).
  const out: string[] = [];
  let previous = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!shown.has(i)) continue;
    if (previous >= 0 && i > previous + 1) {
      const skipped = lines.slice(previous + 1, i);
      if (skipped.every((l) => l.trim() === '')) out.push('');
      else out.push(`${skipped.find((l) => l.trim() !== '')!.match(/^\s*/)![0]}...`);
    }
    out.push(lines[i]!);
    previous = i;
  }
  return out.join('\n').replace(/^\n+|\n+$/g, '');
}

// ---------------------------------------------------------------------------
// What the check prints

function findings(fixture: Fixture, check: Check): Diagnostic[] {
  const compiled = compileDtsText(fixture.path, fixture.text, { host: nodeFileHost });
  if (!compiled.tree) throw new Error(`${fixture.path} does not compile`);
  return runChecks(compiled.tree).filter((d) => d.check === check.name);
}

function printed(fixture: Fixture, found: Diagnostic[]): string {
  const all = fixture.text.split('\n');
  return found
    .map((d) => formatDiagnosticText(d, { color: false, sourceLine: (file, line) => (file === fixture.path ? (all[line - 1] ?? null) : null) }))
    .join('\n');
}

// ---------------------------------------------------------------------------
// The page

/** A GitHub-style heading anchor for a check name (already lowercase kebab-case). */
function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '');
}

function fence(info: string, text: string): string {
  // A fence longer than any backtick run inside.
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

const SEVERITY_TEXT: Record<string, string> = {
  error: 'error — the device cannot work as described; fails the run',
  warning: 'warning — it works, but a reviewer would object; fails the run only past `--max-warnings`',
  note: 'note — never fails a run',
};

/** The node paths a finding's message names (`/bus`, `/memory@80000000`, …). */
function mentionedPaths(found: Diagnostic[]): Set<string> {
  const out = new Set<string>();
  for (const d of found) for (const m of d.message.matchAll(/(?<![\w/])\/[A-Za-z0-9,._+@-]+(?:\/[A-Za-z0-9,._+@-]+)*/g)) out.add(m[0]);
  return out;
}

function section(check: Check, fixtures: { fail: Fixture; pass: Fixture | null } | undefined): string {
  const out: string[] = [];
  out.push(`## ${check.name}`, '');
  out.push(`**Default severity:** ${SEVERITY_TEXT[check.severity] ?? check.severity}.`, '');
  out.push(`**In short:** ${check.description}.`, '');
  out.push(check.docs, '');
  if (!fixtures) throw new Error(`no failing fixture (test/fixtures/checks/fail-*.dts with "// ${check.name}: …") for ${check.name}`);
  const { fail, pass } = fixtures;
  if (!pass) throw new Error(`${fail.path} has no passing twin ${fail.path.replace('/fail-', '/pass-')}`);
  const found = findings(fail, check);
  if (found.length === 0) throw new Error(`${check.name} finds nothing in ${fail.path}`);
  out.push(`### Failing: ${fail.caption}`, '');
  out.push(`From [\`${fail.path}\`](../${fail.path}):`, '');
  const mentioned = mentionedPaths(found);
  out.push(fence('dts', excerpt(fail, pass, mentioned)), '');
  out.push(`\`vmgenid-lint\` reports:`, '');
  out.push(fence('text', printed(fail, found)), '');
  out.push(`### Passing: ${pass.caption}`, '');
  out.push(`From [\`${pass.path}\`](../${pass.path}):`, '');
  out.push(fence('dts', excerpt(pass, fail, mentioned)), '');
  return out.join('\n');
}

/** The whole of docs/checks.md as the table and the fixtures say it should be. */
export function renderChecksDoc(): string {
  const fixtures = fixturesByCheck();
  const known = new Set(CHECKS.map((c) => c.name));
  for (const name of fixtures.keys()) if (!known.has(name)) throw new Error(`a fixture is for ${name}, which is not in CHECKS`);
  const out: string[] = [];
  out.push('# The vmgenid checks', '');
  out.push(
    `<!-- Generated by scripts/checks-doc.ts from the CHECKS table (src/checks/) and the fixtures in ${FIXTURE_DIR}/. ` +
      `Do not edit: change those and run \`${REGENERATE}\`. -->`,
    '',
  );
  out.push(
    'Besides validating a devicetree against the binding\'s schema, `vmgenid-lint` makes the judgements a reviewer, the ' +
      'Linux driver and the VMGenID specification make about a VM generation ID node, each as a named check. Every ' +
      'finding names its check in brackets; `vmgenid-lint list-checks` prints this table, and ' +
      '`--rule NAME=off|note|warning|error` (repeatable) turns a check off or changes its severity.',
    '',
  );
  out.push(
    'The checks judge each enabled vmgenid node (compatible `microsoft,vmgenid`, `virtual,vmgenctr` or `linux,vmgenctr`), ' +
      'in the order below. Each has a failing fixture and its passing twin, the same board with the one problem fixed; ' +
      'the excerpts below are their relevant lines (`...` marks lines left out), and the report is what the check prints ' +
      'on the failing one.',
    '',
  );
  out.push('| Check | Severity | In short |', '| --- | --- | --- |');
  for (const c of CHECKS) out.push(`| [\`${c.name}\`](#${anchor(c.name)}) | ${c.severity} | ${c.description.replace(/\|/g, '\\|')} |`);
  out.push('');
  for (const c of CHECKS) out.push(section(c, fixtures.get(c.name)));
  out.push('## Other findings', '');
  out.push(
    'Findings that are not from the checks above are named by family, and can be looked up the same way:',
    '',
    '- `schema_*`: the node does not match a binding or a core schema, named after the JSON Schema keyword that failed ' +
      '(`schema_required`, `schema_additional`, `schema_items`, `schema_enum`, `schema_const`, `schema_type`, …), as ' +
      'dt-validate would report it; `schema_load` and `schema_compile` say that a schema could not be read or compiled; in a lint run, `binding_skipped` (a warning) names a `--schema` binding left out as dt-mk-schema leaves it out (a YAML error, a top-level meta-schema rule, a schema Ajv cannot compile), and `schema_ref` (a warning) a `$ref` to a schema not loaded, which acts as the false schema as in dt-validate.',
    '- `binding_*`: `vmgenid-lint check-binding` on a binding YAML — a review of the binding itself (for example ' +
      '`binding_interrupt_provider`, `binding_example_bare_numbers`, `binding_vendor_prefix`, `binding_title`).',
    '- The compiler\'s errors and warnings use dtc\'s check names (for example `unit_address_vs_reg`, `reg_format`).',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// Command line

function main(args: string[]): number {
  const text = renderChecksDoc();
  const target = resolve(PROJECT_ROOT, CHECKS_DOC);
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: differs
    }
    if (current === text) return 0;
    process.stderr.write(`${CHECKS_DOC} is out of date; regenerate it with: ${REGENERATE}\n`);
    return 1;
  }
  if (args.includes('--write')) {
    // Atomically: a reader never sees half a page.
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, text, 'utf8');
    renameSync(temp, target);
    return 0;
  }
  process.stdout.write(text);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
