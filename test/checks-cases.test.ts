/**
 * The checks on small inline trees: 64-bit addresses, nested buses with
 * ranges, interrupts-extended, overlays applied with &label, the DTB form of
 * the same source, rule settings, and malformed trees that must not throw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChecks, CHECKS, findCheck } from '../src/checks/index.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import { Property, type DeviceTree } from '../src/tree/node.js';
import { Data } from '../src/tree/data.js';
import { compileString } from './helpers.js';

function tree(source: string): DeviceTree {
  const result = compileString(source);
  assert.ok(result.tree, JSON.stringify(result.diagnostics));
  return result.tree;
}

/** Findings of the error and warning checks (notes are tested on their own). */
function lint(source: string, severities = {}): Diagnostic[] {
  return runChecks(tree(source), { severities: { 'vmgenid-node-name': 'off', ...severities } });
}

function names(found: Diagnostic[]): string[] {
  return found.map((d) => d.check);
}

/** A 2/2 root with a GICv3 as interrupt parent, then `body`. */
function board(body: string, head = ''): string {
  return `/dts-v1/;\n${head}\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tinterrupt-parent = <&gic>;\n` +
    `\tgic: interrupt-controller@8000000 {\n\t\tcompatible = "arm,gic-v3";\n\t\t#interrupt-cells = <3>;\n\t\tinterrupt-controller;\n` +
    `\t\treg = <0x0 0x08000000 0x0 0x10000>;\n\t};\n${body}\n};\n`;
}

function rng(reg: string, extra = 'interrupts = <0 35 1>;', name?: string): string {
  const unit = name ?? '';
  return `\trng${unit} {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <${reg}>;\n\t\t${extra}\n\t};\n`;
}

// --- reg -------------------------------------------------------------------

test('a 64-bit buffer above 4 GiB under 2/2 cells is clean; its unit address is the full 64-bit address', () => {
  assert.deepEqual(lint(board(rng('0x1 0x00000000 0x0 0x1000', undefined, '@100000000'))), []);
  const wrong = lint(board(rng('0x1 0x00000000 0x0 0x1000', undefined, '@0')));
  assert.deepEqual(names(wrong), ['unit-address-vs-reg']);
  assert.match(wrong[0]!.message, /rng@100000000/);
});

test('a buffer written with /bits/ 64 is judged by its bytes', () => {
  const src = board(`\trng@90000004 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = /bits/ 64 <0x90000004 0x1000>;\n\t\tinterrupts = <0 35 1>;\n\t};\n`);
  assert.deepEqual(names(lint(src)), ['vmgenid-reg-alignment']);
});

test('reg: size 0, #size-cells 0, missing and empty reg are not well-formed or too small', () => {
  assert.deepEqual(names(lint(board(rng('0x0 0x90000000 0x0 0x0', undefined, '@90000000')))), ['vmgenid-reg-size']);
  const noSize = `\tbus {\n\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;\n\t\tranges;\n${rng('0x90000000', undefined, '@90000000')}\t};\n`;
  const found = lint(board(noSize));
  assert.deepEqual(names(found), ['vmgenid-reg-format']);
  assert.match(found[0]!.message, /#size-cells = <0>/);
  const missing = lint(board(`\trng {\n\t\tcompatible = "microsoft,vmgenid";\n\t\tinterrupts = <0 35 1>;\n\t};\n`));
  assert.deepEqual(names(missing), ['vmgenid-reg-format']);
  const empty = lint(board(`\trng {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg;\n\t\tinterrupts = <0 35 1>;\n\t};\n`));
  assert.deepEqual(names(empty), ['vmgenid-reg-format']);
});

test('overflow: the last byte may be the last address, one more may not', () => {
  const fits = board('', '').replace('#address-cells = <2>;\n\t#size-cells = <2>;', '#address-cells = <1>;\n\t#size-cells = <1>;').replace('0x0 0x08000000 0x0 0x10000', '0x08000000 0x10000');
  const at = (reg: string, unit: string) => fits.replace(/\n};\n$/, `\n${rng(reg, undefined, unit)}};\n`);
  assert.deepEqual(names(lint(at('0xfffff000 0x1000', '@fffff000'))), []);
  assert.deepEqual(names(lint(at('0xfffff000 0x1001', '@fffff000'))), ['vmgenid-reg-overflow']);
});

test('unit address: uppercase, leading zeros, mismatch, and a unit name without reg', () => {
  const upper = lint(board(rng('0x0 0x9000ab00 0x0 0x1000', undefined, '@9000AB00')));
  assert.match(upper[0]!.message, /should be lowercase/);
  const zeros = lint(board(rng('0x0 0x9000ab00 0x0 0x1000', undefined, '@09000ab00')));
  assert.match(zeros[0]!.message, /leading 0s/);
  const other = lint(board(rng('0x0 0x9000ab00 0x0 0x1000', undefined, '@80000000')));
  assert.match(other[0]!.message, /does not match the reg base.*rng@9000ab00/);
  const noReg = lint(board(`\trng@1000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\tinterrupts = <0 35 1>;\n\t};\n`));
  assert.deepEqual(names(noReg), ['vmgenid-reg-format', 'unit-address-vs-reg']);
  assert.match(noReg[1]!.message, /unit name, but no reg/);
});

// --- translation -------------------------------------------------------------

function nested(innerRanges: string, reg: string, unit: string): string {
  return board(
    `\tsoc {\n\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges = <0x0 0x0 0x40000000 0x10000000>;\n` +
      `\t\tbus@1000000 {\n\t\t\tcompatible = \"simple-bus\";\n\t\t\t#address-cells = <1>;\n\t\t\t#size-cells = <1>;\n\t\t\treg = <0x1000000 0x100000>;\n\t\t\t${innerRanges}\n` +
      rng(reg, undefined, unit).replace(/^/gm, '\t\t') +
      `\t\t};\n\t};\n`,
  );
}

test('nested buses translate level by level; the translated address is the one judged', () => {
  // bus 0x0 -> soc 0x1000000 -> CPU 0x41000000
  assert.deepEqual(lint(nested('ranges = <0x0 0x1000000 0x100000>;', '0x0 0x1000', '@0')), []);
  // a window offset by 4 makes the CPU address misaligned although the bus address is not
  const misaligned = lint(nested('ranges = <0x0 0x1000004 0x1000>;', '0x0 0x10', '@0'));
  assert.deepEqual(names(misaligned), ['vmgenid-reg-alignment']);
  assert.match(misaligned[0]!.message, /0x41000004 \(bus address 0x0\)/);
  // empty ranges is identity all the way
  assert.deepEqual(lint(nested('ranges;', '0x1000 0x1000', '@1000')), []);
});

test('translation fails: missing ranges, outside every window, running past a window', () => {
  const missing = lint(nested('', '0x0 0x1000', '@0'));
  assert.deepEqual(names(missing), ['vmgenid-address-translation']);
  assert.match(missing[0]!.message, /\/soc\/bus@1000000 has no ranges/);
  const outside = lint(nested('ranges = <0x0 0x1000000 0x1000>;', '0x2000 0x10', '@2000'));
  assert.match(outside[0]!.message, /0x2000 is outside every ranges window of \/soc\/bus@1000000/);
  const past = lint(nested('ranges = <0x0 0x1000000 0x1000>;', '0x800 0x1000', '@800'));
  assert.match(past[0]!.message, /runs past the end of the ranges window/);
});

// --- memory ----------------------------------------------------------------

const MEMORY = `\tmemory@80000000 {\n\t\tdevice_type = "memory";\n\t\treg = <0x0 0x80000000 0x0 0x40000000>;\n\t};\n`;
function reserved(regions: string): string {
  return `\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n${regions}\t};\n`;
}

test('memory: outside RAM is fine, inside a no-map region is fine, half covered is not', () => {
  assert.deepEqual(lint(board(MEMORY + rng('0x0 0x70000000 0x0 0x1000', undefined, '@70000000'))), []);
  const carved = reserved(`\t\tr@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x10000>;\n\t\t\tno-map;\n\t\t};\n`);
  assert.deepEqual(lint(board(MEMORY + carved + rng('0x0 0xbfff0000 0x0 0x1000', undefined, '@bfff0000'))), []);
  // a carve-out of the 4 KiB page only: fine with 4 KiB pages, not with 16 KiB or 64 KiB ones
  const page = reserved(`\t\tr@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x1000>;\n\t\t\tno-map;\n\t\t};\n`);
  const bigger = lint(board(MEMORY + page + rng('0x0 0xbfff0000 0x0 0x1000', undefined, '@bfff0000')));
  assert.deepEqual(names(bigger), ['vmgenid-memory-page-size']);
  assert.match(bigger[0]!.message, /^with 16 KiB pages .* its 16 KiB page 0xbfff0000-0xbfff3fff is not wholly inside/);
  const half = reserved(`\t\tr@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x800>;\n\t\t\tno-map;\n\t\t};\n`);
  const found = lint(board(MEMORY + half + rng('0x0 0xbfff0000 0x0 0x1000', undefined, '@bfff0000')));
  assert.deepEqual(names(found), ['vmgenid-memory-overlap']);
  assert.match(found[0]!.message, /its 4 KiB page 0xbfff0000-0xbfff0fff is not wholly inside a \/reserved-memory region with no-map \(the no-map region \/reserved-memory\/r@bfff0000 covers 0xbfff0000-0xbfff07ff only\)/);
});

test('memory: disabled memory and disabled reserved regions do not count', () => {
  const disabledMem = MEMORY.replace('device_type', 'status = "disabled";\n\t\tdevice_type');
  assert.deepEqual(lint(board(disabledMem + rng('0x0 0xbfff0000 0x0 0x1000', undefined, '@bfff0000'))), []);
  const off = reserved(`\t\tr@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x1000>;\n\t\t\tno-map;\n\t\t\tstatus = "disabled";\n\t\t};\n`);
  assert.deepEqual(names(lint(board(MEMORY + off + rng('0x0 0xbfff0000 0x0 0x1000', undefined, '@bfff0000')))), ['vmgenid-memory-overlap']);
});

test('an overlay applied with &label carves the buffer out and fixes the interrupt', () => {
  const base = board(MEMORY + reserved(`\t\tbuf: r@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x10000>;\n\t\t};\n`) +
    `\tvmgenid: rng@bfff0000 {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = <0x0 0xbfff0000 0x0 0x1000>;\n\t\tinterrupts = <0 35 4>;\n\t};\n`);
  assert.deepEqual(names(lint(base)), ['vmgenid-memory-overlap', 'vmgenid-gic-trigger']);
  const fixed = lint(base + '&buf { no-map; };\n&vmgenid { interrupts = <0 35 1>; };\n');
  assert.deepEqual(fixed, []);
  // the span of an overridden property is its last definition
  const retriggered = lint(base + '&vmgenid { interrupts = <0 36 4>; };\n');
  const warning = retriggered.find((d) => d.check === 'vmgenid-gic-trigger')!;
  assert.ok(warning.span!.line > base.split('\n').length - 1);
});

// --- interrupts ------------------------------------------------------------

test('interrupts-extended: good, unknown phandle, not a controller, wrong cell count', () => {
  assert.deepEqual(lint(board(rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <&gic 0 35 1>;', '@90000000'))), []);
  const unknown = lint(board(rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <0x77 0 35 1>;', '@90000000')));
  assert.deepEqual(names(unknown), ['vmgenid-interrupt-parent']);
  assert.match(unknown[0]!.message, /phandle <0x77>/);
  const notCtl = board(`\tnc: not-a-controller {\n\t\t#interrupt-cells = <1>;\n\t};\n` + rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <&nc 5>;', '@90000000'));
  assert.deepEqual(names(lint(notCtl)), ['vmgenid-interrupt-parent']);
  const short = lint(board(rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <&gic 0 35>;', '@90000000')));
  assert.deepEqual(names(short), ['vmgenid-interrupt-cells']);
  const two = lint(board(rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <&gic 0 35 1>, <&gic 0 36 1>;', '@90000000')));
  assert.deepEqual(names(two), ['vmgenid-interrupt-count']);
  assert.equal(two[0]!.property, 'interrupts-extended');
});

test('interrupt parent: unknown phandle, a parent without interrupt-controller, none at all', () => {
  const unknown = lint(board(rng('0x0 0x90000000 0x0 0x1000', 'interrupt-parent = <0x99>; interrupts = <0 35 1>;', '@90000000')));
  assert.deepEqual(names(unknown), ['vmgenid-interrupt-parent']);
  const plain = board(`\tnc: thing {\n\t\t#interrupt-cells = <3>;\n\t};\n` + rng('0x0 0x90000000 0x0 0x1000', 'interrupt-parent = <&nc>; interrupts = <0 35 1>;', '@90000000'));
  const found = lint(plain);
  assert.deepEqual(names(found), ['vmgenid-interrupt-parent']);
  assert.match(found[0]!.message, /\/thing has #interrupt-cells but neither interrupt-controller nor interrupt-map; .* defers the driver's probe for ever/);
  const orphan = `/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n${rng('0x90000000 0x1000', undefined, '@90000000')}};\n`;
  assert.deepEqual(names(lint(orphan)), ['vmgenid-interrupt-parent']);
});

test('a nexus with interrupt-map is a valid parent; the GIC checks judge the specifier it maps to', () => {
  const nexus = (map: string, spec: string) =>
    board(`\tnx: nexus {\n\t\t#interrupt-cells = <1>;\n\t\t#address-cells = <0>;\n\t\tinterrupt-map-mask = <0xff>;\n\t\tinterrupt-map = <${map}>;\n\t};\n` +
      rng('0x0 0x90000000 0x0 0x1000', `interrupt-parent = <&nx>; interrupts = <${spec}>;`, '@90000000'));
  assert.deepEqual(lint(nexus('7 &gic 0 35 1', '7')), []);
  // the mask drops the high bits before matching
  assert.deepEqual(lint(nexus('7 &gic 0 35 1', '0x107')), []);
  const level = lint(nexus('7 &gic 0 35 4', '7'));
  assert.deepEqual(names(level), ['vmgenid-gic-trigger']);
  const bad = lint(nexus('7 &gic 0 2000 1', '7'));
  assert.deepEqual(names(bad), ['vmgenid-gic-specifier']);
  assert.match(bad[0]!.message, /<0 2000 1> to \/interrupt-controller@8000000/);
  const unmatched = lint(nexus('7 &gic 0 35 1', '8'));
  assert.deepEqual(names(unmatched), ['vmgenid-interrupt-parent']);
  assert.match(unmatched[0]!.message, /no interrupt-map entry of \/nexus matches <8>/);
  const self = lint(board(`\tnx: nexus {\n\t\t#interrupt-cells = <1>;\n\t\t#address-cells = <0>;\n\t\tinterrupt-map = <7 &nx 7>;\n\t};\n` +
    rng('0x0 0x90000000 0x0 0x1000', 'interrupt-parent = <&nx>; interrupts = <7>;', '@90000000')));
  assert.deepEqual(names(self), ['vmgenid-interrupt-parent']);
  assert.match(self[0]!.message, /leads back to itself/);
});

test('the vmgenid node\'s own #interrupt-cells does not make it its interrupt parent', () => {
  const src = board(`\trng@90000000 {\n\t\tcompatible = "virtual,vmgenctr";\n\t\t#interrupt-cells = <2>;\n\t\treg = <0x0 0x90000000 0x0 0x1000>;\n\t\tinterrupts = <0 35 1>;\n\t};\n`);
  assert.deepEqual(lint(src, { 'vmgenid-draft-binding': 'off' }), []);
});

test('GIC: PPI numbers, types, triggers; GICv3 extended ranges; GICv2 has none', () => {
  const with_ = (spec: string, compat = 'arm,gic-v3') => lint(board(rng('0x0 0x90000000 0x0 0x1000', `interrupts = <${spec}>;`, '@90000000')).replace('arm,gic-v3', compat));
  assert.deepEqual(names(with_('1 16 1')), ['vmgenid-gic-specifier']);
  assert.deepEqual(names(with_('1 15 8')), ['vmgenid-gic-trigger']);
  assert.deepEqual(names(with_('0 987 1')), []);
  assert.deepEqual(names(with_('0 988 1')), ['vmgenid-gic-specifier']);
  assert.deepEqual(names(with_('0 35 0')), ['vmgenid-gic-specifier']);
  assert.deepEqual(names(with_('0 35 8')), ['vmgenid-gic-specifier']);
  assert.deepEqual(names(with_('2 1000 1')), []);
  assert.deepEqual(names(with_('2 1000 1', 'arm,gic-400')), ['vmgenid-gic-specifier']);
  assert.deepEqual(names(with_('5 35 1', 'arm,cortex-a15-gic')), ['vmgenid-gic-specifier']);
  assert.deepEqual(names(with_('0 2000 2', 'vendor,not-a-gic')), []);
});

// --- notes and settings ------------------------------------------------------

test('notes: draft properties on microsoft,vmgenid; a disabled node is skipped', () => {
  const draft = runChecks(tree(board(rng('0x0 0x90000000 0x0 0x1000', 'interrupts = <0 35 1>; interrupt-map = <0 &gic 0 35 1>;', '@90000000'))));
  assert.deepEqual(draft.map((d) => [d.check, d.severity, d.property]), [['vmgenid-draft-binding', 'note', 'interrupt-map']]);
  const off = runChecks(tree(board(rng('0x0 0x90000004 0x0 0x4', 'status = "fail";', '@90000004'))));
  assert.deepEqual(names(off), ['vmgenid-disabled']);
  assert.match(off[0]!.message, /status = "fail"/);
  // a disabled second device is not a second enabled one
  const two = runChecks(tree(board(rng('0x0 0x90000000 0x0 0x1000', undefined, '@90000000') + rng('0x0 0x90001000 0x0 0x1000', 'interrupts = <0 36 1>; status = "disabled";', '@90001000'))));
  assert.deepEqual(names(two), ['vmgenid-disabled']);
});

test('severities: a check can be turned off or its severity changed', () => {
  const src = board(rng('0x0 0x90000004 0x0 0x1000', undefined, '@90000004'));
  assert.deepEqual(lint(src, { 'vmgenid-reg-alignment': 'off' }), []);
  const [d] = lint(src, { 'vmgenid-reg-alignment': 'note' });
  assert.equal(d!.severity, 'note');
  assert.equal(findCheck('vmgenid-reg-alignment')?.severity, 'error');
  assert.equal(findCheck('no-such-check'), undefined);
  for (const c of CHECKS) {
    assert.match(c.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
    assert.ok(c.description.length > 0 && c.docs.length > 0);
  }
  assert.equal(new Set(CHECKS.map((c) => c.name)).size, CHECKS.length);
});

test('the DTB form gives the same findings, without source positions', () => {
  const src = board(MEMORY + `\tvmgenid {\n\t\tcompatible = "microsoft,vmgenid";\n\t\treg = /bits/ 64 <0xbfff0004 0x8>;\n\t\tinterrupts-extended = <&gic 0 35 4>, <&gic 1 16 1>;\n\t};\n`, '/memreserve/ 0xbfff0000 0x1000;');
  const fromSource = runChecks(tree(src));
  const blob = writeDtb(tree(src));
  const fromBlob = runChecks(readDtb(blob, 'test.dtb'));
  const strip = (ds: Diagnostic[]) => ds.map(({ span: _span, ...rest }) => rest);
  assert.ok(fromSource.length >= 6, JSON.stringify(fromSource));
  assert.deepEqual(strip(fromBlob), strip(fromSource));
  assert.ok(fromBlob.every((d) => d.span === undefined));
});

test('malformed trees never throw', () => {
  const odd = [
    board(rng('0x0', 'interrupts = [01 02];')),
    board(rng('0x0 0x90000000 0x0 0x1000', 'interrupt-parent = [01]; interrupts = <1>;')),
    board(rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = [00 00];')),
    board(`\tgic2: g2 {\n\t\tinterrupt-controller;\n\t\t#interrupt-cells = [01];\n\t};\n` + rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <&gic2 1 2 3 4>;')),
    board(`\tgic3: g3 {\n\t\tinterrupt-controller;\n\t\t#interrupt-cells = <0>;\n\t};\n` + rng('0x0 0x90000000 0x0 0x1000', 'interrupts-extended = <&gic3 &gic3>; interrupts = <1>;')),
    board(`\tbus {\n\t\t#address-cells = <0xffffffff>;\n\t\t#size-cells = <0xffffffff>;\n\t\tranges = <1 2 3>;\n${rng('0x1 0x2', undefined)}\t};\n`),
    board(`\tbus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges = <1 2>;\n${rng('0x1 0x20', undefined)}\t};\n`),
    board(`\tself: loop {\n\t\tinterrupt-parent = <&self>;\n\t};\n` + rng('0x0 0x90000000 0x0 0x1000', 'interrupt-parent = <&self>; interrupts = <1 2 3>;')),
    board(`\tmemory {\n\t\tdevice_type = "memory";\n\t\treg = <1 2 3>;\n\t};\n\treserved-memory {\n\t\tx {\n\t\t\tno-map;\n\t\t\treg = [00];\n\t\t};\n\t};\n` + rng('0x0 0x90000000 0x0 0x1000')),
    `/dts-v1/;\n/ {\n\tcompatible = "microsoft,vmgenid";\n\treg = <1 2 3>;\n\tinterrupts = <1>;\n};\n`,
  ];
  for (const src of odd) {
    const found = runChecks(tree(src));
    assert.ok(Array.isArray(found));
    for (const d of found) assert.equal(typeof d.message, 'string');
  }
  const loop = runChecks(tree(odd[7]!)).find((d) => d.check === 'vmgenid-interrupt-parent');
  assert.match(loop!.message, /loops/);
});

test('random values in the properties the checks read never make a check throw', () => {
  const props = ['reg', 'ranges', '#address-cells', '#size-cells', 'interrupts', 'interrupts-extended', 'interrupt-parent',
    '#interrupt-cells', 'status', 'device_type', 'phandle', 'compatible', 'no-map', 'interrupt-map', 'interrupt-map-mask', 'interrupt-controller'];
  // A small deterministic generator, so a failure is reproducible.
  let seed = 0x5eed;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const base = board(MEMORY + reserved(`\t\tr@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x1000>;\n\t\t\tno-map;\n\t\t};\n`) +
    `\tsoc {\n\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges = <0x0 0x0 0x80000000 0x40000000>;\n` +
    rng('0x3fff0000 0x1000', 'interrupts = <0 35 1>;', '@3fff0000').replace(/^/gm, '\t') + `\t};\n`);
  for (let round = 0; round < 300; round++) {
    const t = tree(base);
    const nodes: import('../src/tree/node.js').Node[] = [];
    const walk = (n: import('../src/tree/node.js').Node) => { nodes.push(n); n.children.forEach(walk); };
    walk(t.root);
    for (let k = 0; k < 3; k++) {
      const node = nodes[next(nodes.length)]!;
      const name = props[next(props.length)]!;
      const bytes = new Uint8Array(next(25));
      for (let i = 0; i < bytes.length; i++) bytes[i] = next(4) === 0 ? 0xff : next(4) === 0 ? next(256) : next(3);
      const existing = node.property(name);
      if (existing) existing.value = new Data(bytes);
      else node.addProperty(new Property(name, new Data(bytes)));
    }
    assert.doesNotThrow(() => runChecks(t), `round ${round}`);
  }
});
