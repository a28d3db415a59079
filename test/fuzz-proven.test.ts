/**
 * The fuzzer is proven to find crashes: a copy of the built CLI gets a throw
 * planted in a DTS parser branch (/bits/ cells), a DTB reader branch (a
 * memory reservation entry) and the /delete-property/ path, and the DEFAULT
 * campaign (default kinds, a fixed seed, a bounded count, no conformance
 * corpus) must report each as a crash. The throws are planted in the compiled
 * JavaScript at statements found by searching for them, so the production
 * code carries no switch for this; if a statement moves, the test says which.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { projectPath } from './helpers.js';

interface Plant {
  name: string;
  file: string;
  /** The statement to plant before or inside (a regular expression over the compiled file). */
  at: RegExp;
  /** Put the throw after the match (inside a block it opens) rather than before it. */
  inside: boolean;
}

const PLANTS: Plant[] = [
  { name: 'DTS parser /bits/ branch', file: 'src/dts/parser.js', at: /if \(this\.peek\(\)\.kind === '\/bits\/'\) \{/, inside: true },
  { name: 'DTB reader reservation entry', file: 'src/dtb/read.js', at: /entries\.push\(\{ address, size,/, inside: false },
  { name: '/delete-property/ path', file: 'src/dts/parser.js', at: /if \(t\.kind === '\/delete-property\/'\) \{/, inside: true },
];

const work = mkdtempSync(join(tmpdir(), 'vmgenid-fuzz-proven-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of dist/ beside links to what it loads at run time, with every plant in place; returns its CLI module. */
function plantedCopy(): string {
  cpSync(projectPath('dist/src'), join(work, 'dist/src'), { recursive: true });
  cpSync(projectPath('dist/schemas'), join(work, 'dist/schemas'), { recursive: true });
  for (const name of ['node_modules', 'schemas', 'include', 'data', 'package.json']) symlinkSync(projectPath(name), join(work, name));
  for (const p of PLANTS) {
    const file = join(work, 'dist', p.file);
    const text = readFileSync(file, 'utf8');
    const m = p.at.exec(text);
    assert.ok(m, `the statement to plant "${p.name}" at is no longer in dist/${p.file} (${p.at}): update this test`);
    const at = m.index + (p.inside ? m[0].length : 0);
    writeFileSync(file, `${text.slice(0, at)} throw new Error('planted fault: ${p.name}'); ${text.slice(at)}`);
  }
  return join(work, 'dist/src/cli/main.js');
}

test('the default fuzz campaign finds a throw planted in a DTS parser branch, a DTB reader branch and the /delete-property/ path', { timeout: 180_000 }, () => {
  const cli = plantedCopy();
  // 2,000 cases, not fewer: /delete-property/ comes from one insertion in fifty and one fixture in ninety,
  // and 400 cases missed it once the fixtures changed (the seed's cases depend on the fixture list).
  const r = spawnSync(process.execPath, [projectPath('dist/scripts/fuzz.js'), '--cli', cli, '--no-corpus', '--seed', '1', '--cases', '2000', '--keep-going', '--out', join(work, 'found')], { encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 1, `the campaign should fail:\n${out}`);
  for (const p of PLANTS) assert.match(out, new RegExp(`CRASH in case \\d+ \\(\\w+\\): internal error: Error: planted fault: ${p.name.replace(/[/()]/g, '\\$&')}`), `"${p.name}" not found:\n${out}`);
});
