import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LexedFiles, preprocess } from '../src/cpp/index.js';
import { memoryHost } from './helpers.js';

test('a text lexed before is not lexed again, whatever name it is read under', () => {
  const lexed = new LexedFiles();
  const first = lexed.lex('a.h', '#define A 1\n');
  assert.equal(lexed.lex('sub/../a.h', '#define A 1\n'), first);
  assert.notEqual(lexed.lex('b.h', '#define B 1\n'), first);
});

test('past its budget the cache forgets the file read least recently, and always keeps the last one', () => {
  const lexed = new LexedFiles(20);
  const a = lexed.lex('a.h', '#define A 1\n'); // 12 characters
  const b = lexed.lex('b.h', '#define B 2\n'); // 24 held: a goes
  assert.equal(lexed.lex('b.h', '#define B 2\n'), b);
  assert.notEqual(lexed.lex('a.h', '#define A 1\n'), a); // lexed again; now b goes
  const big = lexed.lex('big.h', `#define BIG ${'1'.repeat(40)}\n`);
  assert.equal(lexed.lex('big.h', `#define BIG ${'1'.repeat(40)}\n`), big);
});

test('boards preprocessed with a shared cache come out as they do alone, diagnostics named after each includer', () => {
  const files = {
    'soc.dtsi': '#include "consts.h"\n/ { soc { reg = <BASE>; }; };\n',
    'consts.h': '#define BASE 0x1000 /* left open\n',
    'bad.h': '/* never closed\n',
    'one.dts': '/dts-v1/;\n#include "soc.dtsi"\n/ { model = "one"; };\n',
    'two.dts': '/dts-v1/;\n#include "soc.dtsi"\n#include "bad.h"\n/ { model = "two"; };\n',
    'three.dts': '/dts-v1/;\n#include "bad.h"\n',
  };
  const host = memoryHost(files);
  const shared = new LexedFiles();
  for (const board of ['one.dts', 'two.dts', 'three.dts', 'one.dts']) {
    const text = files[board as keyof typeof files];
    const alone = preprocess(board, text, { host, includeDirs: [] });
    const together = preprocess(board, text, { host, includeDirs: [], lexed: shared });
    assert.equal(together.output, alone.output, board);
    assert.deepEqual(together.diagnostics, alone.diagnostics, board);
    assert.equal(together.ok, alone.ok, board);
  }
});
