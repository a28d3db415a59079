/**
 * `--base`: overlays applied onto their board as fdtoverlay applies them,
 * and the result judged as a board. The applied tree is the one fdtoverlay
 * makes (compared when dtc and fdtoverlay are installed), findings on what
 * the overlay brought point into the overlay's source, and an overlay that
 * cannot be applied is an error that says why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeDtb } from '../src/dtb/write.js';
import { loadTree } from '../src/load-tree.js';
import { nodeFileHost } from '../src/source/host.js';
import { applyOverlay } from '../src/tree/apply-overlay.js';
import { projectPath, runCli } from './helpers.js';

process.chdir(projectPath(''));
const DIR = 'test/fixtures/overlays';

async function lint(args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout.toString('latin1') + r.stderr };
}

test('--base: a vmgenid overlay on its board is judged as the board it makes: clean, or found wanting in the overlay\'s source', async () => {
  const clean = await lint(['--base', `${DIR}/board.dts`, `${DIR}/vmgenid.dtso`]);
  assert.equal(clean.code, 0, clean.out);
  assert.equal(clean.out, '0 errors, 0 warnings, 0 notes in 1 file\n');
  const bad = await lint(['--base', `${DIR}/board.dts`, `${DIR}/misaligned.dtso`]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /^test\/fixtures\/overlays\/misaligned\.dtso:7:10: error: vmgenid buffer at 0x2004 is not 8-byte aligned/m);
  assert.match(bad.out, /in \/soc\/rng@2004/, 'the node is judged where the overlay put it');
  // Without the board, the same overlay is judged on what it says of itself only.
  const alone = await lint([`${DIR}/misaligned.dtso`]);
  assert.equal(alone.code, 0, alone.out);
});

test('--base: an overlay that refers to a label the board lacks cannot be applied: exit 2, saying which', async () => {
  const r = await lint(['--base', `${DIR}/board.dts`, `${DIR}/unknown-label.dtso`]);
  assert.equal(r.code, 2);
  assert.match(r.out, /unknown-label\.dtso: error: cannot apply onto test\/fixtures\/overlays\/board\.dts: the overlay refers to the label "nosuch", which the base does not define \[overlay_apply\]/);
  assert.equal(r.out.match(/error:/g)?.length, 1, r.out);
  const missing = await lint(['--base', `${DIR}/no-such-board.dts`, `${DIR}/vmgenid.dtso`]);
  assert.equal(missing.code, 2);
  assert.match(missing.out, /--base test\/fixtures\/overlays\/no-such-board\.dts: cannot read/);
});

test('--base: a board that is no overlay is linted as it is', async () => {
  const r = await lint(['--base', `${DIR}/board.dts`, 'test/fixtures/checks/good-board.dts']);
  assert.equal(r.code, 0, r.out);
});

function tool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync('which', [name], { stdio: 'ignore' }).status === 0;
}

test('--base: the applied tree is the one fdtoverlay makes (node and property order included)', (t) => {
  if (!tool('dtc') || !tool('fdtoverlay')) {
    t.skip('dtc or fdtoverlay is not installed (apt-get install device-tree-compiler)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'vmgenid-fdtoverlay-'));
  try {
    const dtc = (args: string[]) => {
      const r = spawnSync('dtc', args, { encoding: 'latin1' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    dtc(['-@', '-O', 'dtb', '-o', join(work, 'board.dtb'), `${DIR}/board.dts`]);
    for (const overlay of ['vmgenid', 'many-kinds', 'misaligned']) {
      dtc(['-@', '-O', 'dtb', '-o', join(work, `${overlay}.dtbo`), `${DIR}/${overlay}.dtso`]);
      const merged = join(work, `${overlay}.merged.dtb`);
      const r = spawnSync('fdtoverlay', ['-i', join(work, 'board.dtb'), '-o', merged, join(work, `${overlay}.dtbo`)], { encoding: 'latin1' });
      assert.equal(r.status, 0, r.stderr);
      const want = dtc(['-I', 'dtb', '-O', 'dts', merged]);
      // From the blobs, and from the sources (the board compiled with its labels, as --base does).
      for (const [board, source] of [[join(work, 'board.dtb'), join(work, `${overlay}.dtbo`)], [`${DIR}/board.dts`, `${DIR}/${overlay}.dtso`]] as const) {
        const base = loadTree(board, new Uint8Array(readFileSync(board)), { host: nodeFileHost, symbols: true }).tree!;
        const over = loadTree(source, new Uint8Array(readFileSync(source)), { host: nodeFileHost, symbols: true }).tree!;
        assert.deepEqual(applyOverlay(base, over), []);
        const ours = join(work, `${overlay}.ours.dtb`);
        writeFileSync(ours, writeDtb(base));
        assert.equal(dtc(['-I', 'dtb', '-O', 'dts', ours]), want, `${overlay} from ${board}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
