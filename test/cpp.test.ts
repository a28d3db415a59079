import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDtsText } from '../src/compiler.js';
import { needsPreprocessor, preprocess } from '../src/cpp/index.js';
import { bytesToLatin1, nodeFileHost } from '../src/source/host.js';
import { nodeByPath } from '../src/tree/lookup.js';
import type { DeviceTree } from '../src/tree/node.js';
import { hex, memoryHost, outputBody, preprocessString, projectPath } from './helpers.js';

const pp = preprocessString;
const body = outputBody;

function cells(tree: DeviceTree, path: string, prop: string): string {
  const node = nodeByPath(tree.root, path);
  assert.ok(node, `no node ${path}`);
  const p = node.properties.find((q) => q.name === prop);
  assert.ok(p, `no property ${prop}`);
  return hex(p.value.bytes);
}

test('object-like and function-like macros expand', () => {
  const r = pp('#define A 1\n#define F(x, y) <x y>\na = F(A, 2);\n');
  assert.equal(r.ok, true);
  assert.equal(body(r), 'a = <1 2>;');
});

test('#address-cells and other #words pass through untouched', () => {
  const r = pp('/ {\n#address-cells = <1>;\n\t#size-cells = <0>;\n  #interrupt-cells = <3>;\n};\n');
  assert.equal(r.ok, true);
  assert.match(r.output, /^#address-cells = <1>;$/m);
  assert.match(r.output, /^\t#size-cells = <0>;$/m);
  assert.match(r.output, /^  #interrupt-cells = <3>;$/m);
});

test('needsPreprocessor sees directives only', () => {
  assert.equal(needsPreprocessor('/ { #address-cells = <1>; };'), false);
  assert.equal(needsPreprocessor('/ {\n  #address-cells = <1>;\n};'), false);
  assert.equal(needsPreprocessor('  #include "x.h"\n'), true);
  assert.equal(needsPreprocessor('# define X\n'), true);
  assert.equal(needsPreprocessor('#endif\n'), true);
});

test('upstream GIC example compiles to <0 35 1>', () => {
  const path = projectPath('fixtures/cpp/board.dts');
  const text = bytesToLatin1(nodeFileHost.readBytes(path) as Uint8Array);
  const r = preprocess(path, text, { host: nodeFileHost, includeDirs: [projectPath('include')] });
  assert.deepEqual(r.diagnostics, []);
  const c = compileDtsText(path, r.output, { host: nodeFileHost, includeDirs: [] });
  assert.ok(c.tree, c.diagnostics.map((d) => d.message).join('; '));
  assert.equal(cells(c.tree, '/uart@0x9000000', 'interrupts'), '000000000000002300000001');
  assert.equal(cells(c.tree, '/timer', 'interrupts'), '000000010000000d00000f08');
});

test('avoid-paste spacing matches gcc', () => {
  const r = pp('#define B 0x1000\n#define E\n#define N node\na-B-b;\nx=<B-1>;\n<E-1>;\nN@B,N;\n&N;\nB+B B.B\n');
  assert.equal(body(r), 'a-0x1000 -b;\nx=<0x1000 -1>;\n<-1>;\nnode@0x1000,node;\n&node;\n0x1000 +0x1000 0x1000 . 0x1000');
});

test('stringify, paste, variadic and GNU comma', () => {
  const r = pp(
    [
      '#define S(x) #x',
      '#define P(a, b) a##b',
      '#define V(fmt, args...) f(fmt, ##args)',
      '#define W(...) [__VA_ARGS__]',
      'S( a  "b\\n"  c ) P(x, y) P(, y) P(x, ) V(1) V(1, 2, 3) W() W(1, 2)',
    ].join('\n'),
  );
  assert.equal(body(r), '"a \\"b\\\\n\\" c" xy y x f(1) f(1, 2, 3) [] [1, 2]');
});

test('self-reference is not expanded again (blue paint)', () => {
  const r = pp('#define foo foo bar\n#define f(x) x f\n#define g(x) f(x)\nfoo; f(1)(2); g(g)(3);\n');
  // As gcc: the `g` painted inside g's own argument stays unexpanded.
  assert.equal(body(r), 'foo bar; 1 f(2); g f(3);');
});

test('function-like name without ( is left alone, also across lines', () => {
  const r = pp('#define F(x) <x>\na = F;\nb = F\n(2);\n');
  // Tokens after a multi-line invocation stay on their own line (gcc joins them; same DTS).
  assert.equal(body(r), 'a = F;\nb = <2>\n;');
});

test('arguments spanning lines with nested parentheses and empty arguments', () => {
  const r = pp('#define F(a, b) [a|b]\nx = F((1,\n2), );\ny;\n');
  assert.equal(body(r), 'x = [(1, 2)|]\n;\ny;');
  assert.match(r.output, /y;/);
  // Line numbers survive: y is on line 4.
  const lines = r.output.split('\n');
  const marker = lines.findIndex((l) => l === '# 1 "test.dts"');
  assert.equal(lines.indexOf('y;') - marker, 4);
});

test('#if expressions', () => {
  const cases: Array<[string, boolean]> = [
    ['1', true],
    ['0', false],
    ['-1 > 0u', true],
    ['-1 < 0', true],
    ['0x10 == 16 && 010 == 8 && 0b101 == 5', true],
    ["'A' == 65 && '\\n' == 10", true],
    ['(2 ? 3 : 4) == 3', true],
    ['1 ? 2 : (1/0)', true],
    ['0 && (1/0)', false],
    ['18446744073709551615 == -1', true],
    ['1 << 63 < 0', true],
    ['UNDEFINED_NAME == 0', true],
    ['defined A && defined(A) && !defined B', true],
    ['(1, 0)', false],
    ['3 / 2 == 1 && -7 % 3 == -1 && 10ULL == 10', true],
  ];
  for (const [expr, want] of cases) {
    const r = pp(`#define A\n#if ${expr}\nyes\n#else\nno\n#endif\n`);
    assert.equal(r.ok, true, `${expr}: ${r.diagnostics.map((d) => d.message).join()}`);
    assert.equal(body(r), want ? 'yes' : 'no', expr);
  }
});

test('#if errors: division by zero, garbage, missing expression', () => {
  for (const [expr, msg] of [
    ['1/0', /division by zero/],
    ['1 +', /no expression|expected|#if/],
    ['(1', /missing '\)'/],
    ['1.5', /floating constant/],
  ] as const) {
    const r = pp(`#if ${expr}\n#endif\n`);
    assert.equal(r.ok, false, expr);
    assert.match(r.diagnostics[0]!.message, msg);
    assert.equal(r.diagnostics[0]!.check, 'cpp_expression');
  }
  const r = pp('#if 1/0\n#endif\n');
  assert.deepEqual([r.diagnostics[0]!.span!.line, r.diagnostics[0]!.span!.col], [1, 6]);
});

test('#ifdef, #ifndef, #elif, #else nest and skip', () => {
  const r = pp('#define X\n#ifdef X\na\n#if 0\nb\n#elif 1\nc\n#else\nd\n#endif\n#else\ne\n#endif\n#ifndef X\nf\n#elif defined X\ng\n#endif\n');
  assert.equal(body(r), 'a\nc\ng');
});

test('conditional errors', () => {
  assert.equal(pp('#if 1\n').diagnostics[0]!.message, 'unterminated #if');
  assert.equal(pp('#endif\n').diagnostics[0]!.message, '#endif without #if');
  assert.equal(pp('#else\n').diagnostics[0]!.message, '#else without #if');
  assert.equal(pp('#if 1\n#else\n#else\n#endif\n').diagnostics[0]!.message, '#else after #else');
  assert.equal(pp('#if 1\n#endif\n').ok, true);
});

test('#error is an error with its position, #warning a warning', () => {
  const r = pp('ok;\n  #error stop here\n#warning careful\n');
  assert.equal(r.ok, false);
  const [e, w] = r.diagnostics;
  assert.equal(e!.check, 'cpp_error');
  assert.equal(e!.message, '#error stop here');
  assert.deepEqual([e!.span!.file, e!.span!.line, e!.span!.col], ['test.dts', 2, 4]);
  assert.equal(w!.severity, 'warning');
  assert.equal(w!.check, 'cpp_warning');
  assert.equal(pp('#warning w\n').ok, true);
});

test('#include: quoted from the includer dir first, angled from -I, markers', () => {
  const files = {
    'dir/a.dtsi': '#include "b.h"\na = <B>;\n',
    'dir/b.h': '#define B 2\n',
    'inc/b.h': '#define B 3\n',
    'inc/c.h': 'c;\n',
  };
  const r = preprocess('dir/main.dts', '#include "a.dtsi"\n#include <c.h>\nend;\n', { host: memoryHost(files), includeDirs: ['inc'] });
  assert.equal(r.ok, true);
  assert.match(r.output, /# 1 "dir\/a.dtsi" 1\n/);
  assert.match(r.output, /a = <2>;/);
  assert.match(r.output, /# 2 "dir\/main.dts" 2\n/);
  assert.match(r.output, /# 1 "inc\/c.h" 1\nc;\n/);
  assert.match(r.output, /# 3 "dir\/main.dts" 2\nend;/);
});

test('#include of a macro, #pragma once and include guards', () => {
  const files = { 'x.h': '#pragma once\nx;\n', 'g.h': '#ifndef G\n#define G\ng;\n#endif\n' };
  const r = pp('#define H "x.h"\n#include H\n#include "x.h"\n#include "g.h"\n#include "g.h"\n', files);
  assert.equal(r.ok, true);
  assert.equal(body(r), 'x;\ng;');
});

test('missing include is fatal at the operand', () => {
  const r = pp('a;\n#include "nope.h"\nb;\n');
  assert.equal(r.ok, false);
  const d = r.diagnostics[0]!;
  assert.equal(d.check, 'cpp_include');
  assert.equal(d.message, 'fatal error: nope.h: No such file or directory (searched .; add the folder that holds it with -I DIR)');
  assert.deepEqual([d.span!.line, d.span!.col], [2, 10]);
  assert.doesNotMatch(r.output, /b;/);
});

test('include depth limit', () => {
  const r = pp('#include "self.h"\n', { 'self.h': '#include "self.h"\n' });
  assert.equal(r.ok, false);
  assert.match(r.diagnostics[0]!.message, /^#include nested depth 200 exceeds maximum of 200/);
  const small = pp('#include "self.h"\n', { 'self.h': '#include "self.h"\n' }, { maxIncludeDepth: 5 });
  assert.match(small.diagnostics[0]!.message, /^#include nested depth 5 exceeds maximum of 5/);
});

test('macro redefinition: identical silent, different warns', () => {
  assert.deepEqual(pp('#define A 1\n#define A 1\n').diagnostics, []);
  const r = pp('#define A 1\n#define A 2\nA\n');
  assert.equal(r.diagnostics[0]!.check, 'cpp_redefine');
  assert.equal(r.diagnostics[0]!.severity, 'warning');
  assert.equal(body(r), '2');
});

test('unterminated argument list is an error, not a hang', () => {
  const r = pp('#define F(x) x\nF(1, \n');
  assert.equal(r.ok, false);
  assert.match(r.diagnostics[0]!.message, /unterminated argument list invoking macro "F"/);
  assert.match(pp('#define F(x) x\nF(1, 2)\n').diagnostics[0]!.message, /passed 2 arguments, but takes just 1/);
});

test('runaway expansion is stopped', () => {
  const r = pp('#define F(x) F(x x) F(x x)\nF(1)\n');
  assert.ok(r.output.length < 10_000_000);
  const g = pp('#define A B\n#define B A\nA B\n');
  assert.equal(body(g), 'A B');
});

test('comments, splices, strings and char literals', () => {
  const r = pp("#define B 1\na = \"B\"; /* B */ b = 'B'; // B\nc = B \\\n+ B;\nd = /* multi\nline */ B;\ne = 'don't';\n");
  assert.equal(body(r), "a = \"B\";         b = 'B';\nc = 1\n+ 1;\nd =\n1;\ne = 'don't';");
});

test('__FILE__, __LINE__, __COUNTER__, __DTS__ and -D/-U', () => {
  const r = pp('__FILE__ __LINE__\n__LINE__ __COUNTER__ __COUNTER__ __DTS__ X Y\n', {}, { defines: [['X', '7'], ['Y', '1']], undefines: ['Y'] });
  // Y keeps its original column, so compare with whitespace collapsed.
  assert.equal(body(r).replace(/ +/g, ' '), '"test.dts" 1\n2 0 1 1 7 Y');
});

test('origins: expansion maps to the invocation, moved tokens to their place', () => {
  const r = pp('#define BASE 0x1000\n\tx = <BASE 5>;\n');
  const line = r.output.split('\n').find((l) => l.includes('x ='))!;
  assert.equal(line, '\tx = <0x1000 5>;');
  const at = (s: string) => line.indexOf(s) + 1;
  assert.deepEqual(r.origins.locate('test.dts', 2, at('0x1000')), { file: 'test.dts', line: 2, col: 7, macro: 'BASE' });
  assert.deepEqual(r.origins.locate('test.dts', 2, at(' 5') + 1), { file: 'test.dts', line: 2, col: 12 });
  assert.deepEqual(r.origins.locate('test.dts', 2, 2), { file: 'test.dts', line: 2, col: 2 });
  // Arguments keep their own position; the macro is the outermost one.
  const f = pp('#define G(x) <x>\n#define F(x) G(x)\nF(7);\n');
  assert.deepEqual(f.origins.locate('test.dts', 3, 2), { file: 'test.dts', line: 3, col: 3, macro: 'F' });
  assert.deepEqual(f.origins.locate('test.dts', 3, 1), { file: 'test.dts', line: 3, col: 1, macro: 'F' });
});

test('compiled positions after an include point at the right line', () => {
  const r = pp('#include "a.h"\n/dts-v1/;\n/ { p = <1>; };\n', { 'a.h': '#define X 1\n\n\n' });
  const c = compileDtsText('test.dts', r.output, { host: memoryHost({}), includeDirs: [] });
  assert.ok(c.tree);
  const p = c.tree.root.properties.find((q) => q.name === 'p')!;
  assert.equal(p.span?.file, 'test.dts');
  assert.equal(p.span?.line, 3);
});

test('bad input never throws', () => {
  for (const text of ['#define', '#define F(', '#define F(x', '#define F(x,x) x', '#define ## x', '#if', '#ifdef', '#include', '#include <', '#line x', '#undef', "'", '"', '/*', '#define F(x) #x\nF(', 'F(((', '#define E(x) x ## ## x\nE(a)']) {
    const r = pp(text + '\n');
    assert.equal(typeof r.output, 'string', text);
  }
});
