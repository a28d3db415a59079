/**
 * Which schemas apply to a node, as dt-validate decides it: every schema
 * whose `select` matches, core and binding alike, in load order. dt-validate
 * asks each of its ~3,000 selects of every node; here the selects are sorted
 * once by shape, so that a node costs a lookup per compatible string plus
 * the few selects that say something else:
 * - `true` (the core schemas, and bindings like vendor-prefixes): always;
 * - `false`: never;
 * - the select dt-schema makes from a binding's compatibles (`required:
 *   [compatible]` and `compatible: {contains: {enum: [...]}}`, nothing else):
 *   looked up by each of the node's compatible strings;
 * - any other (custom selects, `$nodename` ones): run on every node.
 */
import { isObject } from './json-pointer.js';
import type { Predicate } from './select-predicate.js';
import type { SchemaEntry } from './schema-set.js';

/** What the index is given for each entry: its select as it runs. */
export interface IndexedSelect {
  entry: SchemaEntry;
  select: Predicate | boolean;
}

export class SelectIndex {
  private readonly always: number[] = [];
  private readonly others: number[] = [];
  private readonly byCompatible = new Map<string, number[]>();
  /** Entries selected by compatible, for a node whose `compatible` is not a list (`contains` then passes). */
  private readonly compatibleSelected: number[] = [];

  constructor(private readonly selects: readonly IndexedSelect[]) {
    for (let i = 0; i < selects.length; i++) {
      const { entry, select } = selects[i]!;
      if (select === true) this.always.push(i);
      else if (select === false) continue;
      else {
        const compatibles = generatedCompatibles(entry.fixed['select']);
        if (!compatibles) {
          this.others.push(i);
          continue;
        }
        this.compatibleSelected.push(i);
        for (const c of compatibles) {
          const list = this.byCompatible.get(c);
          if (list) {
            if (list[list.length - 1] !== i) list.push(i);
          } else this.byCompatible.set(c, [i]);
        }
      }
    }
  }

  /** The entries whose select matches the node (dt-schema JSON form), in load order. The list may be shared: read it, do not change it. */
  selected(node: unknown, run: (select: Predicate, node: unknown) => boolean): readonly SchemaEntry[] {
    // Most nodes are chosen by the always-selects alone, or those and one compatible's bindings: no list is built for the first.
    let extra: number[] | null = null;
    if (isObject(node) && 'compatible' in node) {
      const compatible = node['compatible'];
      if (Array.isArray(compatible)) {
        for (let i = 0; i < compatible.length; i++) {
          const c = compatible[i];
          if (typeof c !== 'string') continue;
          const hits = this.byCompatible.get(c);
          if (hits) (extra ??= []).push(...hits);
        }
      } else {
        (extra ??= []).push(...this.compatibleSelected);
      }
    }
    const others = this.others;
    const tests = (this.otherTests ??= others.map((i) => this.selects[i]!.select as Predicate));
    // The selects run bare, every node asks them all; one that throws (out of stack, a pattern's budget) sends the node the careful way.
    try {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(node)) (extra ??= []).push(others[i]!);
    } catch {
      extra = extra?.filter((i) => !others.includes(i)) ?? null;
      for (let i = 0; i < tests.length; i++) if (run(tests[i]!, node)) (extra ??= []).push(others[i]!);
    }
    if (extra === null) return (this.alwaysEntries ??= this.always.map((i) => this.selects[i]!.entry));
    const picked = [...this.always, ...extra].sort((a, b) => a - b);
    const out: SchemaEntry[] = [];
    for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) out.push(this.selects[picked[k]!]!.entry);
    return out;
  }

  private alwaysEntries: SchemaEntry[] | undefined;
  private otherTests: Predicate[] | undefined;
}

/**
 * The compatibles of a select of exactly the shape dt-schema generates from
 * a binding's compatibles; null for any other select (it is run instead).
 */
function generatedCompatibles(select: unknown): string[] | null {
  if (!isObject(select)) return null;
  const keys = Object.keys(select).filter((k) => k !== '$id');
  if (keys.length !== 2 || !keys.includes('required') || !keys.includes('properties')) return null;
  const required = select['required'];
  if (!Array.isArray(required) || required.length !== 1 || required[0] !== 'compatible') return null;
  const properties = select['properties'];
  if (!isObject(properties) || Object.keys(properties).length !== 1) return null;
  const compatible = properties['compatible'];
  if (!isObject(compatible) || Object.keys(compatible).length !== 1) return null;
  const contains = compatible['contains'];
  if (!isObject(contains) || Object.keys(contains).length !== 1) return null;
  const values = contains['enum'];
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return null;
  return values as string[];
}
