/**
 * Property-based tests of the built-in C preprocessor (issue "Hostile
 * input"): whatever the input, `preprocess` returns output or diagnostics and
 * never throws; and a source without directives compiles to the same blob
 * with or without it. Seeds are fixed, so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { writeDtb } from '../src/dtb/write.js';
import { loadTree } from '../src/load-tree.js';
import type { PreprocessResult } from '../src/cpp/index.js';
import {
  assertCliSurvives,
  CPP_VOCABULARY,
  HOSTILE_FILES,
  INCBIN_FILES,
  looksLikeCrash,
  mutatedText,
  randomText,
  runs,
  tokenSoup,
  validSource,
} from './arbitraries.js';
import { compileString, hex, memoryHost, preprocessString } from './helpers.js';

const FILES = Object.fromEntries(Object.entries(HOSTILE_FILES).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

/** Small programs that use the preprocessor the way board files do, to mutate. */
const CPP_PROGRAMS = [
  '#include "x.h"\n/dts-v1/;\n/ {\n\tp = <F(1) X>;\n};\n',
  '#define CELLS(a, b) <a b>\n#define NAME(n) n##_node\n/dts-v1/;\n/ {\n\tNAME(my) {\n\t\treg = CELLS(0x10, 4);\n\t};\n};\n',
  '#if defined(X) && X > 1\n#define Y 2\n#elif !defined(Z)\n#define Y 3\n#else\n#error no\n#endif\n/dts-v1/;\n/ { y = <Y>; s = #Y; };\n',
  '#define STR(x) #x\n#define XSTR(x) STR(x)\n#define V(...) <__VA_ARGS__>\n/dts-v1/;\n/ { s = XSTR(__LINE__); v = V(1, 2, 3); f = __FILE__; };\n',
  '#ifdef __DTS__\n#define GIC_SPI 0\n#define IRQ_TYPE_EDGE_RISING 1\n#endif\n/dts-v1/;\n/ {\n\tinterrupts = <GIC_SPI 3 IRQ_TYPE_EDGE_RISING>; /* c */ // d\n};\n#undef GIC_SPI\n',
  '#line 10 "other.dts"\n#pragma once\n#define A(x) B(x) + 1\n#define B(x) (x * 2)\n/dts-v1/;\n/ { a = <(A(A(3)))>; };\n',
];

const cppProgram = fc.constantFrom(...CPP_PROGRAMS);

/** What every preprocess must give: output, and an error when it failed. */
function assertWellFormed(r: PreprocessResult): void {
  assert.equal(typeof r.output, 'string');
  assert.equal(typeof r.ok, 'boolean');
  for (const d of r.diagnostics) {
    assert.ok(['error', 'warning', 'note'].includes(d.severity));
    assert.ok(!looksLikeCrash(d.message), d.message);
  }
  if (!r.ok) assert.ok(r.diagnostics.some((d) => d.severity === 'error'), 'failed without an error');
  // Every output position maps back somewhere.
  const lines = r.output.split('\n');
  for (let i = 0; i < lines.length; i += Math.max(1, lines.length >> 3)) r.origins.locate('test.dts', i + 1, 1);
}

function preprocessAll(text: string): void {
  assertWellFormed(preprocessString(text, FILES));
  assertWellFormed(preprocessString(text, FILES, { defines: [['X', '3'], ['F(a)', 'a a']], undefines: ['__DTS__'], maxIncludeDepth: 5 }));
}

const hostile = fc.oneof(randomText, tokenSoup(CPP_VOCABULARY, 60), mutatedText(cppProgram, CPP_VOCABULARY));

test('property cpp: random bytes preprocess to output or diagnostics, never a throw', () => {
  fc.assert(fc.property(randomText, preprocessAll), { seed: 0xc99001, numRuns: runs(150) });
});

test('property cpp: token soups of preprocessor vocabulary preprocess to output or diagnostics, never a throw', () => {
  fc.assert(fc.property(tokenSoup(CPP_VOCABULARY, 60), preprocessAll), { seed: 0xc99002, numRuns: runs(400) });
});

test('property cpp: mutations of preprocessor programs preprocess to output or diagnostics, never a throw', () => {
  fc.assert(fc.property(mutatedText(cppProgram, CPP_VOCABULARY), preprocessAll), { seed: 0xc99003, numRuns: runs(250) });
});

test('property cpp: loadTree through the preprocessor returns a tree or says why', () => {
  const host = memoryHost(HOSTILE_FILES);
  fc.assert(
    fc.property(hostile, (text) => {
      const r = loadTree('x.dts', Buffer.from(text, 'latin1'), { host, cpp: 'on', defines: [['X', '1']] });
      if (r.tree === null) assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
      for (const d of r.diagnostics) assert.ok(!looksLikeCrash(d.message), d.message);
    }),
    { seed: 0xc99004, numRuns: runs(200) },
  );
});

test('property cpp: a source without directives compiles to the same blob with or without the preprocessor', () => {
  const host = memoryHost(INCBIN_FILES);
  fc.assert(
    fc.property(validSource, (src) => {
      const plain = compileString(src, INCBIN_FILES);
      assert.ok(plain.tree);
      const pre = preprocessString(src);
      assert.ok(pre.ok, JSON.stringify(pre.diagnostics));
      const viaText = compileString(pre.output, INCBIN_FILES);
      assert.ok(viaText.tree, JSON.stringify(viaText.diagnostics));
      assert.equal(hex(writeDtb(viaText.tree)), hex(writeDtb(plain.tree)));
      const loaded = loadTree('x.dts', Buffer.from(src, 'latin1'), { host, cpp: 'on' });
      assert.ok(loaded.tree, JSON.stringify(loaded.diagnostics));
      assert.equal(hex(writeDtb(loaded.tree)), hex(writeDtb(plain.tree)));
    }),
    { seed: 0xc99005, numRuns: runs(100) },
  );
});

const COMMANDS: string[][] = [['--cpp', '-'], ['-D', 'X=2', '-U', '__DTS__', '--cpp', '-'], ['compile', '--cpp', '-'], ['dump', '--cpp', '-']];

test('property cpp: the CLI exits 0, 1 or 2 on any preprocessor input, without a stack trace', async () => {
  await assertCliSurvives(hostile, COMMANDS, { seed: 0xc99006, numRuns: runs(100) });
});
