/**
 * Hostile inputs from a stranger's pull request (issue 18): every read is
 * bounded while reading, a source reaches only regular files inside its
 * repository, the -I folders and the package's headers (include-policy.ts),
 * reports quote only what the run compiled, and a live-tree folder is read
 * without leaving it. Runs that could hang or leak the environment are made
 * in a child process, with a watchdog.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readDeviceTreeFolder } from '../src/dtb/fs-read.js';
import { InputError } from '../src/source/diagnostic.js';
import { MAX_INPUT_BYTES } from '../src/source/host.js';
import { projectPath, runCli } from './helpers.js';

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'vmgenid-hostile-')));
after(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A fresh folder; with `repository`, one holding `.git` (as a checkout does). */
function folder(repository = false): string {
  const dir = join(scratch, `d${folders++}`);
  mkdirSync(dir);
  if (repository) mkdirSync(join(dir, '.git'));
  return dir;
}

function write(path: string, text: string): string {
  writeFileSync(path, text, 'latin1');
  return path;
}

/** A line in the child's environment that must never reach a report. */
const SECRET = 'VMGENID_HOSTILE_SECRET=ghp_n0t-a-real-t0ken-but-a-s3cret';

/** Prints the child's peak memory when it exits, for the bounded-memory test. */
const PRELOAD = write(join(scratch, 'peak-memory.cjs'), "process.on('exit', () => require('node:fs').writeSync(2, `\\nmaxrss-kb=${process.resourceUsage().maxRSS}\\n`));\n");

interface ChildRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed by the watchdog: it hung or ran away. */
  killed: boolean;
}

/** Run the built CLI (bin/) in a child process, killed after `timeoutMs`. */
function runChild(args: string[], options: { cwd?: string; stdin?: number | 'ignore'; timeoutMs?: number; preload?: boolean } = {}): Promise<ChildRun> {
  const start = Date.now();
  const node = [...(options.preload ? ['--require', PRELOAD] : []), projectPath('bin/vmgenid-lint.js'), ...args];
  const child = spawn(process.execPath, node, {
    cwd: options.cwd ?? scratch,
    // The secret first: a report that quotes the start of the environment quotes it.
    env: { VMGENID_HOSTILE_SECRET: SECRET.split('=')[1]!, PATH: process.env['PATH'] ?? '' },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('latin1')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('latin1')));
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 20_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - start, killed });
    });
  });
}

function hasMkfifo(): boolean {
  return spawnSync('mkfifo', ['--version']).status === 0;
}

function fifo(path: string): string {
  assert.equal(spawnSync('mkfifo', [path]).status, 0);
  return path;
}

const FORMATS = ['text', 'json', 'github', 'sarif'];

// ── Bounded everything ────────────────────────────────────────────────────

test('hostile: standard input that never ends (/dev/zero) stops at MAX_INPUT_BYTES, exit 2, quickly and in bounded memory', async () => {
  const zero = openSync('/dev/zero', 'r');
  try {
    for (const args of [['-'], ['compile', '-'], ['dump', '-']]) {
      const r = await runChild(args, { stdin: zero, preload: true, timeoutMs: 30_000 });
      assert.equal(r.killed, false, `${args.join(' ')}: still reading after ${r.ms} ms`);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout + r.stderr, /standard input is larger than 67108864 bytes \(MAX_INPUT_BYTES\): reading stopped there/);
      const peak = Number(/maxrss-kb=(\d+)/.exec(r.stderr)?.[1]);
      // The limit's bytes and their copy, and Node itself: far from the gigabytes of an unbounded read.
      assert.ok(peak > 0 && peak < (3 * MAX_INPUT_BYTES) / 1024 + 200_000, `peak memory ${peak} KiB`);
    }
  } finally {
    closeSync(zero);
  }
});

test('hostile: a FIFO given as the input is read up to the limit; as an include it is refused unopened, even with --allow-include-outside', async (t) => {
  if (!hasMkfifo()) return t.skip('mkfifo is not installed');
  const dir = folder(true);
  const input = fifo(join(dir, 'board.dts'));
  const writer = spawn('sh', ['-c', `exec cat /dev/zero > '${input}'`], { stdio: 'ignore' });
  try {
    const r = await runChild([input], { cwd: dir });
    assert.equal(r.killed, false);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /board\.dts: error: cannot read: file is larger than 67108864 bytes \(MAX_INPUT_BYTES\): reading stopped there/);
  } finally {
    writer.kill('SIGKILL');
  }
  // No writer: opening it for reading would wait for ever.
  const pipe = fifo(join(dir, 'pipe.dtsi'));
  const board = write(join(dir, 'inc.dts'), '/dts-v1/;\n/include/ "pipe.dtsi"\n/ { };\n');
  const cppBoard = write(join(dir, 'cpp.dts'), '#include "pipe.dtsi"\n/dts-v1/;\n/ { };\n');
  const incbin = write(join(dir, 'bin.dts'), '/dts-v1/;\n/ { p = /incbin/("pipe.dtsi"); };\n');
  for (const [file, at] of [[board, '2:1'], [cppBoard, '1:10'], [incbin, '2:9']] as const) {
    for (const extra of [[], ['--allow-include-outside']]) {
      const r = await runChild([...extra, file], { cwd: dir, timeoutMs: 10_000 });
      assert.equal(r.killed, false, `${file} ${extra}: hung on the FIFO`);
      assert.equal(r.code, 2);
      assert.match(r.stdout, new RegExp(`${file.split('/').pop()}:${at}: error: .*: ${pipe} is a FIFO: includes and /incbin/ read only regular files`));
    }
  }
});

test('hostile: a regular include or /incbin/ over MAX_INPUT_BYTES is refused by its size, unread', async () => {
  const dir = folder(true);
  // Sparse: it says its size without holding the bytes.
  const huge = join(dir, 'huge.bin');
  writeFileSync(huge, '');
  truncateSync(huge, MAX_INPUT_BYTES + 1);
  const board = write(join(dir, 'board.dts'), '/dts-v1/;\n/ { p = /incbin/("huge.bin", 0, 4); };\n');
  const r = await runCli(['--no-cpp', board]);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /board\.dts:2:9: error: Couldn't open "huge\.bin": file is larger than 67108864 bytes \(MAX_INPUT_BYTES\): it has 67108865, refused unread/);
});

// ── Reports that leak nothing ─────────────────────────────────────────────

test('hostile: /proc/self/environ through /include/, /incbin/ and #include is refused with a positioned error, the environment in no report', async () => {
  const dir = folder(true);
  const cases: Array<[string, string, string]> = [
    ['include.dts', '/dts-v1/;\n/ { };\n/include/ "/proc/self/environ"\n', '3:1'],
    ['incbin.dts', '/dts-v1/;\n/ {\n\tp = /incbin/("/proc/self/environ");\n};\n', '3:6'],
    ['cpp.dts', '/dts-v1/;\n#include "/proc/self/environ"\n/ { };\n', '2:10'],
    // A link in the repository to it: resolved before it is judged.
    ['link.dts', '/dts-v1/;\n/include/ "env.dtsi"\n/ { };\n', '2:1'],
  ];
  symlinkSync('/proc/self/environ', join(dir, 'env.dtsi'));
  for (const [name, text, at] of cases) {
    const file = write(join(dir, name), text);
    // Every report format, and the text one with the fence lifted (a special file stays refused).
    for (const extra of [...FORMATS.map((format) => ['-f', format]), ['--allow-include-outside']]) {
      const r = await runChild([...extra, file], { cwd: dir });
      const out = r.stdout + r.stderr;
      assert.equal(r.code, 2, `${name} ${extra.join(' ')}: ${out}`);
      assert.ok(!out.includes(SECRET.split('=')[1]!), `${name} ${extra.join(' ')}: the environment is in the report`);
      if (extra[1] === 'text' || extra[0] === '--allow-include-outside') {
        assert.match(out, new RegExp(`${name}:${at}: error: .*/proc/\\d+/environ is a special file \\(it is under /proc\\): includes and /incbin/ read only regular files`));
      }
    }
  }
  // compile and dump say the same.
  for (const command of ['compile', 'dump']) {
    const r = await runChild([command, join(dir, 'include.dts')], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /include\.dts:3:1: error: .*is a special file/);
  }
});

test('hostile: devices are never included, even with --allow-include-outside (/dev/zero would never end)', async () => {
  const dir = folder(true);
  const board = write(join(dir, 'board.dts'), '/dts-v1/;\n/ { blob = /incbin/("/dev/zero"); };\n');
  const r = await runCli(['--no-cpp', '--allow-include-outside', board]);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /board\.dts:2:12: error: Couldn't open "\/dev\/zero": \/dev\/zero is a special file \(it is under \/dev\)/);
});

test('hostile: a line marker naming a file outside the run shows no line of it, in any format', async () => {
  const outside = folder();
  const secret = write(join(outside, 'secret.txt'), 'TOP-SECRET-LINE-ONE\nTOP-SECRET-LINE-TWO /* vmgenid-lint-disable */\n');
  const dir = folder(true);
  const board = write(join(dir, 'board.dts'), `/dts-v1/;\n# 1 "${secret}"\n/ { x = &nope; };\n`);
  for (const format of FORMATS) {
    const r = await runCli(['-f', format, board]);
    const out = r.stdout.toString() + r.stderr;
    assert.equal(r.code, 2, out);
    assert.match(out, /nope/);
    assert.ok(!out.includes('TOP-SECRET'), `${format}: the file a line marker names is quoted:\n${out}`);
  }
  // A file the run did compile is still shown.
  const shown = await runCli([write(join(dir, 'plain.dts'), '/dts-v1/;\n/ { x = &nope; };\n')]);
  assert.match(shown.stdout.toString(), /\/ \{ x = &nope; \};/);
});

test('hostile: includes stay inside the repository: ../common.dtsi works, a file or a link out of it is refused, --allow-include-outside reads it', async () => {
  const repo = folder(true);
  mkdirSync(join(repo, 'boards'));
  write(join(repo, 'common.dtsi'), '/ { common = <1>; };\n');
  const board = write(join(repo, 'boards', 'board.dts'), '/dts-v1/;\n/include/ "../common.dtsi"\n/ { own = <2>; };\n');
  const ok = await runChild(['compile', '-O', 'dts', board], { cwd: repo });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /common = <0x01>;/);
  // From another working folder too: the repository is found above the input.
  const elsewhere = await runChild(['compile', '-O', 'dts', board], { cwd: folder() });
  assert.equal(elsewhere.code, 0, elsewhere.stderr);

  const outside = folder();
  const secret = write(join(outside, 'secret.dtsi'), '/ { secret = "TOP-SECRET"; };\n');
  symlinkSync(secret, join(repo, 'boards', 'linked.dtsi'));
  const cases: Array<[string, string]> = [
    ['direct.dts', `/dts-v1/;\n/include/ "${secret}"\n/ { };\n`],
    ['dotdot.dts', `/dts-v1/;\n/include/ "../../${outside.split('/').pop()}/secret.dtsi"\n/ { };\n`],
    ['linked.dts', '/dts-v1/;\n/include/ "linked.dtsi"\n/ { };\n'],
    ['cpp.dts', '/dts-v1/;\n#include "linked.dtsi"\n/ { };\n'],
    ['incbin.dts', '/dts-v1/;\n/ { p = /incbin/("linked.dtsi"); };\n'],
  ];
  for (const [name, text] of cases) {
    const file = write(join(repo, 'boards', name), text);
    const refused = await runChild(['compile', file], { cwd: repo });
    assert.equal(refused.code, 2, `${name}: ${refused.stderr}`);
    assert.match(refused.stderr, new RegExp(`${name}:2:\\d+: error: .*${secret} is outside the input's repository \\(${repo}\\), the input's folder and the -I folders; --allow-include-outside reads it`));
    assert.ok(!refused.stderr.includes('TOP-SECRET'));
    const allowed = await runChild(['compile', '-O', 'dts', '--allow-include-outside', file], { cwd: repo });
    assert.equal(allowed.code, 0, `${name}: ${allowed.stderr}`);
  }
  // An -I folder outside the repository is inside the fence: the user named it.
  const viaI = write(join(repo, 'boards', 'via-i.dts'), '/dts-v1/;\n#include "secret.dtsi"\n/ { };\n');
  assert.equal((await runChild(['compile', '-I', outside, viaI], { cwd: repo })).code, 0);
});

test('hostile: a configuration file\'s include folders are searched but widen no fence (it is the repository\'s, open to a stranger)', async () => {
  const repo = folder(true);
  const outside = folder();
  write(join(outside, 'secret.h'), '#define SECRET 1\n');
  write(join(repo, '.vmgenid-lint.yaml'), `include: [${outside}]\n`);
  const board = write(join(repo, 'board.dts'), '#include "secret.h"\n/dts-v1/;\n/ { };\n');
  const r = await runChild([board], { cwd: repo });
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stdout, /board\.dts:1:10: error: fatal error: secret\.h: .*secret\.h is outside the input's repository/);
  // Named on the command line, the same folder is the user's choice.
  const named = await runChild(['-I', outside, board], { cwd: repo });
  assert.equal(named.code, 0, named.stdout);
});

test('hostile: a configuration file found by walking up is read only if it is a regular file (a link to /proc/self/environ is refused)', async () => {
  const repo = folder(true);
  symlinkSync('/proc/self/environ', join(repo, '.vmgenid-lint.yaml'));
  const board = write(join(repo, 'board.dts'), '/dts-v1/;\n/ { };\n');
  const r = await runChild([board], { cwd: repo });
  assert.equal(r.code, 2);
  assert.ok(!(r.stdout + r.stderr).includes(SECRET.split('=')[1]!), r.stderr);
  assert.match(r.stderr, /\.vmgenid-lint\.yaml: error: cannot read: \/proc\/\d+\/environ is a special file/);
});

test('hostile: a file found below a folder argument is read as an include is: a link to /proc or out of the repository is refused', async () => {
  const repo = folder(true);
  const outside = folder();
  const secret = write(join(outside, 'secret.dts'), '/dts-v1/;\n/ { s = "TOP-SECRET"; x = &nope; };\n');
  mkdirSync(join(repo, 'dts'));
  symlinkSync('/proc/self/environ', join(repo, 'dts', 'env.dts'));
  symlinkSync(secret, join(repo, 'dts', 'out.dts'));
  write(join(repo, 'dts', 'fine.dts'), '/dts-v1/;\n/ { };\n');
  const r = await runChild([join(repo, 'dts')], { cwd: repo });
  assert.equal(r.code, 2);
  assert.ok(!r.stdout.includes('TOP-SECRET') && !r.stdout.includes(SECRET.split('=')[1]!), r.stdout);
  assert.match(r.stdout, /env\.dts: error: cannot read: \/proc\/\d+\/environ is a special file/);
  assert.match(r.stdout, /out\.dts: error: cannot read: .*secret\.dts is outside the input's repository/);
  assert.match(r.stdout, /in 3 files/);
});

test('hostile: without a repository the working folder is the fence; the package\'s own dt-bindings headers are always reachable', async () => {
  const top = folder();
  mkdirSync(join(top, 'sub'));
  write(join(top, 'common.dtsi'), '/ { common = <1>; };\n');
  const board = write(join(top, 'sub', 'board.dts'), '#include <dt-bindings/interrupt-controller/arm-gic.h>\n/dts-v1/;\n/include/ "../common.dtsi"\n/ { irq = <GIC_SPI>; };\n');
  assert.equal((await runChild(['compile', board], { cwd: top })).code, 0);
  const r = await runChild(['compile', board], { cwd: join(top, 'sub') });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /board\.dts:3:1: error: Couldn't open "\.\.\/common\.dtsi": .*common\.dtsi is outside the working folder \(.*\/sub; no repository above the input\)/);
});

test('hostile: a Linux-style -I folder of links (scripts/dtc/include-prefixes) inside the repository keeps working', async () => {
  const repo = folder(true);
  mkdirSync(join(repo, 'include', 'dt-bindings', 'x'), { recursive: true });
  mkdirSync(join(repo, 'scripts', 'include-prefixes'), { recursive: true });
  mkdirSync(join(repo, 'arch', 'boot'), { recursive: true });
  write(join(repo, 'include', 'dt-bindings', 'x', 'v.h'), '#define VALUE 7\n');
  symlinkSync('../../include/dt-bindings', join(repo, 'scripts', 'include-prefixes', 'dt-bindings'));
  const board = write(join(repo, 'arch', 'boot', 'board.dts'), '#include <dt-bindings/x/v.h>\n/dts-v1/;\n/ { v = <VALUE>; };\n');
  const r = await runChild(['compile', '-O', 'dts', '-I', 'scripts/include-prefixes', board], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /v = <0x07>;/);
});

// ── The live folder ───────────────────────────────────────────────────────

function liveFolder(): string {
  const dir = folder();
  writeFileSync(join(dir, '#address-cells'), Buffer.from([0, 0, 0, 2]));
  writeFileSync(join(dir, 'compatible'), 'test,board\0');
  mkdirSync(join(dir, 'soc'));
  return dir;
}

function refusal(dir: string): InputError {
  try {
    readDeviceTreeFolder(dir);
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err;
  }
  assert.fail('the folder was read');
}

test('hostile: a live folder\'s links out of it (pagemap, kmsg, /, environ) are refused, naming the entry', async () => {
  const targets = ['/proc/self/pagemap', '/proc/kmsg', '/', '/proc/self/environ'].filter((t) => existsSync(t));
  for (const target of targets) {
    const dir = liveFolder();
    const entry = join(dir, 'soc', 'evil');
    symlinkSync(target, entry);
    const d = refusal(dir).diagnostics[0]!;
    assert.equal(d.file, entry);
    assert.equal(d.nodePath, '/soc');
    assert.match(d.message, new RegExp(`a symbolic link to ${target === '/' ? '/' : '/proc/[^ ]+'}, outside the folder ${dir}`));
    // And through the CLI, in a child that cannot hang the run: exit 2.
    const r = await runChild([dir], { timeoutMs: 20_000 });
    assert.equal(r.killed, false, `${target}: hung`);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /soc\/evil: \/soc: error: a symbolic link to .*outside the folder/);
  }
});

test('hostile: a live folder holding a FIFO is refused unopened; links inside the folder still work', async (t) => {
  const dir = liveFolder();
  writeFileSync(join(dir, 'soc', 'real'), 'x\0');
  symlinkSync('real', join(dir, 'soc', 'alias'));
  const tree = readDeviceTreeFolder(dir);
  assert.deepEqual([...tree.root.child('soc')!.property('alias')!.value.bytes], [0x78, 0]);
  // The top itself may be a link (/proc/device-tree is one, to /sys/firmware/devicetree/base).
  const link = join(folder(), 'device-tree');
  symlinkSync(dir, link);
  assert.ok(readDeviceTreeFolder(link).root.child('soc'));
  if (!hasMkfifo()) return t.skip('mkfifo is not installed');
  fifo(join(dir, 'soc', 'pipe'));
  const d = refusal(dir).diagnostics[0]!;
  assert.equal(d.file, join(dir, 'soc', 'pipe'));
  assert.match(d.message, /a FIFO, neither a file \(a property\) nor a folder \(a node\)/);
  const r = await runChild([dir], { timeoutMs: 10_000 });
  assert.equal(r.killed, false);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /soc\/pipe: \/soc: error: a FIFO, neither a file/);
});

test('hostile: a source in /dev/shm (tmpfs, ordinary files) includes its neighbours; /dev itself stays refused', async (t) => {
  // Found by the fuzzer, whose cases live in /dev/shm: every include there was refused as "under /dev".
  if (!existsSync('/dev/shm')) return t.skip('no /dev/shm on this machine');
  const dir = mkdtempSync('/dev/shm/vmgenid-hostile-');
  try {
    write(join(dir, 'common.dtsi'), '/ { common = <1>; };\n');
    const board = write(join(dir, 'board.dts'), '/dts-v1/;\n/include/ "common.dtsi"\n/ { own = <2>; };\n');
    const r = await runChild(['compile', '-O', 'dts', board], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /common = <0x01>;/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hostile: -o naming an include the policy refused is refused too: the run asked for it as its source', async () => {
  // Found by the fuzzer: the include was refused (outside the repository), so "read" it was not, and the
  // report went over it.
  const repo = folder(true);
  const outside = folder();
  const dtsi = write(join(outside, 'common.dtsi'), '/ { common = <1>; };\n');
  const board = write(join(repo, 'board.dts'), `/dts-v1/;\n/include/ "${dtsi}"\n/ { };\n`);
  const r = await runChild(['-o', dtsi, board], { cwd: repo });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /refusing to write the output over .*common\.dtsi, which this run read; nothing written/);
  assert.equal(readFileSync(dtsi, 'latin1'), '/ { common = <1>; };\n');
});

test('hostile: bindings named by a configuration are fenced as includes are; a binding that is a link to /proc is refused unread', async () => {
  // Found in review for issue 18: `schema:` in a stranger's .vmgenid-lint.yaml, or a link in a bindings
  // folder, fed /proc/self/environ to the YAML parser, whose messages can quote what it read.
  const repo = folder(true);
  write(join(repo, 'board.dts'), '/dts-v1/;\n/ { compatible = "example,board"; };\n');
  write(join(repo, '.vmgenid-lint.yaml'), 'schema: [/proc/self/environ]\n');
  const config = await runChild([join(repo, 'board.dts')], { cwd: repo });
  assert.equal(config.code, 2, config.stdout + config.stderr);
  assert.match(config.stderr, /\.vmgenid-lint\.yaml: error: schema: \/proc\/\d+\/environ is outside the input's repository/);
  mkdirSync(join(repo, 'bindings'));
  symlinkSync('/proc/self/environ', join(repo, 'bindings', 'env.yaml'));
  write(join(repo, '.vmgenid-lint.yaml'), 'schema: [bindings]\n');
  const linked = await runChild([join(repo, 'board.dts')], { cwd: repo });
  assert.match(linked.stdout, /env\.yaml.*is a special file \(it is under \/proc\)/);
  for (const r of [config, linked]) assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the environment reached the report');
});
