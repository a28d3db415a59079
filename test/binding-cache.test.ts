import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { cacheRoot, INDEX_FILE } from '../src/schema/binding-cache.js';
import { cacheStatsOf, compileSchemas } from '../src/schema/compile.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { literalEnds } from '../src/schema/user-pattern.js';
import { nodeFileHost } from '../src/source/host.js';
import { runCli } from './helpers.js';

const WIDGET = (maximum: number) => `%YAML 1.2
---
$id: http://devicetree.org/schemas/misc/acme,widget.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#

title: A widget, for the binding cache tests

maintainers:
  - Test Person <test@example.com>

properties:
  compatible:
    const: acme,widget

  reg:
    maxItems: 1

  acme,level:
    $ref: /schemas/types.yaml#/definitions/uint32
    maximum: ${maximum}

  label:
    pattern: '^w[0-9]+$'

patternProperties:
  '^acme,[a-z]+-mode$':
    enum: [fast, slow]

required:
  - compatible
  - reg

additionalProperties: false
`;

const GADGET = `%YAML 1.2
---
$id: http://devicetree.org/schemas/misc/acme,gadget.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#

title: A gadget whose binding names a schema nobody loaded

maintainers:
  - Test Person <test@example.com>

select:
  properties:
    compatible:
      contains:
        pattern: '^acme,gadget(-v[0-9]+)?$'
  required:
    - compatible

properties:
  compatible:
    const: acme,gadget

  acme,thing:
    $ref: /schemas/nowhere/not-loaded.yaml#

required:
  - compatible

unevaluatedProperties: false
`;

const BOLT = `%YAML 1.2
---
$id: http://devicetree.org/schemas/misc/acme,bolt.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#

title: A bolt whose binding Ajv cannot compile (a pattern JavaScript refuses)

maintainers:
  - Test Person <test@example.com>

properties:
  compatible:
    const: acme,bolt

  acme,size:
    pattern: '^a**$'

additionalProperties: false
`;

const BOARD = `/dts-v1/;

/ {
	#address-cells = <1>;
	#size-cells = <1>;

	widget@1000 {
		compatible = "acme,widget";
		reg = <0x1000 0x10>;
		acme,level = <4>;
		label = "x9";
		acme,turbo-mode = "fastest";
	};

	gadget {
		compatible = "acme,gadget";
		acme,thing = <1>;
		acme,extra = <2>;
	};

	bolt {
		compatible = "acme,bolt";
	};
};
`;

/** A folder with bindings, a board, and a cache folder (not made yet). */
function setup(): { dir: string; bindings: string; board: string; xdg: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vmgenid-cache-'));
  const bindings = join(dir, 'bindings');
  mkdirSync(join(bindings, 'misc'), { recursive: true });
  writeFileSync(join(bindings, 'misc', 'acme,widget.yaml'), WIDGET(3));
  writeFileSync(join(bindings, 'misc', 'acme,gadget.yaml'), GADGET);
  writeFileSync(join(bindings, 'misc', 'acme,bolt.yaml'), BOLT);
  const board = join(dir, 'board.dts');
  writeFileSync(board, BOARD);
  return { dir, bindings, board, xdg: join(dir, 'xdg'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The key folders in a cache root. */
function sets(root: string): string[] {
  return existsSync(root) ? readdirSync(root).filter((n) => /^[0-9a-f]{32}$/.test(n)) : [];
}

/** Whether a cache file's header matches its body (length and SHA-256). */
function isWhole(text: string): boolean {
  const eol = text.indexOf('\n');
  const header = text.slice(0, eol).split(' ');
  const body = text.slice(eol + 1);
  return eol > 0 && header.length === 5 && header[3] === String(body.length) && header[4] === createHash('sha256').update(body).digest('hex');
}

const lint = (s: ReturnType<typeof setup>, extra: string[] = [], env: Record<string, string> = { XDG_CACHE_HOME: s.xdg }) =>
  runCli(['--all', '--schema', s.bindings, ...extra, s.board], { env });

test('binding cache: a cold run writes it, a warm run reads it, and both say what an uncached run says', async () => {
  const s = setup();
  try {
    const uncached = await lint(s, ['--no-cache']);
    assert.equal(existsSync(s.xdg), false, '--no-cache writes nothing');
    assert.equal(uncached.code, 1, uncached.stdout.toString());
    const text = uncached.stdout.toString();
    // The widget's findings (its validator compiled lazily), and the gadget's unloaded $ref, said at load.
    assert.match(text, /acme,level/);
    assert.match(text, /label/);
    assert.match(text, /acme,gadget\.yaml:\d+:\d+: warning: .*\$ref '\/schemas\/nowhere\/not-loaded\.yaml#': no loaded schema has the \$id/);
    // A node failing a binding with unevaluatedProperties: false is counted as dt-validate counts (Ajv asked again, warm too).
    assert.match(text, /acme,extra/);
    // The bolt's binding fails when its node first needs it: said then, as a skipped binding naming the file.
    assert.match(text, /acme,bolt\.yaml:1:1: warning: .*acme,bolt\.yaml:1: ignoring, cannot be compiled: Invalid regular expression.*\[binding_skipped\]/);

    const cold = await lint(s);
    const root = join(s.xdg, 'vmgenid-lint');
    const [key] = sets(root);
    assert.ok(key, 'a cold run writes a key folder');
    const files = readdirSync(join(root, key!));
    assert.ok(files.includes(INDEX_FILE));
    assert.ok(files.some((f) => /^v-[0-9a-f]{32}\.js$/.test(f)), `a compiled validator is kept: ${files.join(' ')}`);
    const warm = await lint(s);
    assert.deepEqual(sets(root), [key], 'a warm run uses the same folder');
    for (const r of [cold, warm]) {
      assert.equal(r.code, uncached.code);
      assert.equal(r.stdout.toString(), text);
      assert.equal(r.stderr, uncached.stderr);
    }
  } finally {
    s.cleanup();
  }
});

test('binding cache: a warm set is restored from the index (no binding parsed) and its validators from their records (no Ajv)', () => {
  const s = setup();
  try {
    const host = nodeSchemaHost(nodeFileHost);
    const options = { cacheDir: join(s.xdg, 'vmgenid-lint') };
    const widget = { compatible: ['acme,widget'], reg: [[0x1000, 0x10]], 'acme,level': [[4]], label: ['x9'] };
    const cold = compileSchemas([s.bindings], host, options);
    assert.equal(cacheStatsOf(cold)?.index, 'miss');
    const coldErrors = cold.validate(widget, cold.bindingsFor(['acme,widget'])!);
    assert.ok(coldErrors.length > 0);
    assert.equal(cacheStatsOf(cold)?.recordWrites, 1);

    const warm = compileSchemas([s.bindings], host, options);
    assert.equal(cacheStatsOf(warm)?.index, 'hit');
    // Restored entries carry no parsed file: the YAML was not read into a document.
    assert.equal((warm.get('http://devicetree.org/schemas/misc/acme,widget.yaml#') as { loaded?: unknown }).loaded, undefined);
    const warmErrors = warm.validate(widget, warm.bindingsFor(['acme,widget'])!);
    assert.equal(cacheStatsOf(warm)?.recordHits, 1);
    assert.equal(cacheStatsOf(warm)?.recordWrites, 0);
    const shape = (errors: typeof coldErrors) => errors.map((e) => [e.keyword, e.instancePath, e.schemaPath, e.message, e.schemaId]);
    assert.deepEqual(shape(warmErrors), shape(coldErrors));
    assert.deepEqual(warm.diagnostics, cold.diagnostics);
    assert.deepEqual(warm.propertyTypes('acme,level'), cold.propertyTypes('acme,level'));
    assert.deepEqual(warm.propertyTypes('acme,turbo-mode'), cold.propertyTypes('acme,turbo-mode'));

    // A select compiled with Ajv (a user select with a pattern), kept and read back with the same verdicts.
    const gadgetId = 'http://devicetree.org/schemas/misc/acme,gadget.yaml#';
    const verdicts = (set: typeof cold) => {
      const select = set.selectorOf(gadgetId);
      assert.equal(typeof select, 'function');
      const run = select as (d: unknown) => boolean;
      return [run({ compatible: ['acme,gadget-v2'] }), run({ compatible: ['acme,gadgets'] }), run({})];
    };
    assert.deepEqual(verdicts(cold), [true, false, false]);
    const again = compileSchemas([s.bindings], host, options);
    assert.deepEqual(verdicts(again), [true, false, false]);
    assert.equal(cacheStatsOf(again)?.recordHits, 1);
  } finally {
    s.cleanup();
  }
});

test('binding cache: changing one binding file makes another key, and the new content judges', async () => {
  const s = setup();
  try {
    const before = await lint(s);
    assert.match(before.stdout.toString(), /acme,level/);
    writeFileSync(join(s.bindings, 'misc', 'acme,widget.yaml'), WIDGET(9));
    const after = await lint(s);
    assert.doesNotMatch(after.stdout.toString(), /acme,level/);
    assert.equal(sets(join(s.xdg, 'vmgenid-lint')).length, 2);
    assert.equal(after.stdout.toString(), (await lint(s, ['--no-cache'])).stdout.toString());
  } finally {
    s.cleanup();
  }
});

test('binding cache: a truncated, garbled or forged file is rebuilt, and the verdict does not change', async () => {
  const s = setup();
  try {
    const expected = (await lint(s, ['--no-cache'])).stdout.toString();
    await lint(s);
    const root = join(s.xdg, 'vmgenid-lint');
    const dir = join(root, sets(root)[0]!);
    const index = join(dir, INDEX_FILE);
    const record = join(dir, readdirSync(dir).find((f) => f.startsWith('v-'))!);
    const whole = { index: readFileSync(index, 'utf8'), record: readFileSync(record, 'utf8') };
    const damages: [string, (text: string) => string][] = [
      ['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
      ['empty', () => ''],
      ['garbled', (t) => t.slice(0, t.length - 40) + 'x'.repeat(40)],
      ['a byte flipped', (t) => t.replace('"', "'")],
      // The header kept, the body changed: its hash no longer matches.
      ['forged', (t) => t.replace(/maximum|return/, 'minimum')],
      ['not a cache file', () => 'module.exports = {};\n'],
    ];
    for (const [what, damage] of damages) {
      for (const file of [index, record]) {
        writeFileSync(file, damage(file === index ? whole.index : whole.record));
        const r = await lint(s);
        assert.equal(r.stdout.toString(), expected, `${what} ${file === index ? 'index' : 'record'}`);
        assert.equal(r.stderr, '');
        // Rebuilt: whole again (Ajv's code need not be the same bytes: its functions are numbered in the order compiled).
        assert.ok(isWhole(readFileSync(file, 'utf8')), `${what}: rebuilt`);
      }
    }
  } finally {
    s.cleanup();
  }
});

test('binding cache: XDG_CACHE_HOME is honoured, else ~/.cache; an unwritable cache folder leaves the run uncached', async () => {
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), '/x/cache/vmgenid-lint');
  assert.equal(cacheRoot({ HOME: '/home/u' }), '/home/u/.cache/vmgenid-lint');
  // A relative XDG_CACHE_HOME is to be ignored (XDG Base Directory spec).
  assert.equal(cacheRoot({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' }), '/home/u/.cache/vmgenid-lint');
  assert.equal(cacheRoot({}), null);
  const s = setup();
  try {
    const expected = (await lint(s, ['--no-cache'])).stdout.toString();
    const home = join(s.dir, 'home');
    mkdirSync(home);
    assert.equal((await lint(s, [], { HOME: home })).stdout.toString(), expected);
    assert.equal(sets(join(home, '.cache', 'vmgenid-lint')).length, 1);
    assert.equal((await lint(s)).stdout.toString(), expected);
    assert.equal(sets(join(s.xdg, 'vmgenid-lint')).length, 1);
    // A file where the cache folder would be: nothing can be written, and nothing is said.
    const blocked = join(s.dir, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const r = await lint(s, [], { XDG_CACHE_HOME: blocked });
    assert.equal(r.stdout.toString(), expected);
    assert.equal(r.stderr, '');
    // No environment to find a cache folder in (the in-process default): uncached.
    assert.equal((await lint(s, [], {})).stdout.toString(), expected);
  } finally {
    s.cleanup();
  }
});

test('literalEnds: what it says every match starts and ends with, every match does', () => {
  const atom = fc.constantFrom('a', 'b', ',', '-', '.', '[ab]', '\\d', '\\.', '(a|b)', '(?:ab)', 'a*', 'b+', 'a?', 'b{1,2}', '\\u0061', '\\x62', '|');
  const pattern = fc.tuple(fc.boolean(), fc.array(atom, { maxLength: 6 }), fc.boolean()).map(([start, atoms, end]) => `${start ? '^' : ''}${atoms.join('')}${end ? '$' : ''}`);
  fc.assert(
    fc.property(pattern, fc.string({ unit: fc.constantFrom('a', 'b', ',', '-', '.', '1'), maxLength: 8 }), (p, s) => {
      let re: RegExp;
      try {
        re = new RegExp(p, 'u');
      } catch {
        return;
      }
      if (!re.test(s)) return;
      const { prefix, suffix } = literalEnds(p);
      assert.ok(s.startsWith(prefix), `${p} matched ${s} without its prefix ${prefix}`);
      assert.ok(s.endsWith(suffix), `${p} matched ${s} without its suffix ${suffix}`);
    }),
    { numRuns: 3000 },
  );
  assert.deepEqual(literalEnds('^qcom,.*-supply$'), { prefix: 'qcom,', suffix: '-supply' });
  assert.deepEqual(literalEnds('^a|b$'), { prefix: '', suffix: '' });
});
