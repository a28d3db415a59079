/**
 * The real process, as a shell runs it: a closed pipe ends quietly, --version
 * answers, and exit codes reach the shell.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { projectPath } from './helpers.js';

const bin = projectPath('bin/vmgenid-lint.js');

function sh(command: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', command], { cwd: projectPath(''), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('process: a reader that closes the pipe early (| head) ends the run quietly', () => {
  const r = sh(`node ${bin} -f sarif test/fixtures/checks | head -c 10; echo " status=\${PIPESTATUS:-?}"`);
  assert.equal(r.stderr, '', 'no EPIPE error or stack trace');
  assert.match(r.stdout, /^\{\n {2}"\$sch/);
});

test('process: --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  const r = sh(`node ${bin} --version`);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('process: exit codes reach the shell (1 findings, 2 unreadable, 2 usage)', () => {
  assert.equal(sh(`node ${bin} test/fixtures/lint/bad-schema.dts >/dev/null`).status, 1);
  assert.equal(sh(`node ${bin} no-such-file.dts >/dev/null`).status, 2);
  const usage = sh(`node ${bin} --no-such-option x.dts`);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown option '--no-such-option'/);
});
