/**
 * Golden blobs: each fixture in test/fixtures/compile/ was compiled once with
 * dtc 1.6.1 (`dtc -f`, plus the variant's flags); our compiler must give the
 * same bytes. Variants are named `<fixture>.<variant>.dtb`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileDtsText, type CompileOptions } from '../src/compiler.js';
import { writeDtb } from '../src/dtb/write.js';
import { bytesToLatin1, nodeFileHost } from '../src/source/host.js';
import { hex, projectPath } from './helpers.js';

const dir = projectPath('test/fixtures/compile');

const variants: Record<string, Partial<CompileOptions>> = {
  '': {},
  symbols: { symbols: true },
  both: { phandleFormat: 'both' },
  legacy: { phandleFormat: 'legacy' },
  b7: { bootCpuid: 7 },
};

for (const file of readdirSync(dir).filter((f) => f.endsWith('.dtb')).sort()) {
  const [fixture, variant = ''] = file.replace(/\.dtb$/, '').split('.');
  test(`compile ${fixture}.dts${variant ? ` (${variant})` : ''} matches dtc`, () => {
    const path = join(dir, `${fixture}.dts`);
    const result = compileDtsText(path, bytesToLatin1(readFileSync(path)), { host: nodeFileHost, ...variants[variant] });
    assert.ok(result.tree, result.diagnostics.map((d) => d.message).join('\n'));
    const got = writeDtb(result.tree);
    const want = new Uint8Array(readFileSync(join(dir, file)));
    assert.equal(hex(got), hex(want));
  });
}
