/**
 * Where the lexer says each token is (line, column, end line, end column, as
 * dtc counts them: 1-based, the end one past the last character) across what
 * moves positions: a BOM, CR LF line ends, comments and strings that span
 * lines, a cpp line marker, and a long line with no newline at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenStream } from '../src/dts/lexer.js';
import { memoryHost } from './helpers.js';

function positions(text: string): string[] {
  const options = { host: memoryHost({}), includeDirs: [] };
  const tokens = new TokenStream('main.dts', text, options);
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const t = tokens.get(i);
    out.push(`${t.kind === 'char' ? t.text : t.kind} ${t.file}:${t.line}.${t.col}-${t.endLine}.${t.endCol}`);
    if (t.kind === 'end of input') return out;
  }
}

test('token positions across a BOM, CR LF, multi-line comments and strings, and a line marker', () => {
  const source = '\xef\xbb\xbf/dts-v1/;\r\n/* a\ncomment */ / {\n\tp = "two\nlines", <1>;\n# 40 "other.dtsi"\n\tq;\n};';
  assert.deepEqual(positions(source), [
    '/dts-v1/ main.dts:1.1-1.9',
    '; main.dts:1.9-1.10',
    '/ main.dts:3.12-3.13',
    '{ main.dts:3.14-3.15',
    'name main.dts:4.2-4.3',
    '= main.dts:4.4-4.5',
    'string main.dts:4.6-5.7',
    ', main.dts:5.7-5.8',
    '< main.dts:5.9-5.10',
    'literal main.dts:5.10-5.11',
    '> main.dts:5.11-5.12',
    '; main.dts:5.12-5.13',
    'name other.dtsi:40.2-40.3',
    '; other.dtsi:40.3-40.4',
    '} other.dtsi:41.1-41.2',
    '; other.dtsi:41.2-41.3',
    'end of input other.dtsi:41.2-41.3',
  ]);
});

test('a long line without a newline keeps counting columns', () => {
  const cells = Array.from({ length: 5000 }, (_, i) => String(i)).join(' ');
  const source = `/dts-v1/; / { p = <${cells}>; };`;
  const all = positions(source);
  const last = all[all.length - 2]!;
  const end = source.length + 1;
  assert.equal(last, `; main.dts:1.${end - 1}-1.${end}`);
  assert.equal(all[all.length - 1], `end of input main.dts:1.${end - 1}-1.${end}`);
});
