/**
 * Every finding by its name: `--rule` re-grades or silences the vmgenid
 * checks, schema findings, dtc's checks and `no_vmgenid_node`; inline
 * suppressions in DTS comments hide one line's findings, and a suppression
 * that is unknown or unused is reported; code-scanning formats say "no
 * vmgenid node" once per run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './helpers.js';

async function lint(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args, { stdin });
  return { code: r.code, out: r.stdout.toString('latin1'), err: r.stderr };
}

const HEAD =
  '/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tinterrupt-parent = <&gic>;\n' +
  '\tgic: interrupt-controller@8000000 {\n\t\tcompatible = "arm,gic-v3";\n\t\t#interrupt-cells = <3>;\n\t\tinterrupt-controller;\n\t\treg = <0x0 0x08000000 0x0 0x10000>;\n\t};\n';

test('--rule reaches every finding by its name: a schema finding, dtc\'s check, no_vmgenid_node', async () => {
  const badStatus = HEAD + '\trng@90000000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0x0 0x90000000 0x0 0x1000>;\n\t\tinterrupts = <0 35 1>;\n\t\tstatus = "bogus";\n\t};\n};\n';
  // (a node with status "bogus" is not probed: the vmgenid checks skip it with a note; the schema says the value is wrong)
  assert.match((await lint(['-'], badStatus)).out, /\[schema_enum\]/);
  const off = await lint(['--rule', 'schema_enum=off', '-'], badStatus);
  assert.doesNotMatch(off.out, /schema_enum/);
  assert.equal(off.code, 0, off.out);
  const lowered = await lint(['--rule', 'schema_enum=warning', '--max-warnings', '0', '-'], badStatus);
  assert.match(lowered.out, /warning: .*\[schema_enum\]/);
  assert.equal(lowered.code, 1);

  const none = HEAD + '};\n';
  assert.equal((await lint(['-'], none)).code, 0, 'no vmgenid node is a note');
  const required = await lint(['--rule', 'no_vmgenid_node=error', '-'], none);
  assert.equal(required.code, 1);
  assert.match(required.out, /error: no node with compatible .* \[no_vmgenid_node\]/);
  assert.doesNotMatch((await lint(['--rule', 'no_vmgenid_node=off', '-'], none)).out, /no_vmgenid_node/);

  // dtc's check below error is dtc -f: the input is no longer refused
  const dangling = HEAD + '\tnode {\n\t\tx = <&nosuch>;\n\t};\n};\n';
  assert.equal((await lint(['-'], dangling)).code, 2);
  const forced = await lint(['--rule', 'phandle_references=warning', '-'], dangling);
  assert.equal(forced.code, 0, forced.out);
  assert.match(forced.out, /warning: Reference to non-existent node or label "nosuch" \[phandle_references\]/);

  const unknown = await lint(['--rule', 'schema-enum=off', '-'], none);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown check 'schema-enum' in --rule schema-enum=off/);
});

const SUPPRESSED =
  HEAD +
  '\trng@90000004 {\n' +
  '\t\tcompatible = "microsoft,vmgenid";\n' +
  '\t\t/* vmgenid-lint-disable-next-line vmgenid-reg-alignment -- the VMM puts it here */\n' +
  '\t\treg = <0x0 0x90000004 0x0 0x10>;\n' +
  '\t\tinterrupts = <0 35 4>; // vmgenid-lint-disable-line vmgenid-gic-trigger\n' +
  '\t\t// vmgenid-lint-disable-next-line vmgenid-reg-size\n' +
  '\t\tstatus = "okay";\n' +
  '\t\t// vmgenid-lint-disable-line no-such-check\n' +
  '\t};\n};\n';

test('inline suppressions: next-line and line forms, with a reason; unknown and unused ones are reported', async () => {
  const plain = await lint(['-'], SUPPRESSED.replace(/\/[/*] vmgenid-lint-disable[^\n]*/g, ''));
  assert.match(plain.out, /\[vmgenid-reg-alignment\]/);
  assert.match(plain.out, /\[vmgenid-gic-trigger\]/);
  const r = await lint(['-'], SUPPRESSED);
  assert.doesNotMatch(r.out, /\[vmgenid-reg-alignment\]|\[vmgenid-gic-trigger\]/);
  assert.match(r.out, /<stdin>:17:3: warning: nothing on line 18 is found by vmgenid-reg-size: remove the suppression \[unused_suppression\]/);
  assert.match(r.out, /<stdin>:19:3: warning: a suppression names 'no-such-check', which no finding is called .* \[unknown_suppression\]/);
  assert.equal(r.code, 0, r.out);
  // and the reports about suppressions are findings with rules of their own
  const quiet = await lint(['--rule', 'unused_suppression=off', '--rule', 'unknown_suppression=error', '-'], SUPPRESSED);
  assert.doesNotMatch(quiet.out, /unused_suppression/);
  assert.equal(quiet.code, 1);
});

test('inline suppressions: a finding folded from two names is hidden by either', async () => {
  const source = HEAD + '\t// vmgenid-lint-disable-next-line schema_required\n\trng@90000000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0x0 0x90000000 0x0 0x1000>;\n\t};\n};\n';
  const r = await lint(['-'], source);
  assert.doesNotMatch(r.out, /interrupt-count|schema_required|unused/, r.out);
  assert.equal(r.code, 0);
});

test('code-scanning formats say "no vmgenid node" once per run; a rule that raises it keeps it per file', async () => {
  const none = HEAD + '};\n';
  const github = await lint(['-f', 'github', '-'], none);
  assert.equal(github.out, '::notice title=vmgenid-lint no_vmgenid_node::1 file has no vmgenid node (nothing to judge there): <stdin>\n');
  const sarif = JSON.parse((await lint(['-f', 'sarif', '-'], none)).out) as { runs: { results: unknown[]; invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
  assert.deepEqual(sarif.runs[0]!.results, []);
  assert.match(sarif.runs[0]!.invocations![0]!.toolExecutionNotifications[0]!.message.text, /1 file has no vmgenid node/);
  const raised = await lint(['-f', 'github', '--rule', 'no_vmgenid_node=warning', '-'], none);
  assert.match(raised.out, /^::warning file=<stdin>,title=vmgenid-lint no_vmgenid_node::/m);
});
