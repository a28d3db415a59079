/**
 * Overlays: a valid overlay that adds a vmgenid node (`/plugin/` with `&{/}`
 * or `fragment@N { __overlay__ }`, as `.dtso` source or compiled `.dtbo`)
 * lints clean, by default and with --all: its root and fragments are the
 * overlay's wrapping, not a board. What the fragment's node says of itself
 * (a missing reg, a misspelt compatible) is still judged; what depends on
 * the board it is applied to (cells, memory, the interrupt parent) is not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeDtb } from '../src/dtb/write.js';
import { compileString, projectPath, runCli } from './helpers.js';

const NODE = '\trng@90000000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0x0 0x90000000 0x0 0x1000>;\n\t\tinterrupts = <0 35 1>;\n\t};\n';

const BY_PATH = `/dts-v1/;\n/plugin/;\n\n&{/} {\n${NODE}};\n`;
const BY_FRAGMENT = `/dts-v1/;\n/plugin/;\n\n/ {\n\tfragment@0 {\n\t\ttarget-path = "/";\n\t\t__overlay__ {\n${NODE.replace(/^\t/gm, '\t\t\t')}\t\t};\n\t};\n};\n`;

async function lint(args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout.toString('latin1') };
}

function withFiles<T>(files: Record<string, string | Uint8Array>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-overlay-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function dtbo(source: string): Uint8Array {
  const compiled = compileString(source, {}, { symbols: true });
  assert.ok(compiled.tree, JSON.stringify(compiled.diagnostics));
  return writeDtb(compiled.tree);
}

test('overlays: a valid overlay adding a vmgenid node lints clean, as .dtso and as .dtbo, with and without --all', async () => {
  await withFiles({ 'path.dtso': BY_PATH, 'fragment.dtso': BY_FRAGMENT, 'path.dtbo': dtbo(BY_PATH), 'fragment.dtbo': dtbo(BY_FRAGMENT) }, async (dir) => {
    for (const name of ['path.dtso', 'fragment.dtso', 'path.dtbo', 'fragment.dtbo']) {
      for (const args of [[join(dir, name)], ['--all', join(dir, name)]]) {
        const r = await lint(args);
        assert.equal(r.code, 0, `${args.join(' ')}:\n${r.out}`);
        assert.doesNotMatch(r.out, /: (error|warning):/, args.join(' '));
        // The one note says what could not be judged without the board.
        assert.match(r.out, /is in an overlay fragment: its reg, address translation, memory and interrupt parent depend on the base tree/);
      }
    }
  });
});

test('overlays: what the fragment\'s node says of itself is judged: a missing reg, a misspelt compatible', async () => {
  const noReg = BY_PATH.replace(/\t\treg = .*\n/, '');
  const typo = BY_PATH.replace('microsoft,vmgenid', 'microsoft,vmgenId');
  await withFiles({ 'noreg.dtso': noReg, 'typo.dtso': typo }, async (dir) => {
    const missing = await lint([join(dir, 'noreg.dtso')]);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /noreg\.dtso:5:2: error: reg is required \[schema_required\]/);
    const misspelt = await lint([join(dir, 'typo.dtso')]);
    assert.equal(misspelt.code, 1);
    assert.match(misspelt.out, /did you mean "microsoft,vmgenid"\? .*\[vmgenid-compatible-typo\]/);
  });
});

test('overlays: a folder walk takes .dtso and .dtbo files; the pre-commit hook passes them too', async () => {
  await withFiles({ 'a.dtso': BY_PATH, 'b.dtbo': dtbo(BY_FRAGMENT), 'c.txt': 'not a devicetree' }, async (dir) => {
    const r = await lint([dir]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /in 2 files/);
  });
  const hook = readFileSync(projectPath('.pre-commit-hooks.yaml'), 'utf8');
  const files = new RegExp(/^\s*files:\s*(.+)$/m.exec(hook)![1]!.trim());
  for (const name of ['board.dts', 'board.dtb', 'overlay.dtso', 'overlay.dtbo']) assert.ok(files.test(name), name);
  assert.ok(!files.test('board.dtsi'), 'includes are linted through the files that include them');
});
