/**
 * The GitHub Action (action.yml) and the example workflow (docs/ci-example.yml):
 * they parse, the action's steps are wired as code scanning expects, and every
 * option they pass exists in the CLI (so a renamed option cannot break them unseen).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { projectPath } from './helpers.js';

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

function yamlFile(path: string): any {
  return parse(readFileSync(projectPath(path), 'utf8'));
}

const io: CliIo = { stdout: () => {}, stderr: () => {}, readStdin: () => new Uint8Array(0), stdoutIsTTY: false, env: {} };

/** The lint command's options: long name → allowed values (null when any value goes). */
function cliOptions(): Map<string, readonly string[] | null> {
  const program = buildProgram(io, () => {});
  const map = new Map<string, readonly string[] | null>();
  for (const o of program.options) if (o.long) map.set(o.long, o.argChoices ?? null);
  return map;
}

/** `--long value` pairs and bare `--long` flags in a shell script (expansions left as they are). */
function optionsUsed(script: string): Array<{ name: string; value: string | undefined }> {
  const out: Array<{ name: string; value: string | undefined }> = [];
  const words = script.split(/\s+/);
  words.forEach((w, i) => {
    const m = /^(--[a-z][a-z-]*)(?:=(.*))?$/.exec(w);
    if (m) out.push({ name: m[1]!, value: m[2] ?? words[i + 1] });
  });
  return out;
}

test('action.yml: a composite action with files, args and sarif-file inputs', () => {
  const action = yamlFile('action.yml');
  assert.equal(typeof action.name, 'string');
  assert.equal(typeof action.description, 'string');
  assert.equal(action.runs.using, 'composite');
  for (const input of ['files', 'args', 'sarif-file']) assert.ok(action.inputs[input], `input ${input}`);
  assert.equal(action.inputs['sarif-file'].default, 'vmgenid-lint.sarif');
  // Every input the steps refer to is declared.
  const text = readFileSync(projectPath('action.yml'), 'utf8');
  for (const m of text.matchAll(/inputs\.([a-z-]+)/g)) assert.ok(action.inputs[m[1]!], `inputs.${m[1]} is declared`);
  // Composite run steps must name their shell.
  for (const step of action.runs.steps as Step[]) if (step.run) assert.ok((step as Record<string, unknown>).shell, `${step.name} has a shell`);
});

test('action.yml: annotations and the text report always; SARIF and its upload only when asked; current action majors', () => {
  const action = yamlFile('action.yml');
  assert.equal(action.inputs.upload.default, 'false', 'private repositories without code scanning fail on an upload');
  const steps = action.runs.steps as Step[];
  const setupNode = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
  assert.equal(setupNode?.uses, 'actions/setup-node@v6');
  const lint = steps.find((s) => s.run?.includes('--format github'));
  assert.ok(lint, 'a step annotates the lines');
  assert.match(lint.run!, /lint --format text \|\| status=\$\?/);
  assert.match(lint.run!, /if \[ "\$VMGENID_UPLOAD" = true \]; then lint --format sarif --output "\$VMGENID_SARIF"/);
  // Inputs reach the script through the environment only, never pasted into it (script injection).
  assert.doesNotMatch(lint.run!, /\$\{\{/);
  assert.equal(lint.env!.VMGENID_SARIF, '${{ inputs.sarif-file }}');
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
  assert.ok(upload, 'a step uploads the SARIF');
  assert.equal(upload.uses, 'github/codeql-action/upload-sarif@v4');
  assert.match(upload.if!, /always\(\)/);
  assert.match(upload.if!, /inputs\.upload == 'true'/);
  assert.ok(steps.indexOf(upload) > steps.indexOf(lint));
  // No build on a release tag: the set-up step installs only what runs when dist/ is there.
  const setup = steps.find((s) => s.run?.includes('npm ci'))!;
  assert.match(setup.run!, /if \[ -f dist\/src\/bundle\/cli\.cjs \]; then\n\s*npm ci --omit=dev --ignore-scripts/);
});

test('action.yml: the lint step, run as a shell script on this machine, annotates, reports and fails as the command does', () => {
  const steps = yamlFile('action.yml').runs.steps as Step[];
  const script = steps.find((s) => s.run?.includes('--format github'))!.run!;
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-action-'));
  try {
    const run = (env: Record<string, string>) =>
      spawnSync('bash', ['-e', '-c', script], {
        cwd: projectPath(''),
        encoding: 'utf8',
        env: { ...process.env, GITHUB_ACTION_PATH: projectPath(''), VMGENID_ARGS: '', VMGENID_UPLOAD: 'false', VMGENID_SARIF: join(dir, 'out.sarif'), ...env },
      });
    const clean = run({ VMGENID_FILES: 'fixtures/example' });
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /^::notice file=fixtures\/example\/board\.dts,line=\d+/m, 'annotations');
    assert.match(clean.stdout, /^0 errors, 0 warnings, 1 note in 1 file$/m, 'the text report in the log');
    assert.equal(existsSync(join(dir, 'out.sarif')), false, 'no SARIF unless asked');
    const failing = run({ VMGENID_FILES: 'test/fixtures/lint/bad-schema.dts', VMGENID_UPLOAD: 'true' });
    assert.equal(failing.status, 1, 'the job fails as the command does');
    assert.match(failing.stdout, /^::error file=test\/fixtures\/lint\/bad-schema\.dts/m);
    assert.match(failing.stdout, /^5 errors, 0 warnings, 2 notes in 1 file$/m);
    assert.ok(existsSync(join(dir, 'out.sarif')), 'SARIF when asked, even on findings');
    const strict = run({ VMGENID_FILES: 'fixtures/example', VMGENID_ARGS: '--rule vmgenid-node-name=warning --max-warnings 0' });
    assert.equal(strict.status, 1);
    assert.match(strict.stderr, /1 warning, more than --max-warnings 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.github/workflows/vmgenid-lint.yml runs the local action on the bundled example', () => {
  const workflow = yamlFile('.github/workflows/vmgenid-lint.yml');
  const steps = Object.values(workflow.jobs).flatMap((j) => (j as { steps: Step[] }).steps);
  assert.ok(steps.some((s) => s.uses === 'actions/checkout@v6'));
  const action = steps.find((s) => s.uses === './');
  assert.equal(action?.with?.files, 'fixtures/example');
});

test('action.yml and docs/ci-example.yml pass only options the CLI has, with allowed values', () => {
  const options = cliOptions();
  const scripts: string[] = [];
  for (const step of yamlFile('action.yml').runs.steps as Step[]) if (step.run) scripts.push(step.run.replace(/npm [^\n]*/g, ''));
  const workflow = yamlFile('docs/ci-example.yml');
  for (const job of Object.values(workflow.jobs) as Array<{ steps: Step[] }>) {
    for (const step of job.steps) {
      if (step.run) for (const line of step.run.split('\n')) if (line.includes('bin/vmgenid-lint.js')) scripts.push(line.replace(/^.*?bin\/vmgenid-lint\.js"?/, ''));
      if (step.with?.args) scripts.push(step.with.args);
    }
  }
  let checked = 0;
  for (const script of scripts) {
    for (const { name, value } of optionsUsed(script)) {
      assert.ok(options.has(name), `${name} is a vmgenid-lint option`);
      const choices = options.get(name);
      if (choices && value && !value.startsWith('$')) assert.ok(choices.includes(value), `${name} ${value} should be one of ${choices.join(', ')}`);
      checked++;
    }
  }
  assert.ok(checked >= 4, 'the scripts were read');
});

test('docs/ci-example.yml: the action pinned to a tag, and the CLI from a clone of one; no package name we do not publish', () => {
  const text = readFileSync(projectPath('docs/ci-example.yml'), 'utf8');
  assert.doesNotMatch(text, /npx/);
  const workflow = yamlFile('docs/ci-example.yml');
  const steps = Object.values(workflow.jobs).flatMap((j) => (j as { steps: Step[] }).steps);
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/checkout@')));
  assert.ok(steps.some((s) => /\/vmgenid-lint@v\d/.test(s.uses ?? '') && s.with?.files));
});
