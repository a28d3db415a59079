/** Mutated bindings (dt-schema YAML). */
import { dirname, relative } from 'node:path';
import { parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type Document } from 'yaml';
import type { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import type { Corpus } from './corpus.js';


const WRONG_VALUES: unknown[] = [
  -1,
  0,
  1.5,
  1e308,
  'x',
  '',
  true,
  null,
  [],
  {},
  [1, 2],
  { $ref: '#' },
  { $ref: '#/properties' },
  { $ref: 'nonexistent.yaml#' },
  { $ref: '/schemas/types.yaml#/definitions/nothing' },
  { $ref: 'http://devicetree.org/schemas/rng/vmgenid.yaml#' },
  { items: [] },
  { maxItems: -1 },
  { minItems: 5, maxItems: 1 },
  { const: 1 },
  { enum: [] },
  { pattern: '(' },
  { pattern: '(a+)+$' },
  { type: 'nonsense' },
  { oneOf: [] },
  { allOf: [{ $ref: '#' }] },
  { if: 1 },
  { items: Array.from({ length: 2000 }, (_, i) => ({ const: i })) },
  { minimum: 'x' },
  ['microsoft,vmgenid', 5],
];

function yamlNodes(doc: Document): Array<{ parent: YamlNode; key: unknown }> {
  const out: Array<{ parent: YamlNode; key: unknown }> = [];
  const visit = (n: unknown) => {
    if (isMap(n)) {
      for (const item of n.items) {
        out.push({ parent: n, key: isScalar(item.key) ? item.key.value : item.key });
        visit(item.value);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        out.push({ parent: n, key: i });
        visit(item);
      });
    }
  };
  visit(doc.contents);
  return out;
}

export function mutateYaml(rng: Rng, corpus: Corpus): { what: string; text: string } {
  const src = rng.pick(corpus.yaml);
  const name = relative(ROOT, src.path);
  const choice = rng.int(0, 9);
  if (choice <= 4) {
    const doc = parseDocument(src.text);
    const spots = yamlNodes(doc);
    const notes: string[] = [];
    if (choice === 0 && isMap(doc.contents)) {
      // A top-level keyword set to something odd (a $ref to the binding itself, a wrong type, …).
      const key = rng.pick(['allOf', 'select', 'properties', 'patternProperties', 'examples', '$id', '$schema', 'required', 'if', 'then', 'additionalProperties', 'unevaluatedProperties', 'dependencies', 'oneOf', 'maintainers', 'title']);
      const value = rng.pick([...WRONG_VALUES, [{ $ref: '#' }], { $ref: '#' }, [5], ['x {', '/ { };'], [''.padEnd(5000, '{')]]);
      doc.set(key, doc.createNode(value));
      notes.push(`top-level ${key} = ${JSON.stringify(value)?.slice(0, 40)}`);
    }
    const n = rng.int(1, 3);
    for (let k = 0; k < n && spots.length > 0; k++) {
      const spot = rng.pick(spots);
      const value = rng.chance(0.1) ? undefined : rng.pick(WRONG_VALUES);
      try {
        const p = spot.parent as unknown as { set(k: unknown, v: unknown): void; delete(k: unknown): void };
        if (value === undefined) p.delete(spot.key);
        else p.set(spot.key, doc.createNode(value));
        notes.push(`${String(spot.key).slice(0, 30)} = ${JSON.stringify(value)?.slice(0, 40)}`);
      } catch {
        // A key the document would not take.
      }
    }
    try {
      return { what: `${name}: ${notes.join('; ')}`, text: doc.toString({ lineWidth: 0 }) };
    } catch {
      return { what: `${name}: unchanged (the mutated document would not print)`, text: src.text };
    }
  }
  const lines = src.text.split('\n');
  const i = rng.int(0, lines.length - 1);
  switch (choice) {
    case 5: {
      lines.splice(i, 0, lines[i] ?? '');
      return { what: `${name}: duplicated line ${i + 1}`, text: lines.join('\n') };
    }
    case 6: {
      lines[i] = (lines[i] ?? '').replace(/^( +)/, (s) => '\t'.repeat(Math.max(1, s.length / 2)));
      return { what: `${name}: tabs on line ${i + 1}`, text: lines.join('\n') };
    }
    case 7: {
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let k = 1; k < 9; k++) bomb.push(`${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9).fill('*' + String.fromCharCode(96 + k)).join(',')}]`);
      return { what: `${name}: alias bomb`, text: src.text + '\n' + 'bomb:\n' + bomb.map((l) => '  ' + l).join('\n') + '\n' };
    }
    case 8: {
      const bad = rng.pick(['\0', '\xff', ': :', '- - -', '"', "'", '[', '{', '&a *a', '!!binary x', '<<: *nope', '%YAML 9.9', '---', '...', '? ', 'key: |\n  \t']);
      lines.splice(i, 0, bad);
      return { what: `${name}: inserted ${JSON.stringify(bad)} at line ${i + 1}`, text: lines.join('\n') };
    }
    default:
      return rng.chance(0.2) ? { what: `${name}: emptied`, text: '' } : { what: `${name}: truncated`, text: src.text.slice(0, rng.int(0, src.text.length)) };
  }
}

export function yamlCase(rng: Rng, corpus: Corpus): Case {
  const m = mutateYaml(rng, corpus);
  const dts = rng.pick(corpus.dts);
  const inc = [dirname(dts.path), ...dts.includeDirs].flatMap((d) => ['-I', d]);
  const argv = rng.pick([
    ['check-binding', 'b.yaml'],
    ['check-binding', '-f', 'json', 'b.yaml'],
    ['--schema', 'b.yaml', ...inc, dts.path],
    ['--all', '--schema', 'b.yaml', ...inc, dts.path],
    ['dump', '--schema', 'b.yaml', 'in.dtb'],
  ]);
  const files: Case['files'] = { 'b.yaml': m.text };
  if (argv.includes('in.dtb')) files['in.dtb'] = rng.pick(corpus.dtbs).bytes;
  return { kind: 'yaml', what: m.what, files, argv };
}

