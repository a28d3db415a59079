/**
 * The lint command end to end on our own fixtures: scope (vmgenid nodes and
 * what they depend on), positions through includes, exit codes, and golden
 * files for the text and JSON reports. check-binding on both built-in
 * bindings: the seed's four review findings, none upstream.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { projectPath, runCli } from './helpers.js';
import { Data, latin1Bytes } from '../src/tree/data.js';
import { Node, Property } from '../src/tree/node.js';
import { isVmgenid, VMGENID_COMPATIBLES } from '../src/vmgenid.js';

// Paths in reports are as given: run from the project root with relative paths, as a user would.
process.chdir(projectPath(''));

async function cli(
  args: string[],
  surroundings: { tty?: boolean; env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(args, surroundings);
  return { code: r.code, stdout: r.stdout.toString('latin1'), stderr: r.stderr };
}

const golden = (name: string) => readFileSync(projectPath(`test/fixtures/lint/${name}`), 'utf8');

test('lint: a correct board is clean, exit 0', async () => {
  const r = await cli(['-I', 'include', 'test/fixtures/lint/good.dts']);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, '0 errors, 0 warnings, 0 notes in 1 file\n');
});

test('lint: schema findings with positions through an include, exit 1 (text golden)', async () => {
  const r = await cli(['test/fixtures/lint/bad-schema.dts']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, golden('bad-schema.txt'));
  assert.doesNotMatch(r.stdout, /unrelated/, 'nodes outside the vmgenid scope are not judged by default');
});

test('lint: JSON report (golden)', async () => {
  const r = await cli(['-f', 'json', 'test/fixtures/lint/bad-schema.dts']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, golden('bad-schema.json'));
  const parsed = JSON.parse(r.stdout) as { version: number; summary: { errors: number } };
  assert.equal(parsed.version, 1);
  assert.equal(parsed.summary.errors, 5);
});

test('lint: --all judges every node, as dt-validate', async () => {
  const scoped = await cli(['test/fixtures/lint/no-vmgenid.dts']);
  assert.equal(scoped.code, 0);
  assert.match(scoped.stdout, /note: no node with compatible "microsoft,vmgenid"/);
  const all = await cli(['--all', 'test/fixtures/lint/no-vmgenid.dts']);
  assert.equal(all.code, 1);
  assert.match(all.stdout, /no-vmgenid\.dts:5:3: error: status entry 0: 'broken' is not one of/);
});

test('lint: #include <dt-bindings/…> finds the headers the package ships; a missing one says where it was looked for, exit 2', async () => {
  const r = await cli(['test/fixtures/lint/good.dts']);
  assert.equal(r.code, 0, `without -I the package's GIC header is found: ${r.stdout}`);
  const missing = await cli(['-I', 'test/fixtures', '-'], { stdin: '#include <dt-bindings/acme/none.h>\n/dts-v1/;\n/ { };\n' });
  assert.equal(missing.code, 2);
  assert.match(
    missing.stdout,
    /<stdin>:1:10: error: fatal error: dt-bindings\/acme\/none\.h: No such file or directory \(searched test\/fixtures, .*include; add the folder that holds it with -I DIR\)/,
  );
});

test('check-binding: the seed binding gets the four review findings', async () => {
  const r = await cli(['check-binding', 'schemas/rng/vmgenid.yaml']);
  assert.equal(r.code, 0, 'warnings only');
  assert.equal(r.stdout, golden('seed-binding.txt'));
  for (const check of ['binding_filename', 'binding_vendor_prefix', 'binding_interrupt_provider', 'binding_example_bare_numbers']) {
    assert.match(r.stdout, new RegExp(`\\[${check}\\]`));
  }
});

test('check-binding: the upstream binding is clean, its GIC example compiled with our headers', async () => {
  const r = await cli(['check-binding', 'schemas/rng/microsoft,vmgenid.yaml']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '0 errors, 0 warnings, 0 notes in 1 file\n');
});

test('lint: --schema adds a user binding, which judges its nodes under --all', async () => {
  const without = await cli(['--all', 'test/fixtures/lint/bad-schema.dts']);
  assert.doesNotMatch(without.stdout, /test,unrelated\.yaml/);
  const withSchema = await cli(['--all', '--schema', 'test/fixtures/lint/bindings', 'test/fixtures/lint/bad-schema.dts']);
  assert.equal(withSchema.code, 1);
  assert.match(withSchema.stdout, /bad-schema\.dts:14:2: error: reg is required \[schema_required\]\n {2}in \/unrelated \(http:\/\/devicetree\.org\/schemas\/misc\/test,unrelated\.yaml#\)/);
});

test('lint: a binding that does not load is reported, not a crash', async () => {
  const r = await cli(['--schema', 'test/fixtures/lint/no-such-dir', 'test/fixtures/lint/good.dts', '-I', 'include']);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /no-such-dir/);
});

test('lint: findings about one entry or cell point at those cells in the source', async () => {
  const r = await cli(['test/fixtures/lint/cells.dts']);
  assert.equal(r.code, 1);
  // reg = <0x0 0x1004 0x0 0x8>, <0x0 0x2000 0x0 0x10>;  (two tabs of indentation)
  assert.match(r.stdout, /cells\.dts:14:10: error: vmgenid buffer at 0x1004 is not 8-byte aligned/, 'the address cells of entry 0');
  assert.match(r.stdout, /cells\.dts:14:21: error: vmgenid buffer at 0x1004 is only 8 bytes/, 'the size cells of entry 0');
  assert.match(r.stdout, /cells\.dts:14:32: error: reg has 2 entries.* \[vmgenid-reg-entries, schema_items\]/, 'the entry the driver ignores (the schema\'s finding on it folded in)');
  assert.match(r.stdout, /\n {2}\t\t {29}\^~{18}\n/, 'the caret spans the whole ignored entry');
  assert.match(r.stdout, /cells\.dts:16:19: error: interrupt 0 .* SPI number 1000 is out of range/, 'the specifier');
});

test('lint: element positions survive the preprocessor', async () => {
  const r = await cli(['test/fixtures/lint/cells-cpp.dts']);
  assert.match(r.stdout, /cells-cpp\.dts:7:21: error: vmgenid buffer at 0x1004 is not 8-byte aligned/);
});

test('lint: colour only on a terminal; NO_COLOR turns it off, FORCE_COLOR on', async () => {
  const file = 'test/fixtures/lint/bad-schema.dts';
  const ESC = '\x1b[';
  assert.ok(!(await cli([file])).stdout.includes(ESC), 'a pipe gets no colour');
  assert.ok((await cli([file], { tty: true })).stdout.includes(ESC), 'a terminal does');
  assert.ok(!(await cli([file], { tty: true, env: { NO_COLOR: '1' } })).stdout.includes(ESC));
  assert.ok((await cli([file], { env: { FORCE_COLOR: '1' } })).stdout.includes(ESC));
  assert.ok(!(await cli([file, '-o', '/dev/null'], { tty: true })).stdout.includes(ESC));
});

test('lint: a folder means every .dts/.dtb below it, in sorted order; stdin is -', async () => {
  const r = await cli(['-f', 'json', 'test/fixtures/checks', '-'], { stdin: '/dts-v1/; / { };' });
  const files = (JSON.parse(r.stdout) as { files: { file: string }[] }).files.map((f) => f.file);
  assert.equal(files.at(-1), '<stdin>');
  const listed = files.slice(0, -1);
  assert.ok(listed.length > 10);
  assert.deepEqual(listed, [...listed].sort());
  assert.ok(listed.every((f) => /\.dtb?s?$/.test(f) && f.startsWith('test/fixtures/checks/')));
});

test('lint: an unreadable input is exit 2, and the others are still linted and reported', async () => {
  const r = await cli(['no-such.dts', 'test/fixtures/lint/bad-schema.dts']);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /no-such\.dts: error: cannot read: No such file or directory \[input\]/);
  assert.match(r.stdout, /bad-schema\.dts:10:37: error: reg has 2 entries.* \[vmgenid-reg-entries, schema_items\]/);
});

test('lint: warnings fail a run only past --max-warnings; notes never; --quiet shows errors only', async () => {
  const file = 'test/fixtures/lint/cells.dts';
  const quiet = await cli(['-q', file]);
  assert.doesNotMatch(quiet.stdout, /warning:|note:/);
  const board = '/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; ic: ic { interrupt-controller; #interrupt-cells = <1>; };\n' +
    'rng@1000 { compatible = "microsoft,vmgenid"; reg = <0x1000 0x10>; interrupts-extended = <&ic 1>; }; };\n';
  const clean = await cli(['-'], { stdin: board });
  assert.equal(clean.code, 0, clean.stdout);
  // The unit address no longer matches reg: a warning (unit-address-vs-reg).
  const withWarning = board.replace('rng@1000', 'rng@2000');
  assert.equal((await cli(['-'], { stdin: withWarning })).code, 0, 'one warning, no limit');
  const within = await cli(['--max-warnings', '1', '-'], { stdin: withWarning });
  assert.equal(within.code, 0);
  assert.equal(within.stderr, '');
  const over = await cli(['--max-warnings', '0', '-'], { stdin: withWarning });
  assert.equal(over.code, 1);
  // A run failed by its warnings says so on stderr, also under -q, which hides the warnings themselves.
  assert.equal(over.stderr, 'vmgenid-lint: 1 warning, more than --max-warnings 0\n');
  const quietOver = await cli(['-q', '--max-warnings', '0', '-'], { stdin: withWarning });
  assert.equal(quietOver.code, 1);
  assert.doesNotMatch(quietOver.stdout, /warning:/);
  assert.equal(quietOver.stderr, 'vmgenid-lint: 1 warning, more than --max-warnings 0\n');
});

test('lint: a user binding whose $ref names an unloaded schema is warned of at that $ref; the $ref acts as false (dt-validate), the run goes on', async () => {
  const r = await cli(['--schema', 'test/fixtures/lint/bindings-missing-ref', '-I', 'include', 'test/fixtures/lint/good.dts']);
  assert.equal(r.code, 0);
  assert.match(
    r.stdout,
    /acme,widget\.yaml:13:5: warning: .*\$ref '\/schemas\/spi\/spi-peripheral-props\.yaml#?': no loaded schema has the \$id 'http:\/\/devicetree\.org\/schemas\/spi\/spi-peripheral-props\.yaml#'.* \[schema_ref\]/,
  );
});

test('isVmgenid: a node with any of the vmgenid compatibles is one, alone or in a list, and others are not', () => {
  const nodeWith = (...compatibles: string[]) => {
    const node = new Node('n');
    node.addProperty(new Property('compatible', new Data().addMarker('string').appendBytes(latin1Bytes(compatibles.join('\0') + '\0'))));
    return node;
  };
  for (const c of VMGENID_COMPATIBLES) {
    assert.equal(isVmgenid(nodeWith(c)), true, c);
    assert.equal(isVmgenid(nodeWith('acme,other', c)), true, c);
  }
  assert.equal(isVmgenid(nodeWith('acme,vmgenid-like')), false);
  assert.equal(isVmgenid(nodeWith('microsoft,vmgen')), false);
  assert.equal(isVmgenid(new Node('bare')), false);
});

test('lint: a disabled node is not asked for its required properties (its own status, a status list, or its parent\'s)', async () => {
  const board = (node: string, parentStatus = '') =>
    `/dts-v1/;\n/ {\n\tcompatible = "acme,board";\n\tmodel = "Acme";\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tbus {\n${parentStatus}\t\t${node}\n\t};\n};\n`;
  const required = async (source: string) => {
    const r = await cli(['--all', '-f', 'json', '-'], { stdin: source });
    const report = JSON.parse(r.stdout) as { files: { diagnostics: { check: string; also?: string[]; message: string }[] }[] };
    // A required finding may be folded into the vmgenid check that says the same (its name stays on it).
    return report.files.flatMap((f) => f.diagnostics).filter((d) => d.check === 'schema_required' || d.also?.includes('schema_required')).length;
  };
  const vmgenid = (status: string) => `rng { compatible = "microsoft,vmgenid";${status} };`;
  assert.ok((await required(board(vmgenid(''))) > 0), 'an enabled node without reg and interrupts is told');
  assert.equal(await required(board(vmgenid(' status = "disabled";'))), 0);
  assert.equal(await required(board(vmgenid(' status = "okay", "disabled";'))), 0);
  assert.equal(await required(board(vmgenid(''), '\t\tstatus = "disabled";\n')), 0);
  assert.ok((await required(board(vmgenid(' status = "disabledx";'))) > 0), 'only the word itself disables');
  assert.ok((await required(board(vmgenid(' status = "okay";'), '\t\tstatus = "disabled";\n')) > 0), 'a node\'s own status wins');
});
