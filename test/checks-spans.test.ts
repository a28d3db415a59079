/**
 * Where the checks point: at the cell that is wrong where one is (a GIC
 * specifier's type, number or flags cell; reg entry 0's address cells for the
 * unit address; the specifiers the driver ignores), at the whole property
 * when no one cell is, and at the whole specifier when the wrong cell was
 * written by a nexus's interrupt-map rather than in the node's own property.
 * Each finding is asserted at its exact line:col-endCol, and the text there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChecks } from '../src/checks/index.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import type { DeviceTree } from '../src/tree/node.js';
import { compileString } from './helpers.js';

function tree(source: string): DeviceTree {
  const result = compileString(source);
  assert.ok(result.tree, JSON.stringify(result.diagnostics));
  return result.tree;
}

/** The findings of one check. */
function findings(source: string, check: string): Diagnostic[] {
  return runChecks(tree(source)).filter((d) => d.check === check);
}

/** `line:col-endCol` of a finding, and the source text it covers (one line). */
function at(source: string, d: Diagnostic): [string, string] {
  const span = d.span;
  assert.ok(span, `${d.check} has no span`);
  assert.equal(span.file, 'test.dts');
  assert.equal(span.endLine, span.line, `${d.check} spans more than one line`);
  const line = source.split('\n')[span.line - 1]!;
  return [`${span.line}:${span.col}-${span.endCol}`, line.slice(span.col - 1, span.endCol - 1)];
}

/**
 * A 2/2 root whose interrupt parent is a GIC (`compat`), then the vmgenid
 * node with `lines` (one per line, two tabs in). Line 1 is /dts-v1/; the
 * vmgenid node's properties start on line 14.
 */
function board(lines: string[], compat = 'arm,gic-v3', extra = ''): string {
  return [
    '/dts-v1/;', // 1
    '', // 2
    '/ {', // 3
    '\t#address-cells = <2>;', // 4
    '\t#size-cells = <2>;', // 5
    '\tinterrupt-parent = <&gic>;', // 6
    '', // 7
    '\tgic: interrupt-controller@8000000 {', // 8
    `\t\tcompatible = "${compat}";`, // 9
    '\t\t#interrupt-cells = <3>;', // 10
    '\t\tinterrupt-controller;', // 11
    '\t\treg = <0x0 0x08000000 0x0 0x10000>;', // 12
    '\t};', // 13
    ...extra.split('\n').filter((l) => l !== ''),
    '\trng@90000000 {',
    '\t\tcompatible = "microsoft,vmgenid";',
    ...lines.map((l) => `\t\t${l}`),
    '\t};',
    '};',
    '',
  ].join('\n');
}

const REG = 'reg = <0x0 0x90000000 0x0 0x1000>;';

// --- GIC specifier: the cell that is wrong ---------------------------------------

test('gic-specifier: an out-of-range number points at the number cell, a bad trigger at the flags cell', () => {
  const src = board([REG, 'interrupts = <0 1000 2>;']);
  const found = findings(src, 'vmgenid-gic-specifier');
  assert.deepEqual(found.map((d) => at(src, d)), [
    ['17:19-23', '1000'],
    ['17:24-25', '2'],
  ]);
  assert.match(found[0]!.message, /SPI number 1000 is out of range/);
  assert.match(found[1]!.message, /edge-falling \(2\) is not valid/);
  assert.ok(found.every((d) => d.property === 'interrupts'));
});

test('gic-specifier: an unknown type points at the type cell', () => {
  const src = board([REG, 'interrupts = <5 35 1>;'], 'arm,gic-400');
  const found = findings(src, 'vmgenid-gic-specifier');
  assert.deepEqual(found.map((d) => at(src, d)), [['17:17-18', '5']]);
  assert.match(found[0]!.message, /interrupt type \(cell 1\) is 5/);
});

test('gic-specifier and gic-trigger in interrupts-extended point past the phandle, at the cell itself', () => {
  const bad = board([REG, 'interrupts-extended = <&gic 0 35 8>;']);
  assert.deepEqual(findings(bad, 'vmgenid-gic-specifier').map((d) => at(bad, d)), [['17:36-37', '8']]);
  const level = board([REG, 'interrupts-extended = <&gic 1 15 0x404>;']);
  const found = findings(level, 'vmgenid-gic-trigger');
  assert.deepEqual(found.map((d) => at(level, d)), [['17:36-41', '0x404']]);
  assert.equal(found[0]!.property, 'interrupts-extended');
});

test('gic-trigger: a level-high SPI points at the flags cell', () => {
  const src = board([REG, 'interrupts = <0 35 4>;']);
  const found = findings(src, 'vmgenid-gic-trigger');
  assert.deepEqual(found.map((d) => at(src, d)), [['17:22-23', '4']]);
});

test('the GIC checks point at the second interrupt\'s own cell when it is the wrong one', () => {
  // interrupt-count reports the second specifier too; the GIC checks judge each.
  const src = board([REG, 'interrupts = <0 35 1>, <0 36 4>;']);
  assert.deepEqual(findings(src, 'vmgenid-gic-trigger').map((d) => at(src, d)), [['17:32-33', '4']]);
});

test('through an interrupt-map nexus the GIC checks point at the whole specifier (the wrong cell is in the map)', () => {
  const nexus = (map: string) =>
    '\tnx: nexus {\n\t\t#interrupt-cells = <1>;\n\t\t#address-cells = <0>;\n' +
    `\t\tinterrupt-map-mask = <0xff>;\n\t\tinterrupt-map = <${map}>;\n\t};\n`;
  // nexus lines are 14-19; the vmgenid node's properties start on line 22
  const bad = board([REG, 'interrupt-parent = <&nx>;', 'interrupts = <7>;'], 'arm,gic-v3', nexus('7 &gic 0 2000 1'));
  const spec = findings(bad, 'vmgenid-gic-specifier');
  assert.deepEqual(spec.map((d) => at(bad, d)), [['24:17-18', '7']]);
  assert.match(spec[0]!.message, /<0 2000 1> to \/interrupt-controller@8000000/);
  const level = board([REG, 'interrupt-parent = <&nx>;', 'interrupts = <0x107>;'], 'arm,gic-v3', nexus('7 &gic 0 35 4'));
  assert.deepEqual(findings(level, 'vmgenid-gic-trigger').map((d) => at(level, d)), [['24:17-22', '0x107']]);
  // a nexus reached through interrupts-extended: the specifier after the phandle
  const ext = board([REG, 'interrupts-extended = <&nx 7>;'], 'arm,gic-v3', nexus('7 &gic 0 35 4'));
  assert.deepEqual(findings(ext, 'vmgenid-gic-trigger').map((d) => at(ext, d)), [['23:30-31', '7']]);
});

// --- interrupt cells and count ------------------------------------------------------

test('interrupt-cells: a wrong cell count points at the whole property', () => {
  const src = board([REG, 'interrupts = <35 1>;']);
  const found = findings(src, 'vmgenid-interrupt-cells');
  assert.deepEqual(found.map((d) => at(src, d)), [['17:3-23', 'interrupts = <35 1>;']]);
  const ext = board([REG, 'interrupts-extended = <&gic 0 35>;']);
  assert.deepEqual(findings(ext, 'vmgenid-interrupt-cells').map((d) => at(ext, d)), [['17:3-37', 'interrupts-extended = <&gic 0 35>;']]);
});

test('interrupt-count: more than one interrupt points at the extra specifiers', () => {
  const src = board([REG, 'interrupts = <0 35 1>, <0 36 1>, <0 37 1>;']);
  const found = findings(src, 'vmgenid-interrupt-count');
  assert.deepEqual(found.map((d) => at(src, d)), [['17:27-43', '0 36 1>, <0 37 1']]);
  assert.match(found[0]!.message, /has 3 interrupts/);
  const one = board([REG, 'interrupts = <0 35 1 0 36 1>;']);
  assert.deepEqual(findings(one, 'vmgenid-interrupt-count').map((d) => at(one, d)), [['17:24-30', '0 36 1']]);
  // in interrupts-extended an extra interrupt starts at its phandle
  const ext = board([REG, 'interrupts-extended = <&gic 0 35 1>, <&gic 0 36 1>;']);
  assert.deepEqual(findings(ext, 'vmgenid-interrupt-count').map((d) => at(ext, d)), [['17:41-52', '&gic 0 36 1']]);
});

test('interrupt-count: no interrupts points at the node, an empty property at the property', () => {
  const none = board([REG]);
  const [missing] = findings(none, 'vmgenid-interrupt-count');
  assert.equal(`${missing!.span!.line}:${missing!.span!.col}`, '14:2');
  const empty = board([REG, 'interrupts;']);
  assert.deepEqual(findings(empty, 'vmgenid-interrupt-count').map((d) => at(empty, d)), [['17:3-14', 'interrupts;']]);
});

// --- unit address ---------------------------------------------------------------------

test('unit-address-vs-reg points at reg entry 0\'s address cells', () => {
  const wrong = board([REG, 'interrupts = <0 35 1>;']).replace('rng@90000000', 'rng@0x90000000');
  const found = findings(wrong, 'unit-address-vs-reg');
  assert.deepEqual(found.map((d) => at(wrong, d)), [['16:10-24', '0x0 0x90000000']]);
  assert.equal(found[0]!.property, 'reg');
  const missing = board(['reg = <0x1 0x00000000 0x0 0x1000>, <0x0 0x0 0x0 0x10>;', 'interrupts = <0 35 1>;']).replace('rng@90000000', 'rng');
  const [none] = findings(missing, 'unit-address-vs-reg');
  assert.deepEqual(at(missing, none!), ['16:10-24', '0x1 0x00000000']);
  assert.match(none!.message, /rng@100000000/);
  // 1/1 cells: the one address cell
  const narrow = board(['reg = <0x90000000 0x1000>;', 'interrupts = <0 35 1>;'])
    .replace('#address-cells = <2>', '#address-cells = <1>')
    .replace('#size-cells = <2>', '#size-cells = <1>')
    .replace('rng@90000000', 'rng@90000004');
  assert.deepEqual(findings(narrow, 'unit-address-vs-reg').map((d) => at(narrow, d)), [['16:10-20', '0x90000000']]);
});

test('a unit name without reg points at the node', () => {
  const src = board(['interrupts = <0 35 1>;']);
  const [d] = findings(src, 'unit-address-vs-reg');
  assert.equal(`${d!.span!.line}:${d!.span!.col}`, '14:2');
  assert.equal(d!.property, undefined);
});

// --- DTB ------------------------------------------------------------------------------

test('from a DTB the same cell-pointing findings have no span', () => {
  const src = board([REG, 'interrupts = <0 1000 4>, <0 36 1>;']).replace('rng@90000000', 'rng@0x90000000');
  const fromSource = runChecks(tree(src));
  const fromBlob = runChecks(readDtb(writeDtb(tree(src)), 'test.dtb'));
  const checks = (ds: Diagnostic[]) => ds.map((d) => d.check);
  assert.deepEqual(checks(fromSource), ['unit-address-vs-reg', 'vmgenid-interrupt-count', 'vmgenid-gic-specifier', 'vmgenid-gic-trigger']);
  assert.deepEqual(checks(fromBlob), checks(fromSource));
  assert.ok(fromSource.every((d) => d.span));
  assert.ok(fromBlob.every((d) => d.span === undefined));
});
