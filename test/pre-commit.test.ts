/**
 * The pre-commit hook (.pre-commit-hooks.yaml): its shape always, and for
 * real when `pre-commit` is installed — a hook repository made from this
 * checkout's files (as a commit would hold them), installed by pre-commit the
 * way it installs any node hook (npm install, npm pack, npm install -g), run
 * on a clean board, a blob and a bad board in a temporary repository.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { writeDtb } from '../src/dtb/write.js';
import { loadTree } from '../src/load-tree.js';
import { nodeFileHost } from '../src/source/host.js';
import { projectPath } from './helpers.js';

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames?: boolean;
  types?: string[];
}

function hooks(): Hook[] {
  return parse(readFileSync(projectPath('.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
}

test('pre-commit: .pre-commit-hooks.yaml declares a node hook for .dts and .dtb files', () => {
  const list = hooks();
  assert.ok(Array.isArray(list) && list.length === 1);
  const hook = list[0]!;
  assert.equal(hook.id, 'vmgenid-lint');
  assert.equal(hook.language, 'node');
  assert.equal(hook.pass_filenames, true);
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.ok(hook.entry in pkg.bin, `entry '${hook.entry}' is a bin of the package`);
  // pre-commit matches `files` with Python's re.search; this pattern means the same in JavaScript.
  const files = new RegExp(hook.files);
  for (const name of ['board.dts', 'dts/arm64/guest.dtb']) assert.ok(files.test(name), name);
  for (const name of ['board.dtsi', 'board.dts.orig', 'notes.txt', 'dtb']) assert.ok(!files.test(name), name);
  // Blobs are binary: a `text` type filter would drop them.
  assert.ok(!(hook.types ?? []).includes('text'));
});

function have(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = gitEnv): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 280_000 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The checkout's files as the next commit would hold them (tracked and new, not ignored). */
function checkoutFiles(root: string): string[] | null {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.split('\0').filter((f) => f.length > 0);
}

test('pre-commit: the hook installs from a repository and fails a commit on findings only', { timeout: 300_000 }, (t) => {
  if (!have('pre-commit')) {
    t.skip('pre-commit is not installed (apt-get install pre-commit, or pip install pre-commit)');
    return;
  }
  if (!have('git')) {
    t.skip('git is not installed');
    return;
  }
  const root = projectPath('');
  const files = checkoutFiles(root);
  if (!files) {
    t.skip('the project is not a git checkout');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'vmgenid-pre-commit-'));

  // The hook repository: this checkout's files, committed.
  const hookRepo = join(work, 'hook');
  for (const f of files) {
    mkdirSync(dirname(join(hookRepo, f)), { recursive: true });
    try {
      copyFileSync(join(root, f), join(hookRepo, f));
    } catch {
      // Deleted in the work tree but still in the index: the next commit would not have it.
    }
  }
  ok(sh('git', ['init', '-q'], hookRepo), 'git init');
  ok(sh('git', ['add', '-A'], hookRepo), 'git add');
  ok(sh('git', ['commit', '-q', '-m', 'hook'], hookRepo), 'git commit');
  const rev = ok(sh('git', ['rev-parse', 'HEAD'], hookRepo), 'git rev-parse').trim();

  // The user's repository: a clean board, its blob, and (later) a board with a finding.
  const userRepo = join(work, 'user');
  mkdirSync(userRepo);
  ok(sh('git', ['init', '-q'], userRepo), 'git init');
  const board = projectPath('fixtures/example/board.dts');
  copyFileSync(board, join(userRepo, 'board.dts'));
  const compiled = loadTree(board, new Uint8Array(readFileSync(board)), { host: nodeFileHost });
  writeFileSync(join(userRepo, 'board.dtb'), writeDtb(compiled.tree!));
  writeFileSync(
    join(userRepo, 'bad.dts'),
    '/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tvmgenid@1000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0 0x1000 0 0x10>;\n\t};\n};\n',
  );
  writeFileSync(join(userRepo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: vmgenid-lint\n`);
  ok(sh('git', ['add', '-A'], userRepo), 'git add');

  const env = { ...gitEnv, PRE_COMMIT_HOME: join(work, 'cache') };
  const clean = sh('pre-commit', ['run', '--files', 'board.dts', 'board.dtb', '.pre-commit-config.yaml'], userRepo, env);
  assert.equal(
    clean.status,
    0,
    'the hook should pass on the example board and its blob. A hook installed from git has no dist/: it needs ' +
      'package.json "prepare": "npm run build", and .npmrc "foreground-scripts=false" so that npm pack prints only ' +
      `the tarball's name (pre-commit reads it from stdout):\n${clean.stdout}\n${clean.stderr}`,
  );
  assert.match(clean.stdout, /vmgenid-lint\.+Passed/);

  const bad = sh('pre-commit', ['run', '--files', 'bad.dts', 'board.dts'], userRepo, env);
  assert.equal(bad.status, 1, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stdout, /vmgenid-lint\.+Failed/);
  assert.match(bad.stdout, /bad\.dts:5:2: error: .*\[vmgenid-interrupt-count, schema_required\]/);
});
