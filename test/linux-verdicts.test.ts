/**
 * Verdicts as Linux sees the tree: for every judgement that follows what the
 * kernel does with a board (value sizes from the bytes, disabled ancestors,
 * the interrupt-parent walk, /reserved-memory that Linux ignores, pages not
 * bytes, memory as Linux reads it, misspelt compatibles, a real producer's
 * tree, one finding per fault), the failing tree and its passing twin, each
 * linted as DTS and as the DTB of the same tree, with the same verdicts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeDtb } from '../src/dtb/write.js';
import { lintBytes } from '../src/lint.js';
import { compileSchemas } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import type { SchemaSet } from '../src/schema/schema-set.js';
import type { Diagnostic } from '../src/source/diagnostic.js';
import { nodeFileHost } from '../src/source/host.js';
import { latin1Bytes } from '../src/tree/data.js';
import { meantCompatible } from '../src/vmgenid.js';
import { compileString, projectPath, runCli } from './helpers.js';

let schemaSet: SchemaSet | undefined;
function schemas(): SchemaSet {
  schemaSet ??= compileSchemas([], nodeSchemaHost(nodeFileHost));
  return schemaSet;
}

/** What a finding says, without where: the same for a DTS and its DTB. */
type Verdict = [severity: string, checks: string, message: string];

function verdicts(diagnostics: readonly Diagnostic[]): Verdict[] {
  return diagnostics.map((d) => [d.severity, [d.check, ...(d.also ?? [])].join(', '), d.message]);
}

/** Lint `source` as DTS and as the DTB dtc would make of it; assert both say the same, and return that. */
function lint(source: string): Verdict[] {
  const dts = lintBytes('board.dts', latin1Bytes(source), { host: nodeFileHost, schemas: schemas() });
  const compiled = compileString(source);
  assert.ok(compiled.tree, JSON.stringify(compiled.diagnostics));
  const dtb = lintBytes('board.dtb', writeDtb(compiled.tree), { host: nodeFileHost, schemas: schemas() });
  const fromDts = verdicts(dts.diagnostics);
  const fromDtb = verdicts(dtb.diagnostics);
  // A blob has no source order: compare as sets.
  assert.deepEqual([...fromDtb].sort(), [...fromDts].sort(), 'the DTB of the same tree gets the same verdicts');
  return fromDts;
}

function checks(found: Verdict[]): string[] {
  return found.map((v) => v[1]);
}

const GIC =
  '\tgic: interrupt-controller@8000000 {\n\t\tcompatible = "arm,gic-v3";\n\t\t#interrupt-cells = <3>;\n\t\tinterrupt-controller;\n' +
  '\t\treg = <0x0 0x08000000 0x0 0x10000>;\n\t};\n';

/** A 2/2 board with a GICv3 as the interrupt parent, then `body`. */
function board(body: string, root = ''): string {
  return `/dts-v1/;\n/ {\n\tcompatible = "acme,board";\n\tmodel = "Acme";\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tinterrupt-parent = <&gic>;\n${root}${GIC}${body}};\n`;
}

function vmgenid(reg: string, extra = 'interrupts = <0 35 1>;', name = 'rng@90000000', compatible = 'microsoft,vmgenid'): string {
  return `\t${name} {\n\t\tcompatible = "${compatible}";\n\t\treg = ${reg};\n\t\t${extra}\n\t};\n`;
}

const MEMORY = '\tmemory@80000000 {\n\t\tdevice_type = "memory";\n\t\treg = <0x0 0x80000000 0x0 0x40000000>;\n\t};\n';

function reservedMemory(size: string, head = '#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;'): string {
  return `\treserved-memory {\n\t\t${head}\n\t\tvmgenid@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 ${size}>;\n\t\t\tno-map;\n\t\t};\n\t};\n`;
}

const IN_RAM = vmgenid('<0x0 0xbfff0000 0x0 0x10>', undefined, 'rng@bfff0000');

// --- value sizes -------------------------------------------------------------

test('value sizes: a reg written with /bits/ 64, /bits/ 16 or mixed widths is judged by its bytes, as from the DTB', () => {
  assert.deepEqual(lint(board(vmgenid('/bits/ 64 <0x90000000 0x1000>'))), []);
  assert.deepEqual(lint(board(vmgenid('/bits/ 16 <0x0 0x0 0x9000 0x0 0x0 0x0 0x0 0x1000>'))), []);
  assert.deepEqual(lint(board(vmgenid('<0x0 0x90000000>, /bits/ 64 <0x1000>'))), []);
  // eight bytes are two cells: an address without a size, under 2/2
  const short = lint(board(vmgenid('/bits/ 64 <0x90000000>')));
  assert.deepEqual(checks(short), ['vmgenid-reg-format, schema_items']);
  assert.match(short[0]![2], /a reg of 8 bytes, not a multiple of 16/);
});

// --- disabled ancestors --------------------------------------------------------

function bus(status: string, child: string): string {
  return `\tsoc@90000000 {\n\t\tcompatible = "simple-bus";\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges = <0x0 0x0 0x90000000 0x10000000>;\n${status}${child}\t};\n`;
}

test('a vmgenid node under a disabled bus is skipped with a note naming the bus; under an enabled one it is judged', () => {
  const broken = vmgenid('<0x4 0x3>', undefined, 'rng@4').replace(/^\t/gm, '\t\t');
  const skipped = lint(board(bus('\t\tstatus = "disabled";\n', broken)));
  assert.deepEqual(checks(skipped), ['vmgenid-disabled']);
  assert.equal(skipped[0]![0], 'note');
  assert.match(skipped[0]![2], /under \/soc@90000000, which has status = "disabled": Linux creates no device below it/);
  // the same node on an enabled bus is judged (and here found wanting)
  assert.deepEqual(checks(lint(board(bus('', broken)))), ['vmgenid-reg-alignment', 'vmgenid-reg-size']);
  const good = vmgenid('<0x0 0x1000>', undefined, 'rng@0').replace(/^\t/gm, '\t\t');
  assert.deepEqual(lint(board(bus('\t\tstatus = "okay";\n', good))), []);
});

test('a bus Linux does not populate: no compatible is an error, another device a warning', () => {
  const child = vmgenid('<0x0 0x1000>', undefined, 'rng@0').replace(/^\t/gm, '\t\t');
  const plain = bus('', child).replace('\t\tcompatible = "simple-bus";\n', '');
  const dead = lint(board(plain));
  assert.deepEqual(checks(dead), ['vmgenid-no-device']);
  assert.match(dead[0]![2], /\/soc@90000000 has no compatible, and Linux's of_platform_populate skips such a node/);
  const pmic = bus('', child).replace('"simple-bus"', '"acme,pmic"');
  assert.deepEqual(checks(lint(board(pmic))), ['vmgenid-parent-bus']);
  assert.deepEqual(lint(board(bus('', child).replace('"simple-bus"', '"acme,pmic", "simple-mfd"'))), []);
  // /firmware has no compatible, but Linux populates its children on their own
  const firmware = '\tfirmware {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n' + vmgenid('<0x0 0x90000000 0x0 0x1000>').replace(/^\t/gm, '\t\t') + '\t};\n';
  assert.deepEqual(lint(board(firmware)), []);
});

// --- the interrupt-parent walk ------------------------------------------------

test('interrupt-parent naming a clock: Linux walks on to the GIC; a warning says where and why dtc warns', () => {
  const clock = '\tclk: clock-24000000 {\n\t\tcompatible = "fixed-clock";\n\t\t#clock-cells = <0>;\n\t\tclock-frequency = <24000000>;\n\t};\n';
  const found = lint(board(clock + vmgenid('<0x0 0x90000000 0x0 0x1000>', 'interrupt-parent = <&clk>; interrupts = <0 35 1>;')));
  assert.deepEqual(checks(found), ['vmgenid-interrupt-parent-detour']);
  assert.equal(found[0]![0], 'warning');
  assert.match(found[0]![2], /reaches \/interrupt-controller@8000000 only by walking on from \/clock-24000000 .*which has no #interrupt-cells.*dtc warns interrupts_property/);
  assert.deepEqual(lint(board(clock + vmgenid('<0x0 0x90000000 0x0 0x1000>', 'interrupt-parent = <&gic>; interrupts = <0 35 1>;'))), []);
});

test('the interrupt-parent walk that ends nowhere, loops, or stops at a node that is no controller is an error', () => {
  const nowhere = `/dts-v1/;\n/ {\n\tcompatible = "acme,board";\n\tmodel = "Acme";\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n${vmgenid('<0x0 0x90000000 0x0 0x1000>')}};\n`;
  const lost = lint(nowhere);
  assert.ok(checks(lost).some((c) => c.startsWith('vmgenid-interrupt-parent')), JSON.stringify(lost));
  assert.match(lost.find((v) => v[1].startsWith('vmgenid-interrupt-parent'))![2], /reaches the root without finding a node with #interrupt-cells/);

  const loop = '\ta: a {\n\t\tinterrupt-parent = <&b>;\n\t};\n\tb: b {\n\t\tinterrupt-parent = <&a>;\n\t};\n';
  const looped = lint(board(loop + vmgenid('<0x0 0x90000000 0x0 0x1000>', 'interrupt-parent = <&a>; interrupts = <0 35 1>;')));
  assert.equal(looped[0]![0], 'error');
  assert.match(looped[0]![2], /chain loops \(\/rng@90000000 -> \/a -> \/b -> \/a\); Linux's of_irq_find_parent would walk it for ever/);

  const passThrough = '\tpt: thing {\n\t\t#interrupt-cells = <3>;\n\t};\n';
  const deferred = lint(board(passThrough + vmgenid('<0x0 0x90000000 0x0 0x1000>', 'interrupt-parent = <&pt>; interrupts = <0 35 1>;')));
  assert.deepEqual(checks(deferred), ['vmgenid-interrupt-parent']);
  assert.match(deferred[0]![2], /\/thing has #interrupt-cells but neither interrupt-controller nor interrupt-map.*-EPROBE_DEFER/);
});

// --- /reserved-memory that Linux ignores ----------------------------------------

test('/reserved-memory with other cells than the root\'s, or without ranges, is ignored by Linux: its no-map carves nothing out', () => {
  const cells = lint(board(MEMORY + reservedMemory('0x10000', '#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges;').replace('<0x0 0xbfff0000 0x0 0x10000>', '<0xbfff0000 0x10000>') + IN_RAM));
  assert.deepEqual(checks(cells), ['vmgenid-memory-overlap']);
  assert.match(cells[0]![2], /Linux ignores \/reserved-memory as a whole because the #size-cells of \/reserved-memory \(1\) differs from the root's \(2\).*carve nothing out; dtc warns ranges_format on its empty ranges/);
  const noRanges = lint(board(MEMORY + reservedMemory('0x10000', '#address-cells = <2>;\n\t\t#size-cells = <2>;') + IN_RAM));
  // dt-schema's reserved-memory binding requires ranges too: the schema says so, the check says what Linux does
  assert.deepEqual(checks(noRanges), ['schema_required', 'vmgenid-memory-overlap']);
  assert.match(noRanges[1]![2], /because \/reserved-memory has no ranges property/);
  assert.deepEqual(lint(board(MEMORY + reservedMemory('0x10000') + IN_RAM)), []);
});

// --- pages, not bytes -----------------------------------------------------------

test('coverage is judged by pages: 16 bytes of no-map are not enough, a 4 KiB page is for 4 KiB kernels only, 64 KiB is for all', () => {
  const bytes = lint(board(MEMORY + reservedMemory('0x10') + IN_RAM));
  assert.deepEqual(checks(bytes), ['vmgenid-memory-overlap']);
  assert.match(bytes[0]![2], /its 4 KiB page 0xbfff0000-0xbfff0fff is not wholly inside a \/reserved-memory region with no-map \(the no-map region \/reserved-memory\/vmgenid@bfff0000 covers 0xbfff0000-0xbfff000f only\)/);
  const page = lint(board(MEMORY + reservedMemory('0x1000') + IN_RAM));
  assert.deepEqual(checks(page), ['vmgenid-memory-page-size']);
  assert.equal(page[0]![0], 'warning');
  assert.match(page[0]![2], /^with 16 KiB pages/);
  assert.deepEqual(lint(board(MEMORY + reservedMemory('0x10000') + IN_RAM)), []);
});

test('a no-map region over RAM another region reserved first is refused by Linux (-EBUSY) and the page stays mapped', () => {
  const first = '\t\tfirst@bfff0000 {\n\t\t\treg = <0x0 0xbfff0000 0x0 0x10000>;\n\t\t};\n';
  const tree = board(MEMORY + reservedMemory('0x10000').replace('\t\tvmgenid@bfff0000 {', first + '\t\tvmgenid@bfff0000 {') + IN_RAM);
  const found = lint(tree);
  assert.deepEqual(checks(found), ['vmgenid-memory-overlap']);
  assert.match(found[0]![2], /is not honoured: it overlaps \/reserved-memory\/first@bfff0000 .* reserved before it, so Linux refuses the no-map \(-EBUSY\)/);
});

// --- memory as Linux reads it ---------------------------------------------------

test('memory as Linux reads it: only the root\'s device_type "memory" children, enabled, linux,usable-memory first, whole pages', () => {
  // under /soc it is not RAM to Linux
  const soc = '\tsoc {\n\t\tcompatible = "simple-bus";\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n' + MEMORY.replace(/^\t/gm, '\t\t') + '\t};\n';
  assert.deepEqual(lint(board(soc + IN_RAM)), []);
  // a disabled memory node is not RAM
  assert.deepEqual(lint(board(MEMORY.replace('device_type', 'status = "disabled";\n\t\tdevice_type') + IN_RAM)), []);
  // linux,usable-memory replaces reg: here it leaves the buffer out, and in its twin it does not
  const usable = (size: string) => MEMORY.replace('\t};', `\t\tlinux,usable-memory = <0x0 0x80000000 0x0 ${size}>;\n\t};`);
  // (dt-schema 2022.08's memory binding does not list linux,usable-memory, which kexec adds at run time: dt-validate says so too)
  assert.deepEqual(checks(lint(board(usable('0x3fff0000') + IN_RAM))), ['schema_additional']);
  assert.deepEqual(checks(lint(board(usable('0x40000000') + IN_RAM))), ['schema_additional', 'vmgenid-memory-overlap']);
  // a bank starting mid-page is trimmed to whole pages: the page before it is not RAM
  const midPage = '\tmemory@80000800 {\n\t\tdevice_type = "memory";\n\t\treg = <0x0 0x80000800 0x0 0x40000000>;\n\t};\n';
  const below = vmgenid('<0x0 0x80000000 0x0 0x10>', undefined, 'rng@80000000');
  assert.deepEqual(lint(board(midPage + below)), []);
  assert.deepEqual(checks(lint(board(MEMORY + below))), ['vmgenid-memory-overlap']);
});

// --- compatibles ------------------------------------------------------------------

test('a compatible a typo away is an error with "did you mean", at the compatible, and the node is judged as meant', () => {
  const typos: Array<[string, string]> = [
    ['microsoft,vmgenId', 'microsoft,vmgenid'],
    ['Microsoft,VMGenID', 'microsoft,vmgenid'],
    ['microsoft, vmgenid', 'microsoft,vmgenid'],
    ['microsoft,vm-gen-id', 'microsoft,vmgenid'],
    ['microsoft,vmgneid', 'microsoft,vmgenid'],
    ['microsoft,vmgend', 'microsoft,vmgenid'],
    ['mircosoft,vmgenid', 'microsoft,vmgenid'],
    ['acme,vmgenid', 'microsoft,vmgenid'],
    ['amazon,vmgen-counter', 'virtual,vmgenctr'],
    ['virtual,vmgencntr', 'virtual,vmgenctr'],
    ['virtual,vmgentr', 'virtual,vmgenctr'],
    ['vmgenid', 'microsoft,vmgenid'],
    ['microsoft,vmgenid ', 'microsoft,vmgenid'],
  ];
  for (const [written, meant] of typos) {
    assert.equal(meantCompatible(written), meant, written);
    const found = lint(board(vmgenid('<0x0 0x90000000 0x0 0x1000>', undefined, undefined, written)));
    assert.equal(found[0]![1], 'vmgenid-compatible-typo', `${written}: ${JSON.stringify(found)}`);
    assert.equal(found[0]![0], 'error');
    assert.ok(found[0]![2].includes(`did you mean "${meant}"?`), found[0]![2]);
  }
  // judged as meant: the misspelt node's own faults are found too
  const misaligned = lint(board(vmgenid('<0x0 0x90000004 0x0 0x1000>', undefined, 'rng@90000004', 'microsoft,vmgenId')));
  assert.deepEqual(checks(misaligned), ['vmgenid-compatible-typo', 'vmgenid-reg-alignment']);
  // unrelated compatibles stay silent
  for (const other of ['acme,trng', 'microsoft,vmbus', 'arm,gic-v3', 'virtio,mmio', 'vmware,vmxnet3']) assert.equal(meantCompatible(other), null, other);
  const unrelated = lint(board(vmgenid('<0x0 0x90000000 0x0 0x1000>', undefined, undefined, 'acme,trng')));
  assert.deepEqual(checks(unrelated), ['no_vmgenid_node']);
});

test('the seed\'s virtual,vmgenctr is clean but for the note that an upstream kernel does not bind it; a nameless compatible is a warning', () => {
  const draft = lint(board(vmgenid('<0x0 0x90000000 0x0 0x1000>', undefined, undefined, 'virtual,vmgenctr')));
  assert.deepEqual(draft.map((v) => [v[0], v[1]]), [['note', 'vmgenid-draft-binding']]);
  assert.match(draft[0]![2], /an upstream kernel binds only "microsoft,vmgenid" and does not probe this node/);
  const nameless = board('\tvmgenid@90000000 {\n\t\treg = <0x0 0x90000000 0x0 0x1000>;\n\t\tinterrupts = <0 35 1>;\n\t};\n');
  const found = lint(nameless);
  assert.deepEqual(found.map((v) => [v[0], v[1]]), [['warning', 'vmgenid-missing-compatible'], ['note', 'no_vmgenid_node']]);
  assert.match(found[0]![2], /named like a VM generation ID device but has no compatible, so no driver binds it/);
});

// --- a real producer -------------------------------------------------------------

test('Firecracker\'s aarch64 tree (its buffer just below memory@ram, no /reserved-memory): no error; the missing unit address is dtc\'s warning', () => {
  const source = readFileSync(projectPath('test/fixtures/producers/firecracker-aarch64.dts'), 'latin1');
  const found = lint(source);
  assert.deepEqual(found.map((v) => [v[0], v[1]]).sort(), [['note', 'vmgenid-node-name'], ['warning', 'unit-address-vs-reg']]);
  assert.deepEqual(found.filter((v) => v[0] === 'error'), []);
  assert.deepEqual(found.filter((v) => v[0] === 'warning').map((v) => v[1]), ['unit-address-vs-reg']);
  assert.match(found.find((v) => v[1] === 'unit-address-vs-reg')![2], /no unit address; dtc expects the name vmgenid@801ffff0/);
});

// --- one fault, one finding ---------------------------------------------------------

test('one fault, one finding: a missing interrupts is told once, by the check, with the schema\'s name kept', () => {
  const found = lint(board(vmgenid('<0x0 0x90000000 0x0 0x1000>', '')));
  assert.deepEqual(checks(found), ['vmgenid-interrupt-count, schema_required']);
  const two = lint(board(vmgenid('<0x0 0x90000000 0x0 0x10>, <0x0 0xa0000000 0x0 0x10>')));
  assert.deepEqual(two.map((v) => [v[0], v[1]]), [['error', 'vmgenid-reg-entries, schema_items']]);
});

test('one fault, one finding: a reference to a missing label is one error, exit 2 as dtc refuses it; compile writes nothing without -f', async () => {
  const source = board(vmgenid('<0x0 0x90000000 0x0 0x1000>', 'interrupt-parent = <&nosuch>; interrupts = <0 35 1>;'));
  const r = await runCli(['-'], { stdin: source });
  assert.equal(r.code, 2);
  const out = r.stdout.toString('latin1');
  assert.equal(out.match(/: error: /g)?.length, 1, out);
  assert.match(out, /error: Reference to non-existent node or label "nosuch"; as a result, .*unresolved reference.* \[phandle_references, vmgenid-interrupt-parent\]/);
  assert.match(out, /could not be read or compiled/);
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-force-'));
  try {
    const output = join(dir, 'out.dtb');
    const refused = await runCli(['compile', '-', '-o', output], { stdin: source });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /error: Reference to non-existent node or label "nosuch"/);
    assert.match(refused.stderr, /nothing written \(use -f to write the output anyway\)/);
    assert.equal(existsSync(output), false);
    const forced = await runCli(['compile', '-f', '-', '-o', output], { stdin: source });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /warning: Reference to non-existent node or label "nosuch"/);
    assert.ok(existsSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
