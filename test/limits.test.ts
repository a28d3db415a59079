/**
 * Every limit on hostile input: a named constant, a clear error (file and
 * line:col where there is one), exit 2 from the CLI, in bounded time and
 * memory. Big inputs are generated here, never committed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAX_EXPANSION_TOKENS } from '../src/cpp/expand.js';
import { MAX_EXPRESSION_DEPTH as CPP_MAX_EXPRESSION_DEPTH } from '../src/cpp/expression.js';
import { DEFAULT_MAX_INCLUDE_DEPTH, MAX_INCLUDES as CPP_MAX_INCLUDES, MAX_PREPROCESS_BYTES } from '../src/cpp/preprocess.js';
import { readDeviceTreeFolder } from '../src/dtb/fs-read.js';
import { MAX_DTB_NODE_DEPTH, readDtb } from '../src/dtb/read.js';
import { MAX_EXPRESSION_DEPTH } from '../src/dts/expression.js';
import { MAX_DTS_TOKENS, MAX_INCLUDE_DEPTH, MAX_INCLUDED_BYTES, MAX_INCLUDES, MAX_STRING_BYTES } from '../src/dts/lexer.js';
import { MAX_NODE_DEPTH } from '../src/dts/parser.js';
import { InputError, type Diagnostic } from '../src/source/diagnostic.js';
import { MAX_INPUT_BYTES } from '../src/source/host.js';
import { MAX_PROPERTY_BYTES, MAX_TREE_NODES, MAX_TREE_PROPERTIES } from '../src/tree/node.js';
import { compileString, preprocessString, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmgenid-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A version 17 blob from its structure block (cells) and strings block. */
function blob(structure: ArrayLike<number>, strings: string): Uint8Array {
  const offStruct = 40 + 16;
  const offStrings = offStruct + structure.length * 4;
  const total = offStrings + strings.length;
  const b = Buffer.alloc(total);
  [0xd00dfeed, total, offStruct, offStrings, 40, 17, 16, 0, strings.length, structure.length * 4].forEach((v, i) => b.writeUInt32BE(v, i * 4));
  for (let i = 0; i < structure.length; i++) b.writeUInt32BE(structure[i]! >>> 0, offStruct + i * 4);
  b.write(strings, offStrings, 'latin1');
  return new Uint8Array(b);
}

function dtbRefusal(bytes: Uint8Array): Diagnostic {
  try {
    readDtb(bytes, 'bad.dtb');
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err.diagnostics[0]!;
  }
  assert.fail('the blob was accepted');
}

/** The first error of a DTS compile that must fail. */
function compileError(text: string, files: Record<string, string | Uint8Array> = {}): Diagnostic {
  const r = compileString(text, files);
  assert.equal(r.tree, null, 'should not compile');
  const d = r.diagnostics.find((x) => x.severity === 'error');
  assert.ok(d, JSON.stringify(r.diagnostics));
  return d;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = Date.now();
  const value = await fn();
  return [value, Date.now() - start];
}

test('limits: the constants have the values the README and the code comments give', () => {
  assert.equal(MAX_INPUT_BYTES, 64 * 2 ** 20);
  assert.equal(MAX_PROPERTY_BYTES, 16 * 2 ** 20);
  assert.equal(MAX_STRING_BYTES, MAX_PROPERTY_BYTES);
  assert.equal(MAX_TREE_NODES, 200_000);
  assert.equal(MAX_TREE_PROPERTIES, 500_000);
  assert.equal(MAX_DTS_TOKENS, 2_000_000);
  assert.equal(MAX_NODE_DEPTH, 512);
  assert.equal(MAX_DTB_NODE_DEPTH, 512);
  assert.equal(MAX_INCLUDE_DEPTH, 200);
  assert.equal(DEFAULT_MAX_INCLUDE_DEPTH, 200);
  assert.equal(MAX_INCLUDES, 10_000);
  assert.equal(CPP_MAX_INCLUDES, 10_000);
  assert.equal(MAX_INCLUDED_BYTES, MAX_INPUT_BYTES);
  assert.equal(MAX_PREPROCESS_BYTES, 4 * 2 ** 20);
  assert.equal(MAX_EXPRESSION_DEPTH, 256);
  assert.equal(CPP_MAX_EXPRESSION_DEPTH, 256);
  assert.ok(MAX_EXPANSION_TOKENS <= 1_000_000);
});

test('limits: input size — a file over MAX_INPUT_BYTES is refused unread (sparse file), exit 2', async () => {
  const big = join(dir, 'big.dts');
  writeFileSync(big, '');
  truncateSync(big, MAX_INPUT_BYTES + 1);
  for (const args of [[big], ['compile', big]]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stdout.toString() + r.stderr, /big\.dts: error: cannot read: file is larger than 67108864 bytes/);
  }
});

test('limits: node depth — DTS and DTB stop at 512 with a positioned error', async () => {
  const deep = 'a { '.repeat(MAX_NODE_DEPTH + 1) + '};'.repeat(MAX_NODE_DEPTH + 1);
  const d = compileError(`/dts-v1/;\n/ { ${deep} };\n`);
  assert.match(d.message, /nested at most 512 deep/);
  assert.deepEqual([d.span?.line, d.span?.col], [2, 5 + 4 * MAX_NODE_DEPTH - 2]);
  const r = await runCli(['--no-cpp', write('deep.dts', `/dts-v1/;\n/ { ${deep} };\n`)]);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /deep\.dts:2:\d+: error: .*nested at most 512 deep/);
});

test('limits: number of nodes — MAX_TREE_NODES in DTS (positioned) and DTB', async () => {
  const many = 'n{};'.repeat(MAX_TREE_NODES);
  const d = compileError(`/dts-v1/;\n/ {\n${many}\n};\n`);
  assert.match(d.message, /more than 200000 nodes/);
  assert.deepEqual([d.span?.file, d.span?.line, d.span?.col], ['test.dts', 3, 4 * (MAX_TREE_NODES - 1) + 2]);
  compileString(`/dts-v1/;\n/ {\n${'n{};'.repeat(MAX_TREE_NODES - 1)}\n};\n`).tree ?? assert.fail('MAX_TREE_NODES nodes must compile');

  const cells = new Uint32Array(2 + 3 * MAX_TREE_NODES + 2);
  cells.set([1, 0]);
  for (let i = 0; i < MAX_TREE_NODES; i++) cells.set([1, 0x6e000000, 2], 2 + 3 * i);
  cells.set([2, 9], 2 + 3 * MAX_TREE_NODES);
  const bytes = blob(cells, '');
  assert.match(dtbRefusal(bytes).message, /more than 200000 nodes/);
  const r = await runCli(['-'], { stdin: bytes });
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /<stdin>: \/: error: more than 200000 nodes/);
});

test('limits: number of properties — MAX_TREE_PROPERTIES in DTS (positioned) and DTB', async () => {
  const d = compileError(`/dts-v1/;\n/ {\n${'p;'.repeat(MAX_TREE_PROPERTIES + 1)}\n};\n`);
  assert.match(d.message, /more than 500000 properties/);
  assert.deepEqual([d.span?.line, d.span?.col], [3, 2 * MAX_TREE_PROPERTIES + 1]);

  const cells = new Uint32Array(2 + 3 * (MAX_TREE_PROPERTIES + 1) + 2);
  cells.set([1, 0]);
  for (let i = 0; i <= MAX_TREE_PROPERTIES; i++) cells.set([3, 0, 0], 2 + 3 * i);
  cells.set([2, 9], cells.length - 2);
  assert.match(dtbRefusal(blob(cells, 'p\0')).message, /more than 500000 properties/);
});

test('limits: nodes and properties of a live folder are bounded too', () => {
  const fs = join(dir, 'fs');
  for (const p of ['x/y', 'z']) mkdirSync(join(fs, p), { recursive: true });
  writeFileSync(join(fs, 'p1'), 'x');
  writeFileSync(join(fs, 'p2'), 'xy');
  const message = (limits: object) => {
    try {
      readDeviceTreeFolder(fs, limits);
    } catch (err) {
      assert.ok(err instanceof InputError);
      return err.diagnostics[0]!.message;
    }
    return 'accepted';
  };
  assert.match(message({ maxNodes: 2 }), /more than 2 nodes/);
  assert.match(message({ maxProperties: 1 }), /more than 1 properties/);
  assert.match(message({ maxPropertyBytes: 1 }), /property file of more than 1 bytes/);
  assert.equal(message({ maxNodes: 4, maxProperties: 2, maxPropertyBytes: 2 }), 'accepted');
});

test('limits: property length — a DTS value over MAX_PROPERTY_BYTES is a positioned error; so is a DTB property', async () => {
  const half = '"' + 'a'.repeat(MAX_PROPERTY_BYTES / 2) + '"';
  const d = compileError(`/dts-v1/;\n/ {\n\tp = ${half}, ${half};\n};\n`);
  assert.match(d.message, /property value of more than 16777216 bytes/);
  assert.deepEqual([d.span?.line, d.span?.col], [3, 6 + half.length + 2]);

  const struct: number[] = [1, 0, 3, MAX_PROPERTY_BYTES + 1, 0];
  const head = blob([...struct, 2, 9], 'p\0');
  // Splice the value's bytes in after the property header (before FDT_END_NODE).
  const valueBytes = Math.ceil((MAX_PROPERTY_BYTES + 1) / 4) * 4;
  const full = Buffer.alloc(head.length + valueBytes);
  const offStruct = 56;
  Buffer.from(head.subarray(0, offStruct + struct.length * 4)).copy(full, 0);
  Buffer.from(head.subarray(offStruct + struct.length * 4)).copy(full, offStruct + struct.length * 4 + valueBytes);
  const view = new DataView(full.buffer, full.byteOffset);
  view.setUint32(4, full.length);
  view.setUint32(12, view.getUint32(12) + valueBytes);
  view.setUint32(36, view.getUint32(36) + valueBytes);
  assert.match(dtbRefusal(new Uint8Array(full)).message, /property 'p' at 0x40 has length 16777217, more than the 16777216 bytes/);
});

test('limits: string length — a literal over MAX_STRING_BYTES is refused at its position (once a stack overflow: exit 70)', async () => {
  const long = 'a'.repeat(MAX_STRING_BYTES + 1);
  const d = compileError(`/dts-v1/;\n/ {\n\tp = "${long}";\n};\n`);
  assert.match(d.message, /string of 16777217 bytes is longer than the 16777216 bytes a property may hold/);
  assert.deepEqual([d.span?.line, d.span?.col], [3, 6]);
  // Just under the limit, a long string compiles (the lexer scans it in a loop, not a backtracking regex).
  const ok = compileString(`/dts-v1/;\n/ {\n\tp = "${'b'.repeat(2_000_000)}", <'\\''>;\n};\n`);
  assert.ok(ok.tree, JSON.stringify(ok.diagnostics));
  // Unterminated: the quote is a character, then a syntax error — never a crash.
  const r = await runCli(['--no-cpp', write('unterminated.dts', `/dts-v1/;\n/ {\n\tp = "${'c'.repeat(200_000)};\n};\n`)]);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /unterminated\.dts:3:6: error: unterminated string/);
});

test('limits: long string and character literals in /include/ names, line markers and character literals do not overflow the stack', async () => {
  const name = 'd'.repeat(1_000_000);
  for (const text of [
    `/dts-v1/;\n/include/ "${name}"\n/ { };\n`,
    `/dts-v1/;\n# 1 "${name}"\n/ { x = <(1/0)>; };\n`,
    `/dts-v1/;\n/ { x = <'${name}'>; };\n`,
    `/dts-v1/;\n/ { x = /incbin/("${name}"); };\n`,
    `/dts-v1/;\n/ { n { name = "${name}"; }; };\n`,
  ]) {
    const r = compileString(text);
    assert.ok(r.diagnostics.some((x) => x.severity === 'error' && x.span), JSON.stringify(r.diagnostics.map((x) => x.message.slice(0, 80))));
  }
});

test('limits: tokens — a source of more than MAX_DTS_TOKENS tokens stops the lexer with a positioned error', () => {
  const d = compileError(`/dts-v1/;\n/ {\n\tp = [${'00'.repeat(MAX_DTS_TOKENS)}];\n};\n`);
  assert.match(d.message, /more than 2000000 tokens/);
  assert.equal(d.span?.line, 3);
});

test('limits: include depth and include cycles (DTS /include/ and cpp #include) are positioned errors, exit 2', async () => {
  const a = write('cycle-a.dtsi', '/include/ "cycle-b.dtsi"\n');
  write('cycle-b.dtsi', '/include/ "cycle-a.dtsi"\n');
  const main = write('cycle.dts', `/dts-v1/;\n/include/ "${a}"\n/ { };\n`);
  const r = await runCli(['--no-cpp', main]);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /cycle-[ab]\.dtsi:1:1: error: Includes nested too deeply/);

  write('cycle-a.h', '#include "cycle-b.h"\n');
  write('cycle-b.h', '#include "cycle-a.h"\n');
  const cpp = await runCli([write('cycle-cpp.dts', '#include "cycle-a.h"\n/dts-v1/;\n/ { };\n')]);
  assert.equal(cpp.code, 2);
  assert.match(cpp.stdout.toString(), /cycle-[ab]\.h:1:2: error: #include nested depth 200 exceeds maximum of 200/);
});

test('limits: an include bomb (ten includes of the next file, eight levels) stops at MAX_INCLUDES, fast', async () => {
  for (const [kind, directive] of [['dts', '/include/'], ['cpp', '#include']] as const) {
    for (let i = 0; i < 8; i++) write(`${kind}-l${i}.dtsi`, `${directive} "${kind}-l${i + 1}.dtsi"\n`.repeat(10));
    write(`${kind}-l8.dtsi`, 'x { p; };\n');
    const main = write(`${kind}-bomb.dts`, `/dts-v1/;\n/ {\n${directive} "${kind}-l0.dtsi"\n};\n`);
    const [r, ms] = await timed(() => runCli(kind === 'dts' ? ['--no-cpp', main] : [main]));
    assert.equal(r.code, 2, kind);
    assert.match(r.stdout.toString(), new RegExp(`${kind}-l7\\.dtsi:\\d+:\\d+: error: more than 10000 files included`), kind);
    assert.ok(ms < 4000, `${kind}: ${ms} ms`);
  }
  // The bytes added up: each inclusion counts (40 MiB, twice, is more than 64 MiB); refused before the second is read.
  const fat = new Uint8Array(40 * 2 ** 20).fill(0x20);
  const r = compileString(`/dts-v1/;\n/ {\n${'/include/ "fat.dtsi"\n'.repeat(2)}};\n`, { 'fat.dtsi': fat });
  const e = r.diagnostics.find((x) => x.severity === 'error')!;
  assert.match(e.message, /the included files add up to more than 67108864 bytes/);
  assert.deepEqual([e.span?.line, e.span?.col], [4, 1]);
  // The preprocessor holds a file's tokens at once: it takes 4 MiB, the main file and its inclusions added up.
  const half = new Uint8Array(2.5 * 2 ** 20).fill(0x20);
  const p = preprocessString('#include "half.h"\n'.repeat(2), { 'half.h': half as unknown as string });
  assert.equal(p.ok, false);
  const pe = p.diagnostics.find((x) => x.severity === 'error')!;
  assert.match(pe.message, /the file and its includes add up to more than the 4194304 bytes the preprocessor takes/);
  assert.deepEqual([pe.span?.line, pe.span?.col], [2, 2]);
  const main = preprocessString(`/* ${' '.repeat(MAX_PREPROCESS_BYTES)} */\n`);
  assert.equal(main.ok, false);
  assert.match(main.diagnostics[0]!.message, /file of \d+ bytes is more than the 4194304 bytes the preprocessor takes/);
  assert.equal(main.diagnostics[0]!.file, 'test.dts');
});

test('limits: a macro bomb (#define A B B B B, twenty levels) fails fast, positioned, in bounded memory', async () => {
  let text = '#define A0 x\n';
  for (let i = 1; i <= 20; i++) text += `#define A${i} A${i - 1} A${i - 1} A${i - 1} A${i - 1}\n`;
  text += '/dts-v1/;\n/ { p = <A20>; };\n';
  const path = write('bomb.dts', text);
  const heap = process.memoryUsage().heapUsed;
  const [r, ms] = await timed(() => runCli([path]));
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /bomb\.dts:\d+:\d+: error: expansion of macro "A\d+".* is too deep or too large/);
  assert.ok(ms < 2000, `${ms} ms`);
  assert.ok(process.memoryUsage().heapUsed - heap < 256 * 2 ** 20, 'heap grew by more than 256 MiB');
});

test('limits: /incbin/ — a huge length is refused before the file is opened; a file over the input size unread', async () => {
  const d = compileError('/dts-v1/;\n/ {\n\tp = /incbin/("no-such-file", 0, 0xffffffffff);\n};\n');
  assert.match(d.message, /\/incbin\/ length 1099511627775 is more than the 16777216 bytes a property may hold/);
  assert.deepEqual([d.span?.line, d.span?.col], [3, 6]);
  // All ones is dtc's "to the end of the file".
  const whole = compileString('/dts-v1/;\n/ {\n\tp = /incbin/("f.bin", 1, 0xffffffffffffffff);\n};\n', { 'f.bin': 'abc' });
  assert.deepEqual([...whole.tree!.root.property('p')!.value.bytes], [0x62, 0x63]);
  // A file bigger than a property (but under the input size) is an error too.
  const big = compileError('/dts-v1/;\n/ {\n\tp = /incbin/("big.bin");\n};\n', { 'big.bin': new Uint8Array(MAX_PROPERTY_BYTES + 1) });
  assert.match(big.message, /property value of more than 16777216 bytes/);
  const huge = join(dir, 'huge.bin');
  writeFileSync(huge, '');
  truncateSync(huge, MAX_INPUT_BYTES + 1);
  const r = await runCli(['--no-cpp', write('incbin.dts', `/dts-v1/;\n/ {\n\tp = /incbin/("${huge}", 0, 4);\n};\n`)]);
  assert.equal(r.code, 2);
  assert.match(r.stdout.toString(), /incbin\.dts:3:6: error: Couldn't open ".*huge\.bin": file is larger than 67108864 bytes/);
});

test('limits: expression depth in DTS and in #if is a positioned error, not a stack overflow', () => {
  const dts = compileError(`/dts-v1/;\n/ {\n\tx = <${'('.repeat(MAX_EXPRESSION_DEPTH + 1)}1${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}>;\n};\n`);
  assert.match(dts.message, /nested at most 256 deep/);
  assert.equal(dts.span?.line, 3);
  const cpp = preprocessString(`#if ${'('.repeat(CPP_MAX_EXPRESSION_DEPTH + 1)}1${')'.repeat(CPP_MAX_EXPRESSION_DEPTH + 1)}\n#endif\n`);
  assert.equal(cpp.ok, false);
  const e = cpp.diagnostics.find((x) => x.severity === 'error')!;
  assert.match(e.message, /nested more than 256 deep/);
  assert.equal(e.span?.line, 1);
});

