/**
 * Inputs dtc refuses: each must be refused here too, with dtc's message and
 * the position dtc gives (line and column as dtc 1.6.1 prints them).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileString } from './helpers.js';

const cases: Array<{ name: string; source: string; message: RegExp; line: number; col: number }> = [
  { name: 'syntax error', source: '/dts-v1/;\n/ {\n\tx = <1 2;\n};\n', message: /syntax error/, line: 3, col: 10 },
  { name: 'division by zero', source: '/dts-v1/;\n/ {\n\tx = <(1/0)>;\n};\n', message: /^Division by zero$/, line: 3, col: 8 },
  { name: 'modulo by zero', source: '/dts-v1/;\n/ {\n\tx = <(7 % (1 - 1))>;\n};\n', message: /^Division by zero$/, line: 3, col: 8 },
  { name: 'bad octal literal', source: '/dts-v1/;\n/ {\n\tx = <08>;\n};\n', message: /Bad integer literal '08'/, line: 3, col: 7 },
  { name: 'literal out of range', source: '/dts-v1/;\n/ {\n\tx = <0x10000000000000000>;\n};\n', message: /Integer literal '0x10000000000000000' out of range/, line: 3, col: 7 },
  { name: 'bad /bits/ size', source: '/dts-v1/;\n/ {\n\tx = /bits/ 7 <1>;\n};\n', message: /^Array elements must be 8, 16, 32 or 64-bits$/, line: 3, col: 13 },
  { name: 'value out of range', source: '/dts-v1/;\n/ {\n\tx = /bits/ 8 <256>;\n};\n', message: /^Value out of range for 8-bit array element$/, line: 3, col: 16 },
  { name: 'reference in 16-bit array', source: '/dts-v1/;\n/ {\n\tx = /bits/ 16 <&foo>;\n};\n', message: /^References are only allowed in arrays with 32-bit elements\.$/, line: 3, col: 17 },
  { name: 'unknown label override', source: '/dts-v1/;\n/ {\n};\n&nolabel {\n\tx;\n};\n', message: /^Label or path nolabel not found$/, line: 4, col: 1 },
  { name: 'unknown path deletion', source: '/dts-v1/;\n/ {\n};\n/delete-node/ &{/no/where};\n', message: /^Label or path \/no\/where not found$/, line: 4, col: 15 },
  { name: 'property after subnode', source: '/dts-v1/;\n/ {\n\tsub { };\n\tx = <1>;\n};\n', message: /^Properties must precede subnodes$/, line: 4, col: 2 },
  { name: 'no /dts-v1/', source: '/ {\n};\n', message: /syntax error/, line: 1, col: 1 },
  { name: 'missing include', source: '/dts-v1/;\n/include/ "missing.dtsi"\n/ {\n};\n', message: /^Couldn't open "missing.dtsi": No such file or directory \(searched [^;]*; add the folder that holds it with -I DIR\)$/, line: 2, col: 1 },
  { name: 'empty character literal', source: "/dts-v1/;\n/ {\n\tx = <''>;\n};\n", message: /Empty character literal/, line: 3, col: 7 },
  { name: 'long character literal', source: "/dts-v1/;\n/ {\n\tx = <'ab'>;\n};\n", message: /Character literal has 2 characters instead of 1/, line: 3, col: 7 },
  { name: 'mismatched headers', source: '/dts-v1/;\n/dts-v1/;\n/plugin/;\n/ {\n};\n', message: /Header flags don't match earlier ones/, line: 2, col: 1 },
  { name: 'bad \\x escape', source: '/dts-v1/;\n/ {\n\tx = "a\\xg";\n};\n', message: /\\x used with no following hex digits/, line: 3, col: 6 },
  { name: 'unterminated node', source: '/dts-v1/;\n/ {\n\tx = <1>;\n', message: /syntax error: unexpected end of input/, line: 3, col: 10 },
  // Issue 18: these said "unexpected '/'" (or '*', '"', '\''), which names a symptom, not the cause.
  { name: 'unterminated comment', source: '/dts-v1/;\n/ { x = <1>; };\n/* never closed\n', message: /^unterminated comment: this \/\* has no \*\/$/, line: 3, col: 1 },
  { name: 'comment ending the file without a newline', source: '/dts-v1/;\n/ { x = <1>; };\n// the end', message: /^a \/\/ comment must end with a newline/, line: 3, col: 1 },
  { name: 'unterminated string', source: '/dts-v1/;\n/ {\n\tx = "abc;\n};\n', message: /^unterminated string: this " has no closing "$/, line: 3, col: 6 },
  { name: 'unterminated character literal', source: "/dts-v1/;\n/ {\n\tx = <'a>;\n};\n", message: /^unterminated character literal/, line: 3, col: 7 },
  { name: 'nul in line marker', source: '/dts-v1/;\n# 3 "a\\0b"\n/ {\n};\n', message: /nul in line number directive/, line: 2, col: 1 },
];

for (const c of cases) {
  test(`refuses: ${c.name}`, () => {
    const result = compileString(c.source);
    assert.equal(result.tree, null, 'should not compile');
    const d = result.diagnostics.find((x) => c.message.test(x.message));
    assert.ok(d, `no diagnostic matching ${c.message}: ${JSON.stringify(result.diagnostics.map((x) => x.message))}`);
    assert.equal(d.severity, 'error');
    assert.deepEqual([d.span?.line, d.span?.col], [c.line, c.col]);
  });
}

test('errors in an included file point into that file', () => {
  const result = compileString('/dts-v1/;\n/ {\n/include/ "inc.dtsi"\n};\n', { 'inc.dtsi': '\tgood = <1>;\n\tbad = <1 2;\n' });
  assert.equal(result.tree, null);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.span?.file, d.span?.line, d.span?.col]),
    [['inc.dtsi', 2, 12]],
  );
});

test('line markers rename the position, as cpp output needs', () => {
  const result = compileString('/dts-v1/;\n# 40 "board.dts"\n/ {\n# 7 "soc.dtsi" 1\n\tx = <(1/0)>;\n};\n');
  assert.deepEqual(
    result.diagnostics.map((d) => [d.span?.file, d.span?.line, d.span?.col]),
    [['soc.dtsi', 7, 8]],
  );
});

test('include nesting is limited', () => {
  const result = compileString('/dts-v1/;\n/include/ "self.dtsi"\n/ { };\n', { 'self.dtsi': '/include/ "self.dtsi"\n' });
  assert.equal(result.tree, null);
  assert.match(result.diagnostics[0]!.message, /Includes nested too deeply/);
});

test('expression depth is limited, not the stack', () => {
  const deep = '('.repeat(5000) + '1' + ')'.repeat(5000);
  const result = compileString(`/dts-v1/;\n/ {\n\tx = <${deep}>;\n};\n`);
  assert.equal(result.tree, null);
  assert.match(result.diagnostics[0]!.message, /nested at most/);
});

test('node depth is limited, not the stack', () => {
  const deep = 'a { '.repeat(2000) + '};'.repeat(2000);
  const result = compileString(`/dts-v1/;\n/ { ${deep} };\n`);
  assert.equal(result.tree, null);
  assert.match(result.diagnostics[0]!.message, /nested at most/);
});
