/**
 * Golden DTS output: each fixture in test/fixtures/compile/ was decompiled
 * once with dtc 1.6.1, from its source (`dtc -f -O dts x.dts`: value types from
 * the source's markers) and from its blob (`dtc -f -I dtb -O dts x.dtb`: types
 * guessed). Our DTS writer must print the same characters.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileDtsText, finishTree } from '../src/compiler.js';
import { readDtb } from '../src/dtb/read.js';
import { writeDts } from '../src/dtb/dts-write.js';
import { bytesToLatin1, nodeFileHost } from '../src/source/host.js';
import { compileString, projectPath } from './helpers.js';

const fixtures = projectPath('test/fixtures/compile');
const goldens = projectPath('test/fixtures/dts-write');

for (const file of readdirSync(goldens).sort()) {
  const [fixture, from] = file.split('.');
  test(`dts writer: ${fixture} ${from} matches dtc -O dts`, () => {
    const want = readFileSync(join(goldens, file), 'latin1');
    let got: string;
    if (from === 'from-dts') {
      const path = join(fixtures, `${fixture}.dts`);
      const result = compileDtsText(path, bytesToLatin1(readFileSync(path)), { host: nodeFileHost });
      assert.ok(result.tree);
      got = writeDts(result.tree);
    } else {
      const blob = new Uint8Array(readFileSync(join(fixtures, `${fixture}.dtb`)));
      const result = finishTree(readDtb(blob, `${fixture}.dtb`), {});
      assert.ok(result.tree);
      got = writeDts(result.tree);
    }
    assert.equal(got, want);
  });
}

test('dts writer: bytes above 0x7f in a string print sign-extended, as dtc does', () => {
  const { tree } = compileString('/dts-v1/; / { s = "a\\x80"; };');
  assert.ok(tree);
  assert.match(writeDts(tree), /s = "a\\xffffff80";/);
});
