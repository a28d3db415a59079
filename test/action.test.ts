/**
 * The GitHub Action (action.yml) and the example workflow (docs/ci-example.yml):
 * they parse, the action's steps are wired as code scanning expects, and every
 * option they pass exists in the CLI (so a renamed option cannot break them unseen).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('action.yml: lints to SARIF, then uploads it even when the lint step fails', () => {
  const steps = yamlFile('action.yml').runs.steps as Step[];
  const lint = steps.find((s) => s.run?.includes('--format sarif'));
  assert.ok(lint, 'a step runs the linter with --format sarif');
  assert.match(lint.run!, /--format sarif --output "\$VMGENID_SARIF"/);
  // Inputs reach the script through the environment only, never pasted into it (script injection).
  assert.doesNotMatch(lint.run!, /\$\{\{/);
  assert.equal(lint.env!.VMGENID_SARIF, '${{ inputs.sarif-file }}');
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
  assert.ok(upload, 'a step uploads the SARIF');
  assert.equal(upload.uses, 'github/codeql-action/upload-sarif@v3');
  assert.match(upload.if!, /always\(\)/);
  assert.equal(upload.with!.sarif_file, '${{ inputs.sarif-file }}');
  assert.ok(steps.indexOf(upload) > steps.indexOf(lint));
});

test('action.yml and docs/ci-example.yml pass only options the CLI has, with allowed values', () => {
  const options = cliOptions();
  const scripts: string[] = [];
  for (const step of yamlFile('action.yml').runs.steps as Step[]) if (step.run) scripts.push(step.run.replace(/npm [^\n]*/g, ''));
  const workflow = yamlFile('docs/ci-example.yml');
  for (const job of Object.values(workflow.jobs) as Array<{ steps: Step[] }>) {
    for (const step of job.steps) {
      if (step.run) scripts.push(step.run.replace(/^.*?vmgenid-lint/, ''));
      if (step.with?.args) scripts.push(step.with.args);
    }
  }
  let checked = 0;
  for (const script of scripts) {
    for (const { name, value } of optionsUsed(script)) {
      if (name === '--yes' || name === '--no-install') continue; // npx's own
      assert.ok(options.has(name), `${name} is a vmgenid-lint option`);
      const choices = options.get(name);
      if (choices && value && !value.startsWith('$')) assert.ok(choices.includes(value), `${name} ${value} should be one of ${choices.join(', ')}`);
      checked++;
    }
  }
  assert.ok(checked >= 4, 'the scripts were read');
});

test('docs/ci-example.yml: a workflow that may upload code scanning results', () => {
  const workflow = yamlFile('docs/ci-example.yml');
  assert.equal(workflow.permissions['security-events'], 'write');
  const steps = Object.values(workflow.jobs).flatMap((j) => (j as { steps: Step[] }).steps);
  assert.ok(steps.some((s) => s.uses?.startsWith('actions/checkout@')));
  assert.ok(steps.some((s) => s.uses?.endsWith('/vmgenid-lint@main') && s.with?.files));
});
