/**
 * Outputs that destroy nothing (issue 18): `-o` writes a regular file
 * atomically and keeps its mode, owner and symbolic link; writes devices and
 * FIFOs in place; never writes over a file the run read; a signal during the
 * write leaves no temporary file; a closed pipe keeps the verdict's exit
 * code; a write error names the target and the real cause, never a
 * temporary file. Devices are made with mknod inside a temporary folder:
 * the machine's own /dev is never a target here.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { projectPath, runCli } from './helpers.js';

const bin = projectPath('bin/vmgenid-lint.js');
const isRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'vmgenid-outputs-'));
// Readable by nobody, for the tests that run the CLI as nobody.
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));
const board = readFileSync(projectPath('fixtures/example/board.dts'), 'latin1');
const badInput = projectPath('test/fixtures/lint/bad-schema.dts');

/** A fresh folder under the test's own. */
function folder(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o755);
  return path;
}

function put(path: string, data: string | Uint8Array, mode = 0o644): string {
  writeFileSync(path, data);
  chmodSync(path, mode);
  return path;
}

/** A device node made for the test (root only); null when mknod is not allowed here. */
function device(path: string, major: number, minor: number): string | null {
  if (!isRoot) return null;
  const r = spawnSync('mknod', [path, 'c', String(major), String(minor)]);
  return r.status === 0 ? path : null;
}

async function cli(args: string[]) {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout.toString('latin1'), err: r.stderr };
}

/** The entries a run left in a folder, temporary files included. */
const entries = (path: string) => readdirSync(path).sort();

// --- 1. regular files atomically, devices and FIFOs in place, folders refused ---------------------

test('outputs: -o onto a symbolic link writes its target and the link stays a link', async () => {
  const real = folder('link-real');
  const links = folder('link-links');
  const input = put(join(dir, 'link-board.dts'), board);
  for (const [name, args] of [
    ['report.txt', (o: string) => ['-o', o, input]],
    ['board.dtb', (o: string) => ['compile', '-o', o, input]],
  ] as const) {
    put(join(real, name), 'old\n');
    symlinkSync(`../link-real/${name}`, join(links, name));
    const r = await cli(args(join(links, name)));
    assert.equal(r.code, 0, r.err);
    assert.ok(lstatSync(join(links, name)).isSymbolicLink(), `${name}: the link was replaced`);
    assert.equal(readlinkSync(join(links, name)), `../link-real/${name}`);
    assert.notEqual(readFileSync(join(real, name), 'latin1'), 'old\n', `${name}: the link's target was not written`);
  }
  // A link to a file not yet there: the file is made where the link points.
  symlinkSync('../link-real/new.dtb', join(links, 'new.dtb'));
  assert.equal((await cli(['compile', '-o', join(links, 'new.dtb'), input])).code, 0);
  assert.ok(lstatSync(join(links, 'new.dtb')).isSymbolicLink());
  assert.ok(statSync(join(real, 'new.dtb')).isFile());
  // The temporary file was made beside the target, and is gone.
  assert.deepEqual(entries(real), ['board.dtb', 'new.dtb', 'report.txt']);
  assert.deepEqual(entries(links), ['board.dtb', 'new.dtb', 'report.txt']);
});

test('outputs: -o onto an existing file keeps its mode (and its owner, where permitted)', async () => {
  const out = folder('mode');
  const input = put(join(dir, 'mode-board.dts'), board);
  for (const mode of [0o640, 0o600, 0o664]) {
    const target = put(join(out, `report-${mode.toString(8)}.txt`), 'old\n', mode);
    if (isRoot) chownSync(target, 65534, 65534);
    assert.equal((await cli(['-o', target, input])).code, 0);
    const st = statSync(target);
    assert.equal(st.mode & 0o7777, mode, `mode ${(st.mode & 0o7777).toString(8)}, not ${mode.toString(8)}`);
    if (isRoot) assert.deepEqual([st.uid, st.gid], [65534, 65534], 'owner kept');
    assert.notEqual(readFileSync(target, 'latin1'), 'old\n');
  }
  // A new file gets the usual mode for new files (0666 less the umask).
  const umask = process.umask();
  const fresh = join(out, 'fresh.dtb');
  assert.equal((await cli(['compile', '-o', fresh, input])).code, 0);
  assert.equal(statSync(fresh).mode & 0o777, 0o666 & ~umask);
});

test('outputs: -o onto a FIFO writes into it in place (the FIFO stays a FIFO)', async () => {
  const out = folder('fifo');
  const fifo = join(out, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const input = put(join(dir, 'fifo-board.dts'), board);
  // A reader first (non-blocking), so that the CLI's open for writing does not wait.
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const r = await cli(['-f', 'json', '-o', fifo, input]);
    assert.equal(r.code, 0, r.err);
    assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO was replaced by a file');
    const buf = Buffer.alloc(65536);
    const n = readSync(reader, buf, 0, buf.length, null);
    assert.match(buf.subarray(0, n).toString('utf8'), /"tool": "vmgenid-lint"/);
  } finally {
    closeSync(reader);
  }
  assert.deepEqual(entries(out), ['pipe']);
});

test('outputs: -o onto a character device (a /dev/null made here) writes in place and leaves the device', async (t) => {
  const out = folder('device');
  const nul = device(join(out, 'null'), 1, 3);
  if (!nul) {
    t.skip('making a device node needs root (mknod); the FIFO test covers writing in place');
    return;
  }
  const input = put(join(dir, 'device-board.dts'), board);
  for (const args of [['compile', '-o', nul, input], ['-o', nul, input]]) {
    const r = await cli(args);
    assert.equal(r.code, 0, r.err);
    assert.ok(lstatSync(nul).isCharacterDevice(), `${args.join(' ')}: the device became a ${lstatSync(nul).isFile() ? 'regular file' : 'something else'}`);
  }
  assert.deepEqual(entries(out), ['null']);
});

test('outputs: -o naming an open descriptor (/proc/self/fd/1, as /dev/stdout is) writes into it: a pipe, or a file opened to append', () => {
  // /proc/self/fd/1 rather than /dev/stdout: a build without the fix, run as root, would replace this machine's /dev/stdout.
  const args = ['compile', '-O', 'dts', '-o', '/proc/self/fd/1', projectPath('fixtures/example/board.dts')];
  const piped = spawnSync(process.execPath, [bin, ...args], { encoding: 'latin1' });
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stdout, /^\/dts-v1\/;/);
  const log = put(join(folder('descriptor'), 'log.txt'), 'first line\n');
  const fd = openSync(log, 'a');
  try {
    const r = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'latin1' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    closeSync(fd);
  }
  assert.match(readFileSync(log, 'latin1'), /^first line\n\/dts-v1\/;/);
  assert.deepEqual(entries(join(dir, 'descriptor')), ['log.txt']);
});

test('outputs: -o naming a folder is refused clearly, with nothing written', async () => {
  const out = folder('a-folder');
  const input = put(join(dir, 'folder-board.dts'), board);
  for (const args of [['compile', '-o', out, input], ['-o', out, input]]) {
    const r = await cli(args);
    assert.equal(r.code, 2);
    assert.match(r.err, /a-folder: error: cannot write: it is a directory; give a file name/);
  }
  assert.deepEqual(entries(out), []);
});

// --- 2. never over a file the run read ------------------------------------------------------------

test('outputs: -o naming a file the run read (/include/, /incbin/, #include, --schema, --base, --config) is refused, nothing written', async () => {
  const src = folder('read');
  put(join(src, 'part.dtsi'), '/ { from-part = <1>; };\n');
  put(join(src, 'blob.bin'), 'BLOB');
  put(join(src, 'defs.h'), '#define VALUE 7\n');
  const main = put(join(src, 'main.dts'), `${board}\n#include "defs.h"\n/include/ "part.dtsi"\n/ { blob = /incbin/("blob.bin"); value = <VALUE>; };\n`);
  const bindings = folder('read/bindings');
  const binding = put(join(bindings, 'test,unrelated.yaml'), readFileSync(projectPath('test/fixtures/lint/bindings/misc/test,unrelated.yaml'), 'latin1'));
  const config = put(join(src, 'config.yaml'), 'rules:\n  vmgenid-node-name: off\n');
  const base = put(join(src, 'base.dts'), board);
  const overlay = put(join(src, 'overlay.dtso'), '/dts-v1/;\n/plugin/;\n&{/} { extra = <1>; };\n');
  const before = new Map(entries(src).filter((f) => f !== 'bindings').map((f) => [f, readFileSync(join(src, f), 'latin1')]));
  const cases: Array<[string, string[]]> = [
    ['part.dtsi', ['-o', join(src, 'part.dtsi'), main]],
    ['part.dtsi', ['compile', '-o', join(src, 'part.dtsi'), main]],
    ['blob.bin', ['-o', join(src, 'blob.bin'), main]],
    ['blob.bin', ['compile', '-o', join(src, 'blob.bin'), main]],
    ['defs.h', ['-o', join(src, 'defs.h'), main]],
    ['defs.h', ['compile', '-O', 'dts', '-o', `${src}/./bindings/../defs.h`, main]],
    ['test,unrelated.yaml', ['--schema', bindings, '-o', binding, main]],
    ['config.yaml', ['--config', join(src, 'config.yaml'), '-o', config, main]],
    ['base.dts', ['--base', base, '-o', base, overlay]],
  ];
  for (const [file, args] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`refusing to write the output over .*${file.replace(/[.,]/g, '\\$&')}`), args.join(' '));
    for (const [f, text] of before) assert.equal(readFileSync(join(src, f), 'latin1'), text, `${args.join(' ')}: ${f} changed`);
    assert.deepEqual(entries(src), [...before.keys(), 'bindings'].sort(), 'no temporary file');
    assert.equal(readFileSync(binding, 'latin1').includes('A user'), true);
  }
  // A file the run did not read is written as usual.
  const fresh = join(src, 'out.dtb');
  assert.equal((await cli(['compile', '-o', fresh, main])).code, 0);
  rmSync(fresh);
});

test('outputs: -o naming the file standard input comes from (`- < f -o f`) is refused, nothing written', () => {
  const src = folder('stdin');
  const file = put(join(src, 'board.dts'), board);
  for (const args of [['-', '-o', file], ['compile', '-O', 'dts', '-o', file, '-']]) {
    // Its own open file for each run: the first run reads the shared offset to the end.
    const fd = openSync(file, 'r');
    try {
      const r = spawnSync(process.execPath, [bin, ...args], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /refusing to write the output over \/dev\/stdin, which this run read/);
      assert.equal(readFileSync(file, 'latin1'), board);
    } finally {
      closeSync(fd);
    }
  }
  assert.deepEqual(entries(src), ['board.dts']);
});

test('outputs: -o into a live-tree folder the run read is refused, nothing written', async () => {
  const live = folder('live-tree');
  put(join(live, 'compatible'), 'example,virt\0');
  put(join(live, '#address-cells'), new Uint8Array([0, 0, 0, 2]));
  const before = entries(live);
  for (const output of [join(live, 'compatible'), join(live, 'report.txt')]) {
    const r = await cli(['-o', output, live]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /refusing to write the output over .*live-tree/);
    assert.deepEqual(entries(live), before);
    assert.equal(readFileSync(join(live, 'compatible'), 'latin1'), 'example,virt\0');
  }
});

// --- 3. signals -----------------------------------------------------------------------------------

/** Start the real CLI; `done` settles with how it ended. */
function start(args: string[], env: Record<string, string> = {}, stdio: 'pipe' | 'ignore' = 'pipe') {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', stdio, 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

async function waitFor(what: string, ready: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`outputs: ${signal} while the temporary file exists removes it, leaves the target as it was, exit ${code}`, async () => {
    const out = folder(`signal-${signal}`);
    const target = put(join(out, 'out.dtb'), 'old\n', 0o640);
    // The test hook pauses between the temporary file's write and the rename (src/cli/output-file.ts).
    const run = start(['compile', '-p', '4000000', '-o', target, projectPath('fixtures/example/board.dts')], { VMGENID_LINT_TEST_PAUSE_BEFORE_RENAME_MS: '30000' });
    try {
      await waitFor('the temporary file', () => entries(out).length > 1);
      run.child.kill(signal);
      const end = await run.done;
      assert.deepEqual([end.code, end.signal], [code, null], end.stderr);
      assert.deepEqual(entries(out), ['out.dtb'], 'the temporary file was left behind');
      assert.equal(readFileSync(target, 'latin1'), 'old\n');
    } finally {
      run.child.kill('SIGKILL');
    }
  });
}

test('outputs: SIGINT during a real 60 MB write (no test hook) removes the temporary file, exit 130', async (t) => {
  const out = folder('signal-real');
  const target = put(join(out, 'out.dtb'), 'old\n');
  const run = start(['compile', '-p', '60000000', '-o', target, projectPath('fixtures/example/board.dts')]);
  let ended = false;
  void run.done.then(() => (ended = true));
  try {
    await waitFor('the temporary file or the end of the run', () => ended || entries(out).length > 1);
    if (ended) {
      t.skip('the write finished before the temporary file was seen (a fast disk); the hooked tests above cover the window');
      return;
    }
    run.child.kill('SIGINT');
    const end = await run.done;
    assert.deepEqual([end.code, end.signal], [130, null], end.stderr);
    assert.deepEqual(entries(out), ['out.dtb']);
    assert.equal(readFileSync(target, 'latin1'), 'old\n');
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('outputs: Ctrl-C still ends a run blocked writing into a FIFO nobody reads, or reading a standard input that never ends', async () => {
  const out = folder('blocked');
  const fifo = join(out, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  for (const args of [['compile', '-o', fifo, projectPath('fixtures/example/board.dts')], ['-']]) {
    const run = start(args);
    try {
      // Long enough to be blocked on the FIFO or on stdin (left open), not so long that a slow start hides a hang.
      await new Promise((r) => setTimeout(r, 1500));
      run.child.kill('SIGINT');
      const end = await Promise.race([run.done, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      assert.ok(end !== null, `${args.join(' ')}: still running 10 s after SIGINT`);
      assert.ok(end.signal === 'SIGINT' || end.code === 130, `${args.join(' ')}: ended ${end.code} ${end.signal}`);
    } finally {
      run.child.kill('SIGKILL');
    }
  }
  assert.deepEqual(entries(out), ['pipe']);
});

// --- 4. a closed pipe keeps the verdict ----------------------------------------------------------

test('outputs: a reader that closed the pipe does not change the exit code (1 findings, 2 bad input, 0 clean), quietly', async () => {
  const missing = join(dir, 'no-such-file.dts');
  for (const [args, want] of [[[badInput], 1], [[missing], 2], [[projectPath('fixtures/example/board.dts')], 0], [['compile', '-O', 'dts', badInput], 0]] as const) {
    const run = start([...args]);
    // Closed before the CLI writes anything: its write meets a pipe with no reader (EPIPE).
    run.child.stdout!.destroy();
    const end = await run.done;
    assert.equal(end.code, want, `${args.join(' ')}: ${end.stderr}`);
    assert.doesNotMatch(end.stderr, /EPIPE|internal error|at .*\.js/, args.join(' '));
  }
});

test('outputs: `vmgenid-lint bad.dts | head -c1` exits 1 even when the report is larger than the pipe', () => {
  // Many findings: a report far larger than a pipe's buffer, so that head closes the pipe mid-write.
  const many = put(join(dir, 'many.dts'), `/dts-v1/;\n/ {\n${Array.from({ length: 400 }, (_, i) => `\tvmgenid@${i} { compatible = "microsoft,vmgenid"; x-${'y'.repeat(100)} = <1 2 3>; };\n`).join('')}};\n`);
  const size = spawnSync(process.execPath, [bin, '--verbose', many], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(size.status, 1);
  assert.ok(size.stdout.length > 256 * 1024, `the report is only ${size.stdout.length} bytes`);
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" --verbose "${many}" | head -c1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.equal(r.stdout.trim(), '1', r.stderr);
  assert.equal(r.stderr, '', 'no EPIPE error or stack trace');
});

// --- 5. messages ---------------------------------------------------------------------------------

const noTemp = (text: string) => assert.doesNotMatch(text, /\.tmp\b|\.\d{3,}\./, `a temporary name in: ${text}`);

test('outputs: -o into a folder the user cannot write names the folder and "permission denied", no temporary name', async () => {
  const ro = folder('read-only');
  chmodSync(ro, 0o555);
  const target = join(ro, 'report.txt');
  const input = projectPath('fixtures/example/board.dts');
  for (const args of [['-o', target, input], ['compile', '-o', target, input]]) {
    let stderr: string;
    let status: number | null;
    if (isRoot) {
      // Root writes anywhere: run the real CLI as nobody instead.
      const r = spawnSync(process.execPath, [bin, ...args], { uid: 65534, gid: 65534, encoding: 'utf8' });
      [stderr, status] = [r.stderr, r.status];
    } else {
      const r = await cli(args);
      [stderr, status] = [r.err, r.code];
    }
    assert.equal(status, 2, stderr);
    assert.match(stderr, /read-only\/report\.txt: error: cannot write: permission denied: cannot create a file in the folder .*read-only/);
    noTemp(stderr);
  }
  assert.deepEqual(entries(ro), []);
});

test('outputs: -o under a path whose parent is a file, or a folder that does not exist, names the real cause', async () => {
  const out = folder('not-a-folder');
  const file = put(join(out, 'plain.txt'), 'x\n');
  const input = projectPath('fixtures/example/board.dts');
  for (const args of [['-o', join(file, 'report.txt'), input], ['compile', '-o', join(file, 'deeper', 'x.dtb'), input]]) {
    const r = await cli(args);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot write: .*plain\.txt is not a folder/);
    noTemp(r.err);
  }
  const r = await cli(['compile', '-o', join(out, 'no', 'such', 'x.dtb'), input]);
  assert.equal(r.code, 2);
  assert.match(r.err, /x\.dtb: error: cannot write: the folder .*not-a-folder\/no does not exist/);
  noTemp(r.err);
  // An empty name, or one ending in /, names no file: refused, not resolved to the folder's own name.
  for (const [output, cause] of [['', /the file name is empty/], [`${join(out, 'sub')}/`, /ends in \/, which names a directory/]] as const) {
    for (const command of [[], ['compile']]) {
      const e = await cli([...command, '-o', output, input]);
      assert.equal(e.code, 2, `${command.join(' ')} -o '${output}'`);
      assert.match(e.err, cause);
    }
  }
  assert.deepEqual(entries(out), ['plain.txt']);
  assert.deepEqual(entries(dir).filter((f) => f.startsWith('not-a-folder')), ['not-a-folder']);
});

test('outputs: a full device (a /dev/full made here) says "no space left on device"', async (t) => {
  const out = folder('full');
  const full = device(join(out, 'full'), 1, 7);
  if (!full) {
    t.skip('making a device node needs root (mknod)');
    return;
  }
  const r = await cli(['compile', '-o', full, projectPath('fixtures/example/board.dts')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /full: error: cannot write: no space left on device/);
  assert.ok(lstatSync(full).isCharacterDevice());
  assert.ok(!existsSync(join(out, 'full.tmp')));
  assert.deepEqual(entries(out), ['full']);
});
