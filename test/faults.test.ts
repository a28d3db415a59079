/**
 * Faults: blobs that lie, broken interrupt graphs, bad files and outputs.
 * Each gives a clear diagnostic and exit 2 (or a finding, exit 1), in bounded
 * time — never an exception, a hang or a silent pass — and nothing is lost.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import { InputError } from '../src/source/diagnostic.js';
import { compileString, projectPath, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmgenid-faults-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};
const board = readFileSync(projectPath('fixtures/example/board.dts'), 'latin1');
const good = writeDtb(compileString(board).tree!);

async function lint(args: string[], stdin?: Uint8Array) {
  const start = Date.now();
  const r = await runCli(args, stdin ? { stdin } : {});
  return { ...r, out: r.stdout.toString('latin1') + r.stderr, ms: Date.now() - start };
}

// --- blobs that lie ------------------------------------------------------------

function lie(edit: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const b = good.slice();
  edit(new DataView(b.buffer), b);
  return b;
}
const structOff = (v: DataView) => v.getUint32(8);
const stringsOff = (v: DataView) => v.getUint32(12);

const lies: Array<[string, Uint8Array, RegExp]> = [
  ['header totalsize beyond the file', lie((v) => v.setUint32(4, good.length + 1)), /totalsize \d+ is larger than the blob/],
  ['structure size beyond the file', lie((v) => v.setUint32(36, good.length)), /structure block .* extends past totalsize/],
  ['strings size beyond the file', lie((v) => v.setUint32(32, good.length)), /strings block .* extends past totalsize/],
  ['structure and strings blocks overlap', lie((v) => v.setUint32(12, structOff(v) + 8)), /structure block .* and strings block .* overlap|strings block .* and structure block .* overlap/],
  ['reservation map overlaps the structure block', lie((v) => v.setUint32(8, v.getUint32(16) + 8)), /memory reservation block .* overlap/],
  ['misaligned reservation map', lie((v) => v.setUint32(16, v.getUint32(16) + 4)), /not 8-byte aligned/],
  ['misaligned structure block', lie((v) => v.setUint32(8, structOff(v) + 1)), /not 4-byte aligned/],
  ['node name without a terminator', lie((v, b) => b.fill(0x61, structOff(v) + 4, stringsOff(v))), /node name at 0x[0-9a-f]+ is not NUL-terminated/],
  ['strings block without a terminator', lie((v, b) => b.fill(0x61, stringsOff(v))), /property name at string offset \d+ is not NUL-terminated/],
  ['string offset outside the table', lie((v) => v.setUint32(structOff(v) + 16, 0x7fffffff)), /outside the strings block/],
  ['missing FDT_END', lie((v) => v.setUint32(structOff(v) + v.getUint32(36) - 4, 4)), /FDT_END at offset 0x[0-9a-f]+ runs past the end of its block/],
  ['an extra FDT_END_NODE', lie((v) => v.setUint32(structOff(v) + v.getUint32(36) - 4, 2)), /expected FDT_END after the root node .* found 0x2/],
  ['FDT_END before the root is closed', lie((v) => v.setUint32(structOff(v) + v.getUint32(36) - 8, 9)), /FDT_END at 0x[0-9a-f]+ before node '\/' was closed/],
  ['reservation map without its terminator', lie((v, b) => b.fill(0xff, v.getUint32(16), structOff(v))), /memory reservation block has no terminating entry|overlap/],
  ['unknown old version', lie((v) => v.setUint32(20, 3)), /version 3 is not supported/],
  ['unknown future version', lie((v) => (v.setUint32(20, 99), v.setUint32(24, 99))), /last compatible version 99 is newer than 17/],
];

for (const [name, bytes, message] of lies) {
  test(`faults: a blob that lies — ${name} — is an error naming the file, exit 2`, async () => {
    assert.throws(() => readDtb(bytes, 'lie.dtb'), (err) => err instanceof InputError && message.test(err.diagnostics[0]!.message) && err.diagnostics[0]!.file === 'lie.dtb');
    const path = write(`${name.replace(/\W+/g, '-')}.dtb`, bytes);
    for (const args of [[path], ['compile', '-O', 'dts', path]]) {
      const r = await lint(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.out, new RegExp(`${name.replace(/\W+/g, '-')}\\.dtb: (/[^ ]*: )?error: `));
    }
  });
}

test('faults: a blob with unbalanced begin tokens (never closed) is an error, not a hang', () => {
  const b = good.slice();
  const v = new DataView(b.buffer);
  // Every FDT_END_NODE becomes FDT_NOP: the nodes are never closed.
  for (let o = structOff(v); o < structOff(v) + v.getUint32(36); o += 4) if (v.getUint32(o) === 2) v.setUint32(o, 4);
  assert.throws(() => readDtb(b, 'open.dtb'), /FDT_END at 0x[0-9a-f]+ before node/);
});

// --- broken interrupt graphs ---------------------------------------------------

const HEAD = '/dts-v1/;\n/ {\n\tcompatible = "example,board";\n\tmodel = "m";\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n';
const vmgenid = (parent: string, extra = '') =>
  `\trng@9000000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0x0 0x09000000 0x0 0x10>;\n\t\tinterrupt-parent = <${parent}>;\n\t\tinterrupts = <0 35 1>;\n${extra}\t};\n};\n`;
const graphs: Array<[string, string, RegExp, string?]> = [
  ['an interrupt-parent loop (A -> B -> A)', HEAD + '\ta: a { interrupt-parent = <&b>; };\n\tb: b { interrupt-parent = <&a>; };\n' + vmgenid('&a'), /interrupt-parent chain loops \(\/rng@9000000 -> \/a -> \/b -> \/a\)/],
  ['a node that is its own interrupt parent', HEAD.replace('/ {', '/ {') + vmgenid('&self').replace('\trng@', '\tself: rng@'), /interrupt-parent chain loops \(\/rng@9000000 -> \/rng@9000000\)/],
  ['a phandle that does not exist', HEAD + vmgenid('0x77'), /interrupt-parent <0x77> of \/rng@9000000 refers to no node/],
  ['an interrupt-map loop between two nexuses', HEAD +
    '\ta: a { #interrupt-cells = <3>; #address-cells = <0>; interrupt-map = <0 35 1 &b 0 35 1>; };\n' +
    '\tb: b { #interrupt-cells = <3>; #address-cells = <0>; interrupt-map = <0 35 1 &a 0 35 1>; };\n' + vmgenid('&a'), /the interrupt-map of \/a leads back to itself/],
  ['a phandle value used twice', HEAD + '\ta: a { phandle = <5>; interrupt-controller; #interrupt-cells = <3>; };\n\tb: b { phandle = <5>; interrupt-parent = <5>; };\n' + vmgenid('5'), /duplicated phandle 0x5 \(seen before at \/a\)/, 'explicit_phandles'],
];

for (const [name, source, message, check] of graphs) {
  test(`faults: ${name} is a finding, in DTS and DTB form, with and without --all`, async () => {
    const dts = write(`${name.replace(/\W+/g, '-')}.dts`, source);
    const tree = compileString(source.replace(/phandle = <5>; interrupt-parent/, 'interrupt-parent')).tree ?? compileString(source).tree;
    // dtc refuses a duplicate phandle; the blob is written from the tree with the second phandle patched back in.
    const t = compileString(source.replace('b: b { phandle = <5>;', 'b: b { phandle = <6>;')).tree ?? tree!;
    if (check) t.root.child('b')!.property('phandle')!.value = compileString('/dts-v1/; / { p = <5>; };').tree!.root.property('p')!.value;
    const dtb = write(`${name.replace(/\W+/g, '-')}.dtb`, writeDtb(t));
    for (const args of [[dts], ['--all', dts], [dtb], ['--all', dtb]]) {
      const r = await lint(args);
      // dtc refuses a tree its checks find errors in, from DTS or DTB: exit 2 ("cannot be compiled"), findings still shown.
      assert.ok(r.code === (check !== undefined ? 2 : 1), `${args.join(' ')}: exit ${r.code}\n${r.out}`);
      assert.match(r.out, message, args.join(' '));
      if (!check) assert.match(r.out, /\[vmgenid-interrupt-parent[\],]/);
      assert.ok(r.ms < 5000, `${r.ms} ms`);
    }
  });
}

// --- file faults -----------------------------------------------------------------

test('faults: a missing file, a directory for compile, a broken symbolic link: exit 2 with the reason', async () => {
  const missing = await lint([join(dir, 'nope.dts')]);
  assert.equal(missing.code, 2);
  assert.match(missing.out, /nope\.dts: error: cannot read: No such file or directory/);
  const sub = join(dir, 'empty-folder');
  mkdirSync(sub, { recursive: true });
  const compileDir = await lint(['compile', sub]);
  assert.equal(compileDir.code, 2);
  assert.match(compileDir.out, /empty-folder: error: cannot read: Is a directory/);
  const link = join(dir, 'dangling.dts');
  symlinkSync(join(dir, 'nowhere.dts'), link);
  const broken = await lint([link]);
  assert.equal(broken.code, 2);
  assert.match(broken.out, /dangling\.dts: error: cannot read: No such file or directory/);
});

test('faults: a file without read permission is exit 2, Permission denied', async () => {
  const path = write('secret.dts', board);
  chmodSync(path, 0o000);
  try {
    if (process.getuid?.() === 0) {
      // Root reads anything: run the real CLI as nobody instead (the tree it needs is world-readable).
      chmodSync(dir, 0o755);
      const r = spawnSync(process.execPath, [projectPath('bin/vmgenid-lint.js'), path], { uid: 65534, gid: 65534, encoding: 'utf8' });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stdout, /secret\.dts: error: cannot read: Permission denied/);
    } else {
      const r = await lint([path]);
      assert.equal(r.code, 2);
      assert.match(r.out, /secret\.dts: error: cannot read: Permission denied/);
    }
  } finally {
    chmodSync(path, 0o644);
  }
});

test('faults: binary garbage that is not a DTB is a positioned error, bounded output, exit 2', async () => {
  let seed = 7;
  const bytes = new Uint8Array(200_000).map(() => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff);
  const r = await lint(['-'], bytes);
  assert.equal(r.code, 2);
  assert.match(r.out, /<stdin>:\d+:\d+: error: /);
  assert.ok(r.out.length < 2_000_000, `${r.out.length} bytes of report`);
  assert.ok(r.ms < 5000, `${r.ms} ms`);
});

test('faults: a UTF-8 BOM is skipped with a warning; positions after it are right (with and without cpp)', async () => {
  for (const text of ['\xef\xbb\xbf/dts-v1/;\n/ {\n\tx = <1 2;\n};\n', '\xef\xbb\xbf#define Y 1\n/dts-v1/;\n/ {\n\tx = <Y 2;\n};\n']) {
    const r = await lint(['-'], new Uint8Array(Buffer.from(text, 'latin1')));
    assert.equal(r.code, 2);
    const line = text.includes('#define') ? 4 : 3;
    assert.match(r.out, new RegExp(`<stdin>:${line}:10: error: syntax error`));
    assert.match(r.out, /<stdin>:1:1: warning: UTF-8 byte order mark at the start of the file ignored/);
  }
  const ok = compileString('\xef\xbb\xbf/dts-v1/;\n/ { x = <(1/0)>; };\n');
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.span?.line, d.span?.col]), [[2, 11]]);
  // On line 1, the column counts from after the mark.
  const one = compileString('\xef\xbb\xbf/dts-v1/; / { x = <(1/0)>; };\n');
  assert.deepEqual(one.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.span?.line, d.span?.col]), [[1, 21]]);
});

test('faults: CRLF line ends, NUL bytes and a very long line keep line:col right', async () => {
  const crlf = compileString('/dts-v1/;\r\n/ {\r\n\tx = <1 2;\r\n};\r\n');
  assert.deepEqual(crlf.diagnostics.map((d) => [d.span?.line, d.span?.col]), [[3, 10]]);
  const nul = compileString('/dts-v1/;\n/ {\n\tx = \0<1>;\n};\n');
  assert.deepEqual(nul.diagnostics.map((d) => [d.span?.line, d.span?.col]), [[3, 6]]);
  const long = `/dts-v1/;\n/ { ${'p = <1>; '.repeat(200_000)}x = <1 2; };\n`;
  const r = await lint(['--no-cpp', '-'], new Uint8Array(Buffer.from(long, 'latin1')));
  assert.equal(r.code, 2);
  assert.match(r.out, new RegExp(`<stdin>:2:${13 + 9 * 200_000}: error: syntax error`));
  assert.ok(r.out.length < 2000, `${r.out.length} bytes of report`);
});

// --- nothing lost ----------------------------------------------------------------

test('faults: inputs are opened read-only (no write flag in the readers)', () => {
  for (const file of ['src/source/host.ts', 'src/dtb/fs-read.ts']) {
    const text = readFileSync(projectPath(file), 'utf8');
    for (const m of text.matchAll(/openSync\([^,]+,\s*'([^']+)'/g)) assert.equal(m[1], 'r', `${file}: openSync with '${m[1]}'`);
    assert.doesNotMatch(text, /writeFileSync|appendFileSync|rmSync|unlinkSync|renameSync/, file);
  }
});

test('faults: a failed compile or lint leaves no output file and no temporary file', async () => {
  const out = join(dir, 'outs');
  mkdirSync(out, { recursive: true });
  const bad = write('bad.dts', '/dts-v1/;\n/ { x = <1 2; };\n');
  const c = await lint(['compile', '-o', join(out, 'bad.dtb'), bad]);
  assert.equal(c.code, 2);
  // An output folder that does not exist: a clear error, nothing left behind.
  const l = await lint(['-o', join(out, 'no', 'such', 'report.txt'), bad]);
  assert.equal(l.code, 2);
  assert.match(l.out, /report\.txt|no such file|ENOENT/i);
  assert.deepEqual(readdirSync(out), []);
  // A good run writes the file and leaves no temporary beside it.
  const goodPath = write('good.dts', board);
  assert.equal((await lint(['compile', '-o', join(out, 'good.dtb'), goodPath])).code, 0);
  assert.deepEqual(readdirSync(out), ['good.dtb']);
});

test('faults: an output equal to an input — by symbolic link, by another spelling, by hard link — is refused', async () => {
  const sub = join(dir, 'same');
  mkdirSync(sub, { recursive: true });
  const input = join(sub, 'a.dts');
  writeFileSync(input, board);
  symlinkSync(input, join(sub, 'link.dts'));
  linkSync(input, join(sub, 'hard.dts'));
  for (const output of [join(sub, 'link.dts'), `${sub}/./x/../a.dts`, join(sub, 'hard.dts'), `${sub}//a.dts`]) {
    for (const args of [['compile', '-O', 'dts', '-o', output, input], ['-o', output, input]]) {
      const r = await lint(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.out, /refusing to write the output over the input/);
      assert.equal(readFileSync(input, 'latin1'), board);
      assert.ok(existsSync(join(sub, 'link.dts')));
    }
  }
});
