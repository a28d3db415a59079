/**
 * Bad input found by the fuzzers (scripts/fuzz.ts, and the robustness fuzzer it absorbed): each gets a clear error
 * and exit 1 or 2 — never an internal error (exit 70), a stack trace, a
 * hang, or a write over an input. One test per bug, written before its fix.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectPath, runCli } from './helpers.js';

const fixture = (name: string) => projectPath(`test/fixtures/robustness/${name}`);

async function cli(args: string[], stdin: Uint8Array = new Uint8Array()): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const start = Date.now();
  const r = await runCli(args, { stdin });
  return { code: r.code, stdout: r.stdout.toString('latin1'), stderr: r.stderr, ms: Date.now() - start };
}

/** Words of a name, NUL-terminated and padded to a cell. */
function nameCells(name: string): number[] {
  const bytes = Buffer.alloc(Math.ceil((name.length + 1) / 4) * 4);
  bytes.write(name, 'latin1');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) out.push(bytes.readUInt32BE(i));
  return out;
}

/** A version 17 blob from its structure block (cells) and strings block. */
function blob(structure: number[], strings: string): Uint8Array {
  const offStruct = 40 + 16;
  const offStrings = offStruct + structure.length * 4;
  const total = offStrings + strings.length;
  const b = Buffer.alloc(total);
  [0xd00dfeed, total, offStruct, offStrings, 40, 17, 16, 0, strings.length, structure.length * 4].forEach((v, i) => b.writeUInt32BE(v, i * 4));
  structure.forEach((w, i) => b.writeUInt32BE(w >>> 0, offStruct + i * 4));
  b.write(strings, offStrings, 'latin1');
  return new Uint8Array(b);
}

function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-robustness-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('robustness: a blob repeating one property thousands of times is reported in bounded time and size', async () => {
  const props: number[] = [];
  for (let i = 0; i < 3000; i++) props.push(3, 4, 0, i);
  const r = await cli(['-'], blob([1, 0, ...props, 2, 9], 'compatible\0'));
  assert.equal(r.code, 2); // dtc refuses a tree its checks find errors in: "cannot be compiled", findings shown
  assert.ok(r.stdout.split('\n').length < 2000, `${r.stdout.split('\n').length} lines of output`);
  // dtc's own "N more duplicate" finding comes after its first pairs, past what a report prints of a file: the report's note counts it.
  assert.match(r.stdout, /more duplicate|findings? more in this file not shown/);
  assert.ok(r.ms < 5000, `${r.ms} ms`);
});

test('robustness: a few duplicate properties are still reported pair by pair, as dtc does', async () => {
  const props: number[] = [];
  for (let i = 0; i < 4; i++) props.push(3, 4, 0, i);
  const r = await cli(['-'], blob([1, 0, ...props, 2, 9], 'compatible\0'));
  assert.equal(r.stdout.match(/Duplicate property name/g)?.length, 6);
  assert.doesNotMatch(r.stdout, /more duplicate/);
});

test('robustness: a blob with a hundred thousand same-named siblings is reported in bounded time and size', async () => {
  const nodes: number[] = [];
  for (let i = 0; i < 100000; i++) nodes.push(1, ...nameCells('n'), 2);
  const r = await cli(['-'], blob([1, 0, ...nodes, 2, 9], ''));
  assert.equal(r.code, 2); // dtc refuses a tree its checks find errors in: "cannot be compiled", findings shown
  assert.ok(r.stdout.split('\n').length < 2000, `${r.stdout.split('\n').length} lines of output`);
  // dtc's own "N more duplicate" finding comes after its first pairs, past what a report prints of a file: the report's note counts it.
  assert.match(r.stdout, /more duplicate|findings? more in this file not shown/);
  assert.ok(r.ms < 5000, `${r.ms} ms`);
});

test('robustness: --all on a blob of a hundred thousand sibling nodes (1.4 MB) stays within the fuzzer\'s budget', async () => {
  // Found by fuzz seeds 1001, 4004 and 5005: 3.0 s for every node judged (budget 2 s per MiB: 2.7 s).
  // Each JSON node got three defineProperty calls and each schema error a full copy.
  const nodes: number[] = [];
  for (let i = 0; i < 100000; i++) nodes.push(1, ...nameCells(i % 2 ? 'n' : `n@${i.toString(16)}`), 2);
  const bytes = blob([1, 0, ...nodes, 2, 9], '');
  assert.ok(bytes.length > 1_000_000);
  // Timed as the fuzzer times it: the installed CLI in a process of its own (not in this test
  // process, whose heap the tests before it have filled).
  const start = Date.now();
  const child = spawnSync(process.execPath, [projectPath('bin/vmgenid-lint.js'), '--all', '-'], { input: bytes, maxBuffer: 1 << 28 });
  const r = { code: child.status, stdout: child.stdout.toString('latin1'), stderr: child.stderr.toString(), ms: Date.now() - start };
  assert.equal(r.code, 2, r.stderr); // duplicate node names: dtc refuses the tree
  // Every node is judged (50,000 of them lack reg), though a report prints only the first findings of a file.
  assert.ok(Number(/(\d+) errors,/.exec(r.stdout)?.[1]) > 50_000, r.stdout.slice(-500));
  assert.ok(r.ms < 2700, `${r.ms} ms`);
});

test('robustness: a very long run of letters where no name is expected is a syntax error in linear time', async () => {
  const r = await cli(['--no-cpp', '-'], Buffer.from(`/dts-v1/;\n/ { p = <${'x'.repeat(200000)}>; };\n`, 'latin1'));
  assert.equal(r.code, 2);
  assert.match(r.stdout, /<stdin>:2:\d+: error: syntax error/);
  assert.ok(r.ms < 3000, `${r.ms} ms`);
});

test('robustness: lint and check-binding refuse to write the report over an input', async () => {
  await withTemp(async (dir) => {
    const input = join(dir, 'board.dts');
    const text = readFileSync(projectPath('fixtures/example/board.dts'));
    writeFileSync(input, text);
    for (const args of [['-o', input, input], ['-o', input, '-', input], ['-o', input, dir], ['check-binding', '-o', input, input]]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /refusing to write the output over the input/);
      assert.deepEqual(readFileSync(input), text, `${args.join(' ')} changed the input`);
    }
  });
});

test('robustness: a named pipe as input is read once, so a finding is reported instead of waiting forever', async () => {
  await withTemp(async (dir) => {
    const fifo = join(dir, 'board.dts');
    execFileSync('mkfifo', [fifo]);
    // The writer is a child process: this process blocks while the CLI reads.
    const writer = spawn('sh', ['-c', `cat "$0" > "$1"`, fixture('syntax-error.dts'), fifo], { stdio: 'ignore' });
    const watchdog = setTimeout(() => writer.kill(), 10000);
    try {
      const r = spawnSync(process.execPath, [projectPath('bin/vmgenid-lint.js'), fifo], { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 2, `status ${r.status} signal ${r.signal}`);
      assert.match(r.stdout, /board\.dts:3:\d+: error: syntax error/);
    } finally {
      clearTimeout(watchdog);
      writer.kill();
    }
  });
});

test('robustness: a folder walk passes over a FIFO named like a source instead of waiting on it for ever', async () => {
  // Issue 18: the walk took every name ending in .dts, and opening a FIFO blocks until a writer comes.
  await withTemp(async (dir) => {
    execFileSync('mkfifo', [join(dir, 'pipe.dts')]);
    writeFileSync(join(dir, 'board.dts'), readFileSync(projectPath('fixtures/example/board.dts')));
    const r = spawnSync(process.execPath, [projectPath('bin/vmgenid-lint.js'), '--format', 'json', dir], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.signal, null, 'the run waited on the FIFO');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { files: Array<{ file: string }> }).files.map((f) => f.file), [join(dir, 'board.dts')]);
  });
});

test('robustness: a --schema folder walk passes over a FIFO named like a binding', async () => {
  await withTemp(async (dir) => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const r = spawnSync(process.execPath, [projectPath('bin/vmgenid-lint.js'), '--schema', dir, projectPath('fixtures/example/board.dts')], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.signal, null, 'the run waited on the FIFO');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

test('robustness: /incbin/ of an endless device is refused unread with an error (include-policy.ts: special files never)', async () => {
  const r = await cli(['--no-cpp', '-'], Buffer.from('/dts-v1/;\n/ { blob = /incbin/("/dev/zero"); };\n', 'latin1'));
  assert.equal(r.code, 2);
  assert.match(r.stdout, /<stdin>:2:\d+: error: .*\/dev\/zero is a special file/);
});

test('robustness: compile options asking for a blob of gigabytes are refused with an error', async () => {
  for (const option of [['-p', '0xffffffff'], ['-S', '0xffffffff'], ['-R', '0xffffffff'], ['-a', '0x80000000'], ['-p', '0x7fffffff']]) {
    const r = await cli(['compile', ...option, fixture('syntax-error.dts').replace('syntax-error', 'small')]);
    assert.equal(r.code, 2, option.join(' '));
    assert.match(r.stderr, /error: .*bytes/, option.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('robustness: check-binding on an empty file says it is not a binding', async () => {
  const r = await cli(['check-binding', fixture('empty.yaml')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /empty\.yaml:1:1: error: a binding must be a YAML mapping/);
});

test('robustness: a binding that refers to itself without end is refused as a $ref loop, not a stack overflow', async () => {
  // Found at validation once (exit 1, a finding per example); now refused before compiling (issue 18).
  const r = await cli(['check-binding', fixture('test,selfref.yaml')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /test,selfref\.yaml:\d+:\d+: error: \$ref loop: .*test,selfref\.yaml# \(allOf, line \d+\) \S+ .*test,selfref\.yaml#\/allOf\/0 \(\$ref '#', line \d+\) \S+ back to/);
});

test('robustness: findings on a very long line show a window of it, so the report grows with the findings, not findings × line', async () => {
  const props = Array.from({ length: 3000 }, (_, i) => `p${i} = <&missing${i}>;`).join(' ');
  const r = await cli(['--no-cpp', '-'], Buffer.from(`/dts-v1/;\n/ { ${props} };\n`, 'latin1'));
  assert.equal(r.code, 2); // dtc refuses a tree its checks find errors in: "cannot be compiled", findings shown
  // The first thousand of them are printed (MAX_FINDINGS_PER_FILE), and the rest counted.
  assert.match(r.stdout, /<stdin>:2:\d+: error: Reference to non-existent node or label "missing999"/);
  assert.match(r.stdout, /2001 findings more in this file not shown/);
  assert.ok(r.stdout.length < 3000 * 600, `${r.stdout.length} bytes of report`);
  const caret = r.stdout.split('\n').find((l) => /\^/.test(l))!;
  assert.ok(caret.length < 400, `a caret line of ${caret.length} characters`);
});

test('no core schema name pattern starts with an unanchored .* (quadratic backtracking on a long name)', () => {
  // A 200,000-character property name took minutes against '.*-names$'; '-names$' matches the same names in linear time.
  const dir = projectPath('schemas/core');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, pattern] of text.matchAll(/^\s*['"]?(\.\*[^'":]*)['"]?\s*:/gm)) {
      assert.fail(`${file}: pattern '${pattern}' begins with .*; drop it (an unanchored pattern already matches anywhere)`);
    }
  }
});

test('robustness: a macro expanding to tens of thousands of cells on one line compiles and lints in linear time', async () => {
  // Mapping each cell back through the preprocessor scanned the line's every expanded token: quadratic.
  for (const args of [['compile', fixture('macro-doubling.dts')], [fixture('macro-doubling.dts')]]) {
    const r = await cli(args);
    assert.ok(r.code === 0 || r.code === 1, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.ok(r.ms < 4000, `${args.join(' ')}: ${r.ms} ms`);
  }
});

test('robustness: a macro that doubles forty times stops at the expansion limit quickly, in bounded memory', async () => {
  for (const args of [[fixture('macro-bomb.dts')], ['compile', fixture('macro-bomb.dts')]]) {
    const heap = process.memoryUsage().heapUsed;
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout + r.stderr, /macro-bomb\.dts:\d+:\d+: error: expansion of macro "M\d+" is too deep or too large/);
    assert.ok(r.ms < 1000, `${args.join(' ')}: ${r.ms} ms`);
    assert.ok(process.memoryUsage().heapUsed - heap < 256 * 2 ** 20, 'heap grew by more than 256 MiB');
  }
});

test('robustness: a hundred thousand macro calls nested in arguments are an error in bounded time and memory', async () => {
  // Each level of argument pre-expansion copied the rest of the line: quadratic, and out of memory after a minute.
  const n = 100000;
  const r = await cli(['-'], Buffer.from(`/dts-v1/;\n#define ID(x) x\n/ { p = <${'ID('.repeat(n)}1${')'.repeat(n)}>; };\n`, 'latin1'));
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /<stdin>:3:\d+: error: (expansion of macro "ID" is too deep or too large|macro invocations nested more than \d+ deep)/);
  assert.ok(r.ms < 2000, `${r.ms} ms`);
});

test('robustness: a 400 KB file that #includes itself stops at the include limits within the fuzzer\'s budget', async () => {
  // Every level re-lexed the whole file: twenty levels of 400 KB took over 4 s (budget: 2 s per MiB of input).
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-selfinclude-'));
  try {
    const path = join(dir, 'self.dts');
    const n = 100000;
    writeFileSync(path, `#define ID(x) x\n/dts-v1/;\n#include __FILE__\n/ { p = <${'ID('.repeat(n)}1${')'.repeat(n)}>; };\n`);
    const r = await cli([path]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /self\.dts:3:\d+: error: the file and its includes add up to more than/);
    assert.ok(r.ms < 800, `${r.ms} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('robustness: a file that #includes itself and calls a macro with 300,000 arguments stops quickly once the expansion budget is spent', async () => {
  // Found by fuzz seed 6006 case 1474. After the budget ran out, every further call (one per inclusion,
  // thirteen of them up to the include size limit) still collected, pre-expanded and replaced its
  // 300,000 arguments only to drop the result: 2.4 s for 600 KB. Now the failed run does not follow
  // the file into itself again, and a call past the budget keeps no arguments.
  // Timed against the one expansion that must happen (the same call in a file that does not include
  // itself), not against a fixed budget: the ratio holds on a slow machine as on a fast one.
  await withTemp(async (dir) => {
    const call = `#define F(...) <__VA_ARGS__>\n/ { p = F(${'1,'.repeat(300000)}1); };\n`;
    const once = join(dir, 'once.dts');
    writeFileSync(once, call + '/ { p = F(1); };\n');
    const path = join(dir, 'self.dts');
    writeFileSync(path, call + '#include __FILE__\n');
    const base = await cli([once]);
    const r = await cli([path]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /self\.dts:2:\d+: error: expansion of macro "F" is too deep or too large/);
    assert.equal(r.stdout.match(/error:/g)?.length, 1, 'one error, not one per inclusion');
    assert.ok(r.ms < 2 * base.ms + 200, `${r.ms} ms, against ${base.ms} ms for the one expansion`);
  });
});

test('robustness: a file that /include/s itself, full of characters that start no label, lexes in linear time', async () => {
  // Found by fuzz seed 1001 case 4418 (40 s for 400 KB). The lexer remembered where a label scan had
  // failed by the text it was in; each inclusion reads the file into an equal but distinct string, and
  // comparing the two cost the whole file at every token.
  await withTemp(async (dir) => {
    const path = join(dir, 'self.dts');
    const n = 20000;
    writeFileSync(path, `/dts-v1/;\n/ { a = <(1 << ${'('.repeat(n)}1${')'.repeat(n)})>; };\n/include/ "self.dts"\n`);
    const r = await cli(['compile', path]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /more than \d+ tokens: input too large to compile/);
    assert.ok(r.ms < 2000, `${r.ms} ms`);
  });
});

test('robustness: a 30 KB file that #includes itself inside 7,500 open nodes stops at the preprocessor limit within the budget', async () => {
  // Found by fuzz seed 4004 case 4108: two hundred levels of a 35 KB file (7 MB through the
  // preprocessor, within its 8 MiB limit) took over 2 s. The limit is 4 MiB now.
  await withTemp(async (dir) => {
    const path = join(dir, 'selfnest.dts');
    writeFileSync(path, `/dts-v1/;\n/ {\n\tp = <${'n { '.repeat(7500)}>;\n#include "selfnest.dts"\n};\n`);
    const r = await cli(['compile', path]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /selfnest\.dts:4:\d+: error: the file and its includes add up to more than the 4194304 bytes/);
    // About 1.3 s of preprocessing on a 2-core machine, more while the other test files run beside it:
    // the budget catches a run that goes on past the limit (the bug took 40 s), not a slow machine.
    assert.ok(r.ms < 3000, `${r.ms} ms`);
  });
});

test('robustness: a file that #includes itself under a name growing at every level costs what the same file under one name costs', async () => {
  // Issue 18: "../d/x.dts" from d/x.dts names the same file "d/../d/x.dts", then "d/../d/../d/x.dts":
  // the preprocessor's cache of lexed files was keyed by that name, so each of 200 levels lexed the
  // 35 KB file again (3 s of CPU and 415 MiB for 4 MiB of output). Timed against the same file
  // including itself by one name, so the bound holds on a slow machine as on a fast one.
  await withTemp(async (dir) => {
    const body = `/dts-v1/;\n${'/ { a = <1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16>; b; c; d; e; f; g; h; i; j; k; l; m; };\n'.repeat(400)}`;
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'fixed.dts'), `${body}#include __FILE__\n`);
    writeFileSync(join(dir, 'd', 'growing.dts'), `${body}#include "../d/growing.dts"\n`);
    const fixed = await cli(['compile', join(dir, 'd', 'fixed.dts')]);
    const growing = await cli(['compile', join(dir, 'd', 'growing.dts')]);
    for (const r of [fixed, growing]) {
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /error: the file and its includes add up to more than the 4194304 bytes/);
    }
    assert.ok(growing.ms < 1.6 * fixed.ms + 300, `${growing.ms} ms, against ${fixed.ms} ms under one name`);
  });
});

test('robustness: YAML nested a hundred thousand levels deep (a binding, a configuration) is "nested too deeply", not a JavaScript error', async () => {
  // Issue 18: the yaml package catches its own stack overflow and reports it as "Maximum call stack size exceeded".
  await withTemp(async (dir) => {
    const deep = `a: ${'['.repeat(100000)}${']'.repeat(100000)}\n`;
    writeFileSync(join(dir, 'deep.yaml'), deep);
    const binding = await cli(['check-binding', join(dir, 'deep.yaml')]);
    assert.equal(binding.code, 2, binding.stdout + binding.stderr);
    assert.match(binding.stdout, /deep\.yaml:1:\d+: error: YAML nested too deeply to read/);
    writeFileSync(join(dir, '.vmgenid-lint.yaml'), deep);
    writeFileSync(join(dir, 'board.dts'), readFileSync(projectPath('fixtures/example/board.dts')));
    const config = await cli([join(dir, 'board.dts')]);
    assert.equal(config.code, 2, config.stdout + config.stderr);
    assert.match(config.stderr, /\.vmgenid-lint\.yaml:1:\d+: error: nested too deeply to read/);
    for (const r of [binding, config]) assert.doesNotMatch(r.stdout + r.stderr, /Maximum call stack|RangeError/);
  });
});

test('robustness: compile prints at most a report\'s worth of diagnostics on stderr, and says how many more', async () => {
  // Issue 18: each line was bounded, but their number grew with the input (1,500 #warnings, 1,500 lines).
  const r = await cli(['compile', '--cpp', '-'], Buffer.from(`/dts-v1/;\n${'#warning too many\n'.repeat(1500)}/ { };\n`, 'latin1'));
  assert.equal(r.code, 0, r.stderr.slice(0, 500));
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.filter((l) => /warning: .*too many/.test(l)).length, 1000);
  assert.equal(lines.at(-1), '(500 more diagnostics not shown)');
});

test('robustness: control characters on the command line (an option, a --rule, a file name) reach standard error escaped', async () => {
  // Issue 18, found in review: commander's "unknown option '…'" and our own usage errors echoed them raw,
  // and a pre-commit hook passes the repository's file names as arguments.
  for (const argv of [['--\x1b[31mred'], ['--rule', 'a\x1b[31m=off', projectPath('fixtures/example/board.dts')], ['--base', 'x\x1b]0;pwned\x07.dts', 'y.dts'], ['compile', 'no\rsuch\x1b.dts']]) {
    const r = await cli(argv);
    assert.ok(r.code === 2, `${JSON.stringify(argv)}: exit ${r.code}`);
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(r.stderr), `${JSON.stringify(argv)}: ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, /\\x1b|\\r/);
  }
});
