import { report, type Check } from './context.js';
import { compatiblesOf } from '../tree/values.js';
import { DRAFT_BINDING_COMPATIBLE, UPSTREAM_COMPATIBLE } from '../vmgenid.js';
import type { Diagnostic } from '../source/diagnostic.js';

/** Earlier drafts' compatibles, with no binding of their own. */
const OLDER_DRAFT_COMPATIBLES: ReadonlySet<string> = new Set(['linux,vmgenctr']);
/** Properties the v1-v3 drafts put on the node; virtual,vmgenctr still allows the first two. */
const DRAFT_BINDING_PROPERTIES: readonly string[] = ['#interrupt-cells', 'interrupt-map'];
const DRAFT_ONLY_PROPERTIES: readonly string[] = ['interrupt-controller', 'interrupt-map-mask'];

export const draftBinding: Check = {
  name: 'vmgenid-draft-binding',
  severity: 'note',
  description: 'draft-binding compatibles and properties, with the upstream form suggested',
  docs:
    'Drafts v1-v3 of the binding used `linux,vmgenctr` / `virtual,vmgenctr` and gave the node #interrupt-cells, ' +
    'interrupt-map and interrupt-controller, as if it were an interrupt controller; upstream Linux binds only ' +
    '`microsoft,vmgenid`, whose binding has none of these. A node that follows the virtual,vmgenctr binding is ' +
    'accepted as it is. Fix: `compatible = "microsoft,vmgenid";` and drop the interrupt-controller properties.',
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const node of ctx.vmgenids) {
      const compatibles = compatiblesOf(node);
      const upstream = compatibles.includes(UPSTREAM_COMPATIBLE);
      for (const c of compatibles) {
        if (c === DRAFT_BINDING_COMPATIBLE && !upstream) {
          out.push(
            report(
              draftBinding,
              node,
              `compatible "${c}" follows the draft binding, which this tool checks; an upstream kernel binds only "${UPSTREAM_COMPATIBLE}" ` +
                `and does not probe this node (list "${UPSTREAM_COMPATIBLE}" too, or use it alone)`,
              'compatible',
            ),
          );
        }
        if (!OLDER_DRAFT_COMPATIBLES.has(c)) continue;
        out.push(report(draftBinding, node, `compatible "${c}" is from a draft of the binding; upstream Linux binds only "${UPSTREAM_COMPATIBLE}"`, 'compatible'));
      }
      const followsDraft = compatibles.includes(DRAFT_BINDING_COMPATIBLE);
      const leftovers = followsDraft ? DRAFT_ONLY_PROPERTIES : [...DRAFT_BINDING_PROPERTIES, ...DRAFT_ONLY_PROPERTIES];
      for (const name of leftovers) {
        if (!node.property(name)) continue;
        const binding = followsDraft ? DRAFT_BINDING_COMPATIBLE : UPSTREAM_COMPATIBLE;
        out.push(
          report(draftBinding, node, `${name} is a leftover of the draft binding; the ${binding} binding has no ${name} on the vmgenid node (remove it)`, name),
        );
      }
    }
    return out;
  },
};
