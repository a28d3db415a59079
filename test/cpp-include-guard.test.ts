/**
 * gcc's multiple-include optimisation: a header wholly inside `#ifndef X`
 * … `#endif` is not entered again while X is defined. What GNU cpp 12 prints
 * for each case below was checked by hand (`cpp -nostdinc -undef -D__DTS__
 * -x assembler-with-cpp`): the line markers tell whether it entered the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess } from '../src/cpp/index.js';
import { memoryHost } from './helpers.js';

function entries(files: Record<string, string>, header = 'a.h'): number {
  const r = preprocess('m.dts', files['m.dts']!, { host: memoryHost(files), includeDirs: [] });
  assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
  return r.output.split('\n').filter((l) => l === `# 1 "${header}" 1`).length;
}

const twice = '#include "a.h"\n#include "a.h"\nx = X;\n';

test('a guarded header is entered once; its macros stay defined', () => {
  const files = { 'a.h': '/* guard */\n#ifndef A_H\n#define A_H\n#define X 1\n#endif /* A_H */\n\n', 'm.dts': twice };
  assert.equal(entries(files), 1);
  const r = preprocess('m.dts', files['m.dts'], { host: memoryHost(files), includeDirs: [] });
  assert.match(r.output, /^x = 1;$/m);
});

test('a header with anything outside its guard is entered every time', () => {
  for (const header of [
    '#ifndef A_H\n#define A_H\n#define X 1\n#endif\nafter;\n', // a token after the #endif
    '#define X 1\n#ifndef A_H\n#define A_H\n#endif\n', // a directive before the #ifndef
    '#ifndef A_H\n#define A_H\n#define X 1\n#endif\n#define Y 2\n', // a directive after the #endif
    '#ifndef A_H\n#define A_H\n#define X 1\n#else\n#define X 2\n#endif\n', // another branch
    '#if !A_H\n#define A_H 1\n#define X 1\n#endif\n', // not an #ifndef
  ]) {
    assert.equal(entries({ 'a.h': header, 'm.dts': twice }), 2, header);
  }
});

test('a guarded header is entered again once its macro is undefined', () => {
  const files = { 'a.h': '#ifndef A_H\n#define A_H\n#define X 1\n#endif\n', 'm.dts': '#include "a.h"\n#undef A_H\n#include "a.h"\n#include "a.h"\nx = X;\n' };
  assert.equal(entries(files), 2);
});

test('a header guarded by a macro something else defines first is never entered twice, and entered once', () => {
  const files = { 'a.h': '#ifndef A_H\n#define X 1\n#endif\n', 'm.dts': '#include "a.h"\n#define A_H\n#include "a.h"\nx = X;\n' };
  assert.equal(entries(files), 1);
});
