/**
 * Hostile user schemas (--schema, check-binding): $ref loops within a file
 * and across two, backtracking patterns against long names and values, $id
 * collisions with built-in schemas, deep nesting. A collision is a case whose
 * right answer is known: exit 2, whatever -q says, unless --override-schema.
 */
import type { Rng } from '../rng.js';
import type { Case } from './case.js';
import { sized } from './scale.js';

const BUILT_IN_IDS = [
  'http://devicetree.org/schemas/rng/microsoft,vmgenid.yaml#',
  'http://devicetree.org/schemas/rng/vmgenid.yaml#',
  'http://devicetree.org/schemas/chosen.yaml#',
  'http://devicetree.org/schemas/cpus.yaml#',
  'http://devicetree.org/schemas/aliases.yaml#',
  'http://devicetree.org/schemas/dt-core.yaml#',
  'http://devicetree.org/schemas/types.yaml#',
  'http://devicetree.org/schemas/root-node.yaml#',
];

/** Patterns that backtrack exponentially (or polynomially) in a backtracking engine. */
const EVIL_PATTERNS = ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '^(a*)*b$', '(x+x+)+y', '^([a-z0-9]+-?)*$', '^(\\w+\\s?)*$', '^(a+)+\\.yaml$', '^((ab)*)+$'];

/** A binding around `body` (YAML lines at the top level, indented by two under keys). */
function binding(id: string, body: string[], compatible = 'fuzz,dev'): string {
  return [
    `$id: ${id}`,
    '$schema: http://devicetree.org/meta-schemas/core.yaml#',
    'title: A hostile binding',
    'maintainers:',
    '  - Fuzz <fuzz@example.com>',
    'select:',
    '  properties:',
    '    compatible:',
    '      contains:',
    `        const: ${compatible}`,
    '  required: [compatible]',
    ...body,
    '',
  ].join('\n');
}

/** A board with a node the binding selects, carrying `extra` properties. */
function board(compatible: string, extra: string[]): string {
  return ['/dts-v1/;', '/ {', '\t#address-cells = <1>;', '\t#size-cells = <1>;', `\tdev@1000 {`, `\t\tcompatible = "${compatible}";`, '\t\treg = <0x1000 0x10>;', ...extra.map((l) => `\t\t${l}`), '\t};', '};', ''].join('\n');
}

function refLoop(rng: Rng): { files: Record<string, string>; schemas: string[]; what: string } {
  const id = 'http://example.com/schemas/fuzz/loop.yaml#';
  const other = 'http://example.com/schemas/fuzz/other.yaml#';
  switch (rng.int(0, 5)) {
    case 0:
      return { files: { 'b.yaml': binding(id, ['$ref: "#"']) }, schemas: ['b.yaml'], what: '$ref to its own root' };
    case 1:
      return { files: { 'b.yaml': binding(id, ['properties:', '  compatible: true', '  x:', '    $ref: "#/definitions/a"', 'definitions:', '  a:', '    $ref: "#/definitions/b"', '  b:', '    $ref: "#/definitions/a"']) }, schemas: ['b.yaml'], what: 'two definitions $ref each other' };
    case 2:
      return { files: { 'b.yaml': binding(id, ['allOf:', '  - $ref: "#/allOf/0"']) }, schemas: ['b.yaml'], what: 'allOf/0 $refs itself' };
    case 3:
      return {
        files: { 'b.yaml': binding(id, ['allOf:', `  - $ref: "${other}"`]), 'c.yaml': binding(other, ['allOf:', `  - $ref: "${id}"`]) },
        schemas: ['b.yaml', 'c.yaml'],
        what: 'two files $ref each other',
      };
    case 4: {
      const n = sized(rng, [3, 10, 200, 2000]);
      const defs = Array.from({ length: n }, (_, i) => [`  d${i}:`, `    $ref: "#/definitions/d${(i + 1) % n}"`]).flat();
      return { files: { 'b.yaml': binding(id, ['$ref: "#/definitions/d0"', 'definitions:', ...defs]) }, schemas: ['b.yaml'], what: `a $ref ring of ${n} definitions` };
    }
    default:
      return { files: { 'b.yaml': binding(id, ['properties:', '  compatible: true', '  x:', '    $ref: "#/properties/x"']) }, schemas: ['b.yaml'], what: 'a property $refs itself' };
  }
}

function backtracking(rng: Rng): { files: Record<string, string>; schemas: string[]; extra: string[]; what: string } {
  const id = 'http://example.com/schemas/fuzz/pattern.yaml#';
  const pattern = rng.pick(EVIL_PATTERNS);
  const n = sized(rng, [rng.pick([8, 16, 28]), 32, 40, 1000, 20000]);
  const quoted = JSON.stringify(pattern);
  // The pattern's own letter (x for (x+x+)+y, ab for ((ab)*)+), so the engine backtracks rather than failing at once.
  const unit = pattern.includes('(ab)') ? 'ab' : pattern.includes('x+') ? 'x' : 'a';
  const run = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const name = run + '#';
  if (rng.chance(0.5)) {
    return {
      files: { 'b.yaml': binding(id, ['patternProperties:', `  ${quoted}: true`, 'additionalProperties: true']) },
      schemas: ['b.yaml'],
      extra: [`${name};`],
      what: `patternProperties ${pattern} against a property name of ${n + 1} characters`,
    };
  }
  return {
    files: { 'b.yaml': binding(id, ['properties:', '  compatible: true', '  reg: true', '  label:', `    pattern: ${quoted}`]) },
    schemas: ['b.yaml'],
    extra: [`label = "${run}!";`],
    what: `pattern ${pattern} against a value of ${n + 1} characters`,
  };
}

function deep(rng: Rng): { files: Record<string, string>; schemas: string[]; what: string } {
  const id = 'http://example.com/schemas/fuzz/deep.yaml#';
  const depth = sized(rng, [50, 200, 2000, 20000]);
  const lines = ['properties:', '  compatible: true', '  x:'];
  // Flow style keeps the YAML's own nesting cheap: {allOf: [{allOf: [...]}]}.
  lines.push(`    ${'{allOf: ['.repeat(depth)}{}${']}'.repeat(depth)}`);
  return { files: { 'b.yaml': binding(id, lines) }, schemas: ['b.yaml'], what: `allOf nested ${depth} deep` };
}

export function schemaCase(rng: Rng): Case {
  const choice = rng.int(0, 9);
  const compatible = 'fuzz,dev';
  let files: Record<string, string>;
  let schemas: string[];
  let extra: string[] = [];
  let what: string;
  let expect: Case['expect'];
  if (choice <= 2) ({ files, schemas, what } = refLoop(rng));
  else if (choice <= 5) ({ files, schemas, extra, what } = backtracking(rng));
  else if (choice === 6) ({ files, schemas, what } = deep(rng));
  else {
    const id = rng.pick(BUILT_IN_IDS);
    const vmgenid = id.includes('vmgenid');
    files = { 'b.yaml': binding(id, ['properties:', '  compatible: true', '  reg: true'], vmgenid ? 'microsoft,vmgenid' : compatible) };
    schemas = ['b.yaml'];
    what = `$id ${id} (a built-in one)`;
    expect = { codes: [2], why: 'a --schema whose $id is a built-in one is an error without --override-schema (and -q does not hide it)' };
  }
  const flags = rng.pick([[], ['--all'], ['-q'], ['-f', 'json'], ['-f', 'github']]);
  const argv = rng.chance(0.15) && !expect
    ? ['check-binding', ...schemas.slice(0, 1), ...schemas.slice(1).flatMap((s) => ['--schema', s])]
    : [...flags, ...schemas.flatMap((s) => ['--schema', s]), 'in.dts'];
  return { kind: 'schema', what, files: { ...files, 'in.dts': board(compatible, extra) }, argv, ...(expect ? { expect } : {}) };
}
