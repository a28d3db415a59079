/**
 * Bindings that judge a node by its property names alone, one name at a
 * time: every property schema says nothing (`true`, or only annotations),
 * and the rest is `additionalProperties`. dt-schema's vendor-prefixes.yaml
 * is the one that matters: it selects every node and holds some 750
 * name patterns, so Ajv's code tests each name of every node against each
 * of them. A node passes such a binding exactly when each of its names
 * passes alone, and the same names come back on every node: each name is
 * asked once, and only a node with a failing name runs the binding (which
 * says what fails, as it always did).
 */
import { isObject } from './json-pointer.js';

/** The keywords such a binding may have besides its property schemas: none of them judges a name by another. */
const OUTER = new Set(['$id', '$schema', '$comment', 'title', 'description', 'maintainers', 'select', 'examples', 'properties', 'patternProperties', 'additionalProperties', 'type']);
/** What a property schema may hold and still pass any value. */
const ANNOTATIONS = new Set(['description', 'deprecated', '$comment', 'title', 'examples']);

function passesAnything(schema: unknown): boolean {
  return schema === true || (isObject(schema) && Object.keys(schema).every((k) => ANNOTATIONS.has(k)));
}

/** Whether a fixed-up binding judges a node by its property names one at a time. */
export function judgesNamesAlone(fixed: Readonly<Record<string, unknown>>): boolean {
  if (!Object.keys(fixed).every((k) => OUTER.has(k))) return false;
  if (fixed['type'] !== undefined && fixed['type'] !== 'object') return false;
  if (fixed['additionalProperties'] !== undefined && typeof fixed['additionalProperties'] !== 'boolean') return false;
  for (const group of ['properties', 'patternProperties']) {
    const schemas = fixed[group];
    if (schemas === undefined) continue;
    if (!isObject(schemas) || !Object.values(schemas).every(passesAnything)) return false;
  }
  return true;
}

/** Names kept per binding (then forgotten and asked again): a kernel's are a few thousand. */
const MAX_NAMES = 1 << 15;

/** The names one such binding has been asked about, and its verdict on each. */
export class NameVerdicts {
  private readonly verdicts = new Map<string, boolean>();

  /**
   * True when every name of `node` passes (`passes` asks the binding of a
   * node with that one name); false when one fails, or could not be asked,
   * and the node should be judged whole.
   */
  allPass(node: Record<string, unknown>, passes: (oneName: Record<string, unknown>) => boolean): boolean {
    for (const name in node) {
      let verdict = this.verdicts.get(name);
      if (verdict === undefined) {
        try {
          verdict = passes({ [name]: true });
        } catch {
          return false;
        }
        if (this.verdicts.size >= MAX_NAMES) this.verdicts.clear();
        this.verdicts.set(name, verdict);
      }
      if (!verdict) return false;
    }
    return true;
  }
}
