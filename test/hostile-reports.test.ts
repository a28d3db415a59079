/**
 * Reports on hostile input (issue 18): bounded in size whatever the input
 * names and however many findings it makes, with the verdict of every
 * finding; and no control character from the input reaching the output raw,
 * in any format. Big inputs are generated here, never committed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { capFindings, MAX_FINDINGS_PER_FILE, MAX_FINDINGS_PER_RUN } from '../src/report/cap.js';
import { formatGithub } from '../src/report/github.js';
import { formatJson } from '../src/report/json.js';
import { escapeControls, MAX_SHOWN_MESSAGE_CHARS } from '../src/report/safe-text.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText, type FileReport } from '../src/report/text.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import { clipMiddle, MAX_QUOTED_CHARS, MAX_SHOWN_NAME_CHARS, quote } from '../src/source/quote.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmgenid-hostile-reports-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

/** What one finding may cost in a report, at most, in any format (names and messages bounded, escapes included). */
const MAX_BYTES_PER_FINDING = 8 * 1024;

/** `count` nodes each with one warning (named like a vmgenid device, no compatible): warnings only, no error. */
function warningNodes(count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += `vmgenid${i} { };\n`;
  return s;
}

/** A source whose every finding is in a file a line marker names with `nameLength` characters. */
function longNamedSource(nameLength: number, body: string): string {
  return `/dts-v1/;\n# 1 "${'n'.repeat(nameLength)}"\n/ {\n${body}};\n`;
}

// Findings enough to pass the per-file cap, every one in a 100 KB file name: 157 KB gave a 200 MB report.
const MANY = MAX_FINDINGS_PER_FILE + 300;
const longName = write('long-name.dts', longNamedSource(100_000, warningNodes(MANY)));

test('hostile reports: the constants are those RELIABILITY.md gives', () => {
  assert.equal(MAX_FINDINGS_PER_FILE, 1000);
  assert.equal(MAX_FINDINGS_PER_RUN, 10_000);
  assert.equal(MAX_QUOTED_CHARS, 120);
  assert.equal(MAX_SHOWN_NAME_CHARS, 256);
  assert.equal(MAX_SHOWN_MESSAGE_CHARS, 1000);
});

for (const format of FORMATS) {
  test(`hostile reports: a 100 KB line-marker file name in ${MANY} findings gives a bounded ${format} report, and the verdict of every finding`, async () => {
    const r = await runCli(['--no-config', '--format', format, longName]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length < MAX_FINDINGS_PER_FILE * MAX_BYTES_PER_FINDING, `${r.stdout.length} bytes`);
    // Each finding names the file, cut in the middle: never the whole 100 KB name.
    const out = r.stdout.toString('utf8');
    assert.ok(!/n{300}/.test(out), 'the whole name is printed');
    // The 1300 warnings and the note that the file has no vmgenid node: 301 left out.
    assert.ok(/301 findings more in this file not shown|"omitted": 301/.test(out), out.slice(-1000));

    // --max-warnings counts the findings the report leaves out: 1300 warnings are more than 1100.
    const strict = await runCli(['--no-config', '--format', format, '--max-warnings', String(MANY - 200), longName]);
    assert.equal(strict.code, 1, 'the cap on printing changed the verdict');
    assert.match(strict.stderr, new RegExp(`${MANY} warnings, more than --max-warnings ${MANY - 200}`));
    const enough = await runCli(['--no-config', '--format', format, '--max-warnings', String(MANY), longName]);
    assert.equal(enough.code, 0);
    // -q prints no warning, and still fails on them.
    const quiet = await runCli(['--no-config', '-q', '--format', format, '--max-warnings', '0', longName]);
    assert.equal(quiet.code, 1);
    // Only the closing notes (and SARIF's list of rules): no finding.
    assert.ok(quiet.stdout.length < 100_000, `${quiet.stdout.length} bytes under -q`);
  });
}

test('hostile reports: the JSON summary counts every finding and says how many were left out', async () => {
  const r = await runCli(['--no-config', '--format', 'json', longName]);
  const report = JSON.parse(r.stdout.toString('utf8')) as { files: { diagnostics: unknown[]; omitted?: number }[]; summary: Record<string, number> };
  assert.equal(report.summary.warnings, MANY);
  assert.equal(report.summary.omitted, MANY + 1 - MAX_FINDINGS_PER_FILE);
  assert.equal(report.files[0]!.diagnostics.length, MAX_FINDINGS_PER_FILE);
  assert.equal(report.files[0]!.omitted, report.summary.omitted);
});

test('hostile reports: a 1 MB input that ended in "Invalid string length" (exit 70) gives a bounded report', async () => {
  // Every vmgenid node makes several findings, each naming a 100 KB file and its node.
  let body = '';
  for (let i = 0; body.length < 900_000; i++) body += `v${i} { compatible = "microsoft,vmgenid"; };\n`;
  const file = write('one-mega.dts', longNamedSource(100_000, body));
  const r = await runCli(['--no-config', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|Invalid string length/);
  const text = r.stdout.toString('utf8');
  assert.ok(r.stdout.length < MAX_FINDINGS_PER_FILE * MAX_BYTES_PER_FINDING, `${r.stdout.length} bytes`);
  assert.ok(/\d+ findings not shown in all \(a report shows at most 1000 per file and 10000 per run\)/.test(text), text.slice(-1000));
  // The summary counts them all: tens of thousands of errors, of which a thousand are shown.
  const errors = Number(/(\d+) errors, /.exec(text)?.[1]);
  assert.ok(errors > MAX_FINDINGS_PER_FILE * 10, text.slice(-300));
});

test('hostile reports: the run cap: at most MAX_FINDINGS_PER_RUN printed over many files, each file cut at MAX_FINDINGS_PER_FILE', () => {
  const finding = (i: number): Diagnostic => ({ severity: i % 7 === 0 ? 'error' : 'note', check: 'c', message: `m${i}`, file: 'f' });
  const reports: FileReport[] = Array.from({ length: 4 }, (_, f) => ({ file: `f${f}.dts`, fatal: false, diagnostics: Array.from({ length: 50 }, (_, i) => finding(i)) }));
  const capped = capFindings(reports, { perFile: 30, perRun: 70 });
  assert.deepEqual(
    capped.reports.map((r) => [r.diagnostics.length, r.omitted]),
    [
      [30, 20],
      [30, 20],
      [10, 40],
      [0, 50],
    ],
  );
  assert.equal(capped.omitted, 130);
  // Errors first (all 8), then the first notes: a file cut short still shows why the run fails, in file order.
  const third = capped.reports[2]!.diagnostics;
  assert.deepEqual(
    third.map((d) => d.message),
    ['m0', 'm1', 'm2', 'm7', 'm14', 'm21', 'm28', 'm35', 'm42', 'm49'],
  );
  const json = JSON.parse(formatJson(reports, { perFile: 30, perRun: 70 })) as { summary: Record<string, number> };
  assert.equal(json.summary.omitted, 130);
  assert.equal(json.summary.errors + json.summary.notes, 200);
  const text = formatText(reports, { color: false, sourceLine: () => null, cap: { perFile: 30, perRun: 70 } });
  assert.match(text, /f0\.dts: note: 20 findings more in this file not shown/);
  assert.match(text, /vmgenid-lint: note: 130 findings not shown in all/);
  assert.match(formatGithub(reports, { perFile: 30, perRun: 70 }), /^::notice title=vmgenid-lint::130 findings not shown in all/m);
  const sarif = JSON.parse(formatSarif(reports, [], '0.1.0', { cap: { perFile: 30, perRun: 70 } })) as { runs: { results: unknown[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
  assert.equal(sarif.runs[0]!.results.length, 70);
  assert.ok(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.some((n) => /130 findings not shown in all/.test(n.message.text)));
});

test('hostile reports: a 100 KB string literal is quoted short, with its length', async () => {
  const value = 's'.repeat(100_000);
  const file = write('long-string.dts', `/dts-v1/;\n/ {\n\trng@0 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\tstatus = "${value}";\n\t};\n};\n`);
  const r = await runCli(['--no-config', '--format', 'json', file]);
  const report = JSON.parse(r.stdout.toString('utf8')) as { files: { diagnostics: { message: string }[] }[] };
  const quoting = report.files[0]!.diagnostics.filter((d) => d.message.includes('sssss'));
  assert.ok(quoting.length > 0, JSON.stringify(report).slice(0, 2000));
  for (const d of quoting) {
    assert.match(d.message, /…["'] \(100000 characters\)/);
    assert.ok(d.message.length < 400, d.message);
  }
  assert.ok(r.stdout.length < 20_000);
});

test('hostile reports: quote and clipMiddle keep short text whole and cut long text to the bound', () => {
  assert.equal(quote('okay'), "'okay'");
  assert.equal(quote('okay', '"'), '"okay"');
  const q = quote('x'.repeat(1000));
  assert.equal(q, `'${'x'.repeat(MAX_QUOTED_CHARS - 1)}…' (1000 characters)`);
  const path = `/a${'b'.repeat(1000)}/leaf@0`;
  const cut = clipMiddle(path);
  assert.equal(cut.length, MAX_SHOWN_NAME_CHARS);
  assert.ok(cut.startsWith('/abbb') && cut.endsWith('b/leaf@0') && cut.includes('…'));
  // A surrogate pair is never split.
  const emoji = clipMiddle('😀'.repeat(300));
  assert.doesNotMatch(emoji, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
});

// --- Control characters -------------------------------------------------------------------

/** What an attacker puts in a name or a value: a terminal escape, CR, a forged workflow command, DEL, a C1 CSI, a bidi override, a line separator. */
const HOSTILE = '\x1b[2J\r\n::error file=forged.dts::forged\x7f\x9b31m\u202e\u2028';

/** No raw control character: nothing below 0x20 but a newline (and a tab in text), no DEL, no C1, no separators or bidi controls. */
function assertNoRawControls(output: string, format: string, allowTab: boolean): void {
  for (let i = 0; i < output.length; i++) {
    const c = output.charCodeAt(i);
    const ok = c === 0x0a || (allowTab && c === 0x09) || (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f) && c !== 0x2028 && c !== 0x2029 && c !== 0x202e);
    assert.ok(ok, `${format}: raw U+${c.toString(16).padStart(4, '0')} at ${i}: ${JSON.stringify(output.slice(Math.max(0, i - 40), i + 40))}`);
  }
}

/** No line that the Actions runner would take for a command of its own, other than the tool's. */
function assertNoForgedCommand(output: string, format: string): void {
  for (const line of output.split('\n')) {
    if (format === 'github') {
      if (line === '') continue;
      assert.match(line, /^::(error|warning|notice) [^:]*title=vmgenid-lint[^:]*::/, `forged line: ${JSON.stringify(line)}`);
    } else {
      assert.doesNotMatch(line, /^\s*::/, `${format}: a line starts with '::': ${JSON.stringify(line)}`);
    }
  }
}

function assertSafe(output: Buffer, format: string): void {
  const text = output.toString('utf8');
  assertNoRawControls(text, format, format === 'text');
  assertNoForgedCommand(text, format);
  // JSON formats: the parsed strings hold no raw control either (a `jq -r` reader prints them).
  if (format === 'json' || format === 'sarif') {
    const strings: string[] = [];
    JSON.parse(text, (_k, v: unknown) => {
      if (typeof v === 'string') strings.push(v);
      return v;
    });
    for (const s of strings) assertNoRawControls(s, `${format} (parsed)`, false);
  }
}

test('hostile reports: every field of a finding with control characters, in every format', () => {
  const d: Diagnostic = {
    severity: 'error',
    check: `schema_x${HOSTILE}`,
    message: `bad value '${HOSTILE}'`,
    span: { file: `dir/${HOSTILE}.dts`, line: 1, col: 3, endLine: 1, endCol: 8, macro: `M${HOSTILE}` },
    nodePath: `/node${HOSTILE}`,
    property: `prop${HOSTILE}`,
    bindingId: `http://x/${HOSTILE}.yaml#`,
    detail: `instance /${HOSTILE}`,
    also: [`also${HOSTILE}`],
  };
  const blob: Diagnostic = { severity: 'warning', check: 'c', message: HOSTILE, file: `fw/${HOSTILE}.dtb`, nodePath: `/n${HOSTILE}` };
  const none: Diagnostic = { severity: 'note', check: 'no_vmgenid_node', message: 'no vmgenid node', file: `${HOSTILE}.dts` };
  const reports: FileReport[] = [
    { file: `dir/${HOSTILE}.dts`, fatal: false, diagnostics: [d] },
    { file: `fw/${HOSTILE}.dtb`, fatal: false, diagnostics: [blob] },
    { file: `${HOSTILE}.dts`, fatal: false, diagnostics: [none] },
  ];
  // The excerpt under a finding is the input's line: shown with its controls escaped and its caret in place.
  const sourceLine = () => `\tab${HOSTILE}cd`;
  const text = formatText(reports, { color: false, sourceLine, verbose: true });
  assertSafe(Buffer.from(text), 'text');
  assertSafe(Buffer.from(formatJson(reports)), 'json');
  assertSafe(Buffer.from(formatSarif(reports, [], '0.1.0', { root: '/repo' })), 'sarif');
  assertSafe(Buffer.from(formatGithub(reports)), 'github');
  assert.match(text, /\\x1b\[2J\\r\\n::error file=forged\.dts::forged\\x7f\\x9b31m\\u202e\\u2028/);
  // The caret still stands under column 3 (the tab kept), and spans 'b' and ESC[2J as shown: b\x1b[2J.
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  \tab'));
  assert.equal(lines[at + 1], '  \t ^~~~~~~~');
});

test('hostile reports: escapeControls writes each unsafe character as an escape and leaves the rest', () => {
  assert.equal(escapeControls('a\x00b\tc\nd\re\x1bf\x7fg\x85h\u202ei\u2029j'), 'a\\0b\\tc\\nd\\re\\x1bf\\x7fg\\x85h\\u202ei\\u2029j');
  assert.equal(escapeControls('tab\tkept', '\t'), 'tab\tkept');
  assert.equal(escapeControls('plain, ünïcode, 😀'), 'plain, ünïcode, 😀');
});

test('hostile reports: control characters in a property value reach no format raw (the CLI on a real input)', async () => {
  // The DTS string escapes put ESC, CR, LF, DEL and a C1 byte into the value.
  const file = write('status.dts', '/dts-v1/;\n/ {\n\trng@0 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\tstatus = "x\\x1b[2J\\r\\n::error file=forged.dts::forged\\x7f\\x9b";\n\t};\n};\n');
  for (const format of FORMATS) {
    const r = await runCli(['--no-config', '--format', format, file]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.toString('utf8').includes('forged'), 'the value is shown, escaped');
    assertSafe(r.stdout, format);
  }
});

test('hostile reports: control characters in a line marker file name reach no format raw', async () => {
  const file = write('marker.dts', '/dts-v1/;\n# 1 "ev\\x1b[2Jil\\r\\n::error file=a::forged\\x7f.dts"\n/ {\n\tvmgenid0 { };\n};\n');
  for (const format of FORMATS) {
    const r = await runCli(['--no-config', '--format', format, file]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.toString('utf8').includes('forged'));
    assertSafe(r.stdout, format);
  }
});

test('hostile reports: control characters in a file name from a folder reach no format raw', async () => {
  const folder = join(dir, 'tree');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'a\x1b[31m\r\n::error file=x::forged.dts'), '/dts-v1/;\n/ {\n\tvmgenid0 { };\n};\n');
  for (const format of FORMATS) {
    const r = await runCli(['--no-config', '--format', format, folder]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.toString('utf8').includes('forged'));
    assertSafe(r.stdout, format);
  }
});

test('hostile reports: control characters in a DTB node name reach no format raw', async () => {
  // Compiled from a source with a placeholder name of the same length, then the name's bytes replaced.
  const placeholder = 'vmgenidPLACEHOLDERPLACEHOLDERPLACEHOLDER';
  const hostile = 'vmgenid\x1b[2J\r\n::error file=x::forged\x7f\x9b';
  const name = hostile + 'z'.repeat(placeholder.length - hostile.length);
  assert.equal(name.length, placeholder.length);
  const source = write('node-name.dts', `/dts-v1/;\n/ {\n\t${placeholder} { };\n};\n`);
  const blobFile = join(dir, 'node-name.dtb');
  const compiled = await runCli(['compile', source, '-o', blobFile]);
  assert.equal(compiled.code, 0, compiled.stderr);
  const bytes = readFileSync(blobFile);
  const at = bytes.indexOf(Buffer.from(placeholder, 'latin1'));
  assert.ok(at > 0);
  Buffer.from(name, 'latin1').copy(bytes, at);
  const patched = write('node-name-patched.dtb', bytes);
  for (const format of FORMATS) {
    const r = await runCli(['--no-config', '--format', format, patched]);
    assert.ok(r.stdout.toString('utf8').includes('forged'), r.stderr);
    assertSafe(r.stdout, format);
  }
});
