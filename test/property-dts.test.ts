/**
 * Property-based tests of the DTS front end (issue "Hostile input"): whatever
 * the source, compiling returns a tree or diagnostics and never throws; and
 * for valid sources, DTS → DTB → DTS → DTB is a fixed point, with dtc's own
 * output as a check when dtc is installed. Seeds are fixed, so a failure
 * reproduces; a shrunk failure becomes a plain regression test below.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishTree, type CompileResult } from '../src/compiler.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDtb } from '../src/dtb/write.js';
import { writeDts } from '../src/dtb/dts-write.js';
import { loadTree } from '../src/load-tree.js';
import type { DeviceTree } from '../src/tree/node.js';
import {
  assertCliSurvives,
  DTS_VOCABULARY,
  HOSTILE_FILES,
  INCBIN_FILES,
  looksLikeCrash,
  mutatedText,
  randomText,
  runs,
  tokenSoup,
  validSource,
} from './arbitraries.js';
import { compileString, hex, memoryHost } from './helpers.js';

const DTC = '/usr/bin/dtc';

/** What every compile must give: a tree, or at least one error saying why not. */
function assertWellFormed(r: CompileResult): void {
  assert.ok(Array.isArray(r.diagnostics));
  for (const d of r.diagnostics) {
    assert.ok(['error', 'warning', 'note'].includes(d.severity), `severity ${d.severity}`);
    assert.equal(typeof d.message, 'string');
    assert.ok(!looksLikeCrash(d.message), d.message);
  }
  if (r.tree === null) assert.ok(r.diagnostics.some((d) => d.severity === 'error'), 'no tree and no error');
}

/** Compile, and when there is a tree, write it both ways (the writers must not throw either). */
function compileAndWrite(text: string): void {
  const r = compileString(text, HOSTILE_FILES);
  assertWellFormed(r);
  if (r.tree) {
    writeDts(r.tree);
    writeDtb(r.tree);
  }
}

const hostile = fc.oneof(randomText, tokenSoup(DTS_VOCABULARY), mutatedText(validSource, DTS_VOCABULARY));

test('property dts: random bytes compile to a tree or diagnostics, never a throw', () => {
  fc.assert(fc.property(randomText, compileAndWrite), { seed: 0x5eed01, numRuns: runs(150) });
});

test('property dts: token soups of DTS vocabulary compile to a tree or diagnostics, never a throw', () => {
  fc.assert(fc.property(tokenSoup(DTS_VOCABULARY), compileAndWrite), { seed: 0x5eed02, numRuns: runs(300) });
  // A soup that starts as a source does, so the parser gets further in.
  fc.assert(fc.property(tokenSoup(DTS_VOCABULARY), (t) => compileAndWrite('/dts-v1/;\n/ { ' + t)), { seed: 0x5eed03, numRuns: runs(200) });
});

test('property dts: mutations of valid sources compile to a tree or diagnostics, never a throw', () => {
  fc.assert(fc.property(mutatedText(validSource, DTS_VOCABULARY), compileAndWrite), { seed: 0x5eed04, numRuns: runs(200) });
});

test('property dts: loadTree returns a result for any source, with or without the preprocessor', () => {
  const host = memoryHost(HOSTILE_FILES);
  fc.assert(
    fc.property(hostile, fc.constantFrom('auto' as const, 'on' as const, 'off' as const), fc.constantFrom('x.dts', 'x.dtsi', '<stdin>', 'x.txt'), (text, cpp, name) => {
      const r = loadTree(name, Buffer.from(text, 'latin1'), { host, cpp });
      assertWellFormed(r);
      assert.equal(r.kind, 'dts');
    }),
    { seed: 0x5eed05, numRuns: runs(150) },
  );
});

// ---------------------------------------------------------------------------
// Valid sources: the fixed point.

function compileValid(text: string): DeviceTree {
  const r = compileString(text, INCBIN_FILES);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `the generated source should compile cleanly:\n${text}`);
  assert.ok(r.tree);
  return r.tree;
}

/**
 * dtc writes a NUL in a string as `\0` even when a digit 0-7 follows, which
 * reads back as an octal escape (`"a", "1"` decompiles to `"a\01"`). We
 * reproduce that, so values where it happens cannot round-trip, in dtc or here.
 */
function hasOctalAfterNul(dts: string): boolean {
  return /(^|[^\\])(\\\\)*\\0[0-7]/.test(dts);
}

test('property dts: generated sources compile without errors', () => {
  fc.assert(fc.property(validSource, (src) => void compileValid(src)), { seed: 0x5eed06, numRuns: runs(150) });
});

test('property dts: DTS → DTB → DTS → DTB is a fixed point (decompiling the source tree and the blob)', () => {
  fc.assert(
    fc.property(validSource, (src) => {
      const tree = compileValid(src);
      const blob = writeDtb(tree);

      // dtc -I dts -O dts: the source tree, value types from the source's markers.
      const fromSource = writeDts(tree);
      fc.pre(!hasOctalAfterNul(fromSource));
      assert.equal(hex(writeDtb(compileValid(fromSource))), hex(blob), `decompiled from source:\n${fromSource}`);

      // dtc -I dtb -O dts: the blob read back, value types guessed.
      const read = finishTree(readDtb(blob, 'x.dtb'), {});
      assert.ok(read.tree);
      const fromBlob = writeDts(read.tree);
      fc.pre(!hasOctalAfterNul(fromBlob));
      const again = writeDtb(compileValid(fromBlob));
      assert.equal(hex(again), hex(blob), `decompiled from blob:\n${fromBlob}`);
      // And once more: the decompiled text itself is now a fixed point.
      assert.equal(writeDts(finishTree(readDtb(again, 'y.dtb'), {}).tree!), fromBlob);
    }),
    { seed: 0x5eed07, numRuns: runs(200) },
  );
});

test('property dts: generated sources compile to the same blob as dtc 1.6.1', (t) => {
  if (!existsSync(DTC)) {
    t.skip(`${DTC} is not installed: no comparison with dtc`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-property-'));
  try {
    for (const [name, bytes] of Object.entries(INCBIN_FILES)) writeFileSync(join(dir, name), bytes);
    const file = join(dir, 'x.dts');
    fc.assert(
      fc.property(validSource, (src) => {
        writeFileSync(file, src, 'latin1');
        const dtc = spawnSync(DTC, ['-q', '-I', 'dts', '-O', 'dtb', '-o', '-', file], { cwd: dir });
        assert.equal(dtc.status, 0, `dtc failed: ${dtc.stderr}\n${src}`);
        assert.equal(hex(writeDtb(compileValid(src))), hex(dtc.stdout), src);
        // dtc's DTS writer aborts on /incbin/ bytes before a typed chunk; compare where it writes something.
        const dts = spawnSync(DTC, ['-q', '-I', 'dts', '-O', 'dts', '-o', '-', file], { cwd: dir });
        if (dts.status === 0) assert.equal(writeDts(compileValid(src)), dts.stdout.toString('latin1'), src);
      }),
      { seed: 0x5eed08, numRuns: runs(40) },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------
// The whole CLI, in process.

const COMMANDS: string[][] = [['-'], ['--no-cpp', '-'], ['-f', 'json', '--all', '-'], ['compile', '-'], ['compile', '-O', 'dts', '-'], ['dump', '-']];

test('property dts: the CLI exits 0, 1 or 2 on any source, without a stack trace', async () => {
  await assertCliSurvives(hostile, COMMANDS, { seed: 0x5eed09, numRuns: runs(120) });
});

// ---------------------------------------------------------------------------
// Regressions found by the properties above.

test('property dts regression: /incbin/ bytes before a typed chunk are written, not dropped (dtc 1.6.1 aborts here)', () => {
  const src = '/dts-v1/;\n/ {\n\ta = /incbin/("blob.bin"), <1>;\n\tb = /incbin/("blob.bin", 0, 4), "x";\n};\n';
  const tree = compileValid(src);
  const dts = writeDts(tree);
  assert.match(dts, /\ta = \[61 62 00 01 ff 10 00\], <0x01>;\n/);
  assert.match(dts, /\tb = <0x61620001>, "x";\n/);
  assert.equal(hex(writeDtb(compileValid(dts))), hex(writeDtb(tree)));
});

test('property dts regression: a string list element starting with an octal digit decompiles from a blob as dtc 1.6.1 does (not a fixed point there either)', () => {
  // dtc -I dtb -O dts prints `c = "foo\01bar";`, which reads back as "foo\x01bar": the fixed point skips such values.
  const tree = compileValid('/dts-v1/;\n/ { c = "foo", "1bar"; };\n');
  const read = finishTree(readDtb(writeDtb(tree), 'x.dtb'), {});
  assert.ok(read.tree);
  assert.match(writeDts(read.tree), /\tc = "foo\\01bar";\n/);
  assert.ok(hasOctalAfterNul(writeDts(read.tree)));
});
