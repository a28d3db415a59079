/**
 * Configuration files: found by walking up from each input (the nearest
 * wins: .vmgenid-lint.yaml, .vmgenid-lint.json, or a "vmgenid-lint" key in
 * package.json), named with --config, or refused with --no-config; their
 * settings (include, define, schema, rules, all, maxWarnings, ignore) and
 * the command line's precedence over them; a file that cannot be used is
 * an error with its position, exit 2.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './helpers.js';

async function lint(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout.toString('latin1'), err: r.stderr };
}

/** A throwaway firmware repository: files by relative path. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'vmgenid-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const BOARD =
  '#include "soc.h"\n/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tinterrupt-parent = <&gic>;\n' +
  '\tgic: interrupt-controller@8000000 {\n\t\tcompatible = "arm,gic-v3";\n\t\t#interrupt-cells = <3>;\n\t\tinterrupt-controller;\n\t\treg = <0x0 0x08000000 0x0 0x10000>;\n\t};\n' +
  '#ifdef WITH_VMGENID\n\tvmgenid@90000000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0x0 0x90000000 0x0 0x1000>;\n\t\tinterrupts = <0 VMGENID_SPI 1>;\n\t};\n#endif\n};\n';

test('config: found by walking up from the input, its include, define, rules and maxWarnings applied; the command line wins', async () => {
  const root = repo({
    '.vmgenid-lint.yaml': 'include: [include]\ndefine: [WITH_VMGENID]\nrules:\n  vmgenid-node-name: warning\nmaxWarnings: 0\n',
    'include/soc.h': '#define VMGENID_SPI 35\n',
    'boards/acme/board.dts': BOARD,
  });
  try {
    const board = join(root, 'boards/acme/board.dts');
    const r = await lint([board]);
    assert.match(r.out, /warning: node name "vmgenid" is not the generic name "rng".*\[vmgenid-node-name\]/);
    assert.equal(r.code, 1, 'maxWarnings: 0 from the file');
    assert.equal(r.err, 'vmgenid-lint: 1 warning, more than --max-warnings 0\n');
    // the command line's rule and --max-warnings win
    const cli = await lint(['--rule', 'vmgenid-node-name=off', board]);
    assert.equal(cli.code, 0, cli.out + cli.err);
    assert.equal((await lint(['--max-warnings', '1', board])).code, 0);
    // --no-config: no include folder, so the header is missing
    const none = await lint(['--no-config', board]);
    assert.equal(none.code, 2);
    assert.match(none.out, /soc\.h: No such file or directory/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('config: the nearest file wins; JSON and a "vmgenid-lint" key in package.json count; --config names one for every input', async () => {
  const none = '/dts-v1/;\n/ { };\n';
  const root = repo({
    'package.json': JSON.stringify({ name: 'firmware', 'vmgenid-lint': { rules: { no_vmgenid_node: 'error' } } }),
    'a/board.dts': none,
    'b/.vmgenid-lint.json': JSON.stringify({ rules: { no_vmgenid_node: 'warning' } }),
    'b/board.dts': none,
    'c/package.json': JSON.stringify({ name: 'no-key-here' }),
    'c/board.dts': none,
    'other.yaml': 'rules: { no_vmgenid_node: off }\n',
  });
  try {
    assert.match((await lint([join(root, 'a/board.dts')])).out, /error: .*\[no_vmgenid_node\]/);
    assert.match((await lint([join(root, 'b/board.dts')])).out, /warning: .*\[no_vmgenid_node\]/);
    // a package.json without the key is passed by, to the one above
    assert.match((await lint([join(root, 'c/board.dts')])).out, /error: .*\[no_vmgenid_node\]/);
    const named = await lint(['--config', join(root, 'other.yaml'), join(root, 'a/board.dts'), join(root, 'b/board.dts')]);
    assert.doesNotMatch(named.out, /no_vmgenid_node/);
    assert.equal(named.code, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('config: ignore patterns (.gitignore syntax, relative to the file) leave files out of folder walks and inputs', async () => {
  const broken = '/dts-v1/;\n/ { x = <&nosuch>; };\n';
  const root = repo({
    '.vmgenid-lint.yaml': 'ignore:\n  - build/\n  - "*.generated.dts"\n',
    'dts/board.dts': '/dts-v1/;\n/ { };\n',
    'dts/build/out.dts': broken,
    'dts/x.generated.dts': broken,
  });
  try {
    const r = await lint([join(root, 'dts')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /in 1 file\n$/);
    assert.equal((await lint([join(root, 'dts/x.generated.dts')])).out, '0 errors, 0 warnings, 0 notes in 0 files\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('config: a file that cannot be used is an error that says where and why, exit 2', async () => {
  const root = repo({
    'bad-yaml/.vmgenid-lint.yaml': 'rules:\n  - [unclosed\n',
    'bad-yaml/board.dts': '/dts-v1/;\n/ { };\n',
    'unknown-key/.vmgenid-lint.json': JSON.stringify({ rulez: {} }),
    'unknown-key/board.dts': '/dts-v1/;\n/ { };\n',
    'unknown-rule/.vmgenid-lint.json': JSON.stringify({ rules: { 'no-such': 'off' } }),
    'unknown-rule/board.dts': '/dts-v1/;\n/ { };\n',
  });
  try {
    const yaml = await lint([join(root, 'bad-yaml/board.dts')]);
    assert.equal(yaml.code, 2);
    assert.match(yaml.err, /bad-yaml\/\.vmgenid-lint\.yaml:\d+:\d+: error: /);
    const key = await lint([join(root, 'unknown-key/board.dts')]);
    assert.equal(key.code, 2);
    assert.match(key.err, /\.vmgenid-lint\.json: error: unknown setting 'rulez'/);
    const rule = await lint([join(root, 'unknown-rule/board.dts')]);
    assert.equal(rule.code, 2);
    assert.match(rule.err, /unknown check 'no-such' in rules/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
