/**
 * Colour goes to terminals only, told without loading node:tty when stdout
 * is plainly no terminal (src/cli/terminal.ts): a file, a pipe, /dev/null.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isTerminal } from '../src/cli/terminal.js';
import { projectPath } from './helpers.js';

const bin = projectPath('bin/vmgenid-lint.js');
const finding = projectPath('test/fixtures/lint/bad-schema.dts');
const scratch = mkdtempSync(join(tmpdir(), 'vmgenid-terminal-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
/** The environment without the colour switches, so that stdout alone decides. */
const plainEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'FORCE_COLOR' && k !== 'NO_COLOR'));

test('isTerminal: a file, /dev/null and a closed descriptor are not terminals', async () => {
  const file = openSync(join(scratch, 'out.txt'), 'w');
  const devNull = openSync('/dev/null', 'w');
  try {
    assert.equal(await isTerminal(file), false);
    assert.equal(await isTerminal(devNull), false);
  } finally {
    closeSync(file);
    closeSync(devNull);
  }
  assert.equal(await isTerminal(987654), false);
});

test('process: no colour into a pipe, a file or /dev/null, and node:tty not loaded for them', () => {
  const probe = join(scratch, 'probe.cjs');
  writeFileSync(probe, `process.on('exit', () => process.stderr.write(process.moduleLoadList.includes('NativeModule tty') ? 'TTY-LOADED' : 'no-tty'))`);
  const run = (stdout: 'pipe' | number) =>
    spawnSync(process.execPath, ['--require', probe, bin, finding], { stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8', env: plainEnv });
  const piped = run('pipe');
  assert.equal(piped.status, 1);
  assert.doesNotMatch(piped.stdout, /\x1b\[/);
  assert.match(piped.stderr, /no-tty$/);
  const path = join(scratch, 'report.txt');
  const fd = openSync(path, 'w');
  const toFile = run(fd);
  closeSync(fd);
  assert.doesNotMatch(readFileSync(path, 'utf8'), /\x1b\[/);
  assert.match(toFile.stderr, /no-tty$/);
  const devNull = openSync('/dev/null', 'w');
  const toNull = run(devNull);
  closeSync(devNull);
  assert.match(toNull.stderr, /no-tty$/);
});

test('process: colour on a terminal (a pseudo-terminal from script(1))', (t) => {
  if (spawnSync('script', ['--version']).status !== 0) {
    t.skip('script(1) is not installed');
    return;
  }
  const r = spawnSync('script', ['-qec', `${process.execPath} ${bin} ${finding}`, '/dev/null'], { encoding: 'utf8', env: plainEnv });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /\x1b\[/);
});
