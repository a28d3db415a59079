/**
 * One fault, one finding. The schema and the vmgenid checks often see the
 * same mistake (a missing `interrupts`, a `reg` of the wrong shape), and a
 * reference dtc cannot resolve shows up again in what depends on it. Such
 * findings are folded into the most specific one: a vmgenid check's (it says
 * what Linux does), or the compiler's error that caused the rest. The folded
 * findings' check names stay on it (`also`), and its severity is the highest
 * of them, so nothing a rule raised is lowered by the fold.
 */
import type { Diagnostic, Severity } from './source/diagnostic.js';

/** Schema keywords that judge a property's presence or shape (not its values). */
const SHAPE_KEYWORDS: ReadonlySet<string> = new Set(['schema_required', 'schema_items', 'schema_type', 'schema_minItems', 'schema_maxItems']);

/** The vmgenid checks that judge the presence or shape of these properties, which a shape keyword also judges. */
const SHAPE_CHECKS: Readonly<Record<string, readonly string[]>> = {
  'vmgenid-reg-format': ['reg'],
  'vmgenid-reg-entries': ['reg'],
  'vmgenid-interrupt-count': ['interrupts', 'interrupts-extended'],
  'vmgenid-interrupt-cells': ['interrupts', 'interrupts-extended'],
  'vmgenid-interrupt-parent': ['interrupt-parent', 'interrupts', 'interrupts-extended'],
  'vmgenid-compatible-typo': ['compatible'],
};

/** dtc's checks whose error leaves a value unresolved, so what reads it fails in turn. */
const CAUSES: ReadonlySet<string> = new Set(['phandle_references', 'path_references']);

/** Properties read through another: `interrupts` is read with the node that `interrupt-parent` names. */
const READ_THROUGH: Readonly<Record<string, readonly string[]>> = { 'interrupt-parent': ['interrupts'] };

const RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

function topProperty(d: Diagnostic): string | undefined {
  return d.property?.split('/')[0];
}

/** Whether `check` (a vmgenid check's finding) and `schema` say the same thing about the same property. */
function sameShapeFault(check: Diagnostic, schema: Diagnostic): boolean {
  const properties = SHAPE_CHECKS[check.check];
  if (!properties || !SHAPE_KEYWORDS.has(schema.check) || check.nodePath !== schema.nodePath) return false;
  const about = topProperty(schema);
  if (!about || !properties.includes(about)) return false;
  // A check about a missing property has none of its own to name.
  const own = topProperty(check);
  return own === undefined || properties.includes(own);
}

/** Whether `consequence` is about the value `cause` (an unresolved reference) left broken. */
function followsFrom(cause: Diagnostic, consequence: Diagnostic): boolean {
  if (!CAUSES.has(cause.check) || cause === consequence || CAUSES.has(consequence.check)) return false;
  if (cause.nodePath === undefined || cause.nodePath !== consequence.nodePath) return false;
  const property = topProperty(cause);
  const about = topProperty(consequence);
  return property !== undefined && about !== undefined && (property === about || (READ_THROUGH[property] ?? []).includes(about));
}

function fold(into: Diagnostic, folded: Diagnostic): void {
  if (RANK[folded.severity] > RANK[into.severity]) into.severity = folded.severity;
  const names = [folded.check, ...(folded.also ?? [])].filter((n) => n !== into.check && !(into.also ?? []).includes(n));
  if (names.length > 0) into.also = [...(into.also ?? []), ...names];
  if (!into.bindingId && folded.bindingId) into.bindingId = folded.bindingId;
}

/** The findings by the node they are about: only findings on one node ever fold (each pairing asks the same node). */
function byNode(diagnostics: readonly Diagnostic[]): Map<string | undefined, Diagnostic[]> {
  const groups = new Map<string | undefined, Diagnostic[]>();
  for (const d of diagnostics) {
    const group = groups.get(d.nodePath);
    if (group) group.push(d);
    else groups.set(d.nodePath, [d]);
  }
  return groups;
}

/**
 * The findings with each fault said once; order is kept (the survivor keeps
 * its place). Pairs are sought within a node's findings, so a board of
 * thousands of nodes costs the findings of each node squared, not of the board.
 */
export function oneFindingPerFault(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const out = diagnostics.map((d) => ({ ...d }));
  const gone = new Set<Diagnostic>();
  for (const group of byNode(out).values()) {
    for (const cause of group) {
      if (!CAUSES.has(cause.check)) continue;
      for (const consequence of group) {
        if (gone.has(consequence) || !followsFrom(cause, consequence)) continue;
        fold(cause, consequence);
        cause.message += `; as a result, ${consequence.message}`;
        gone.add(consequence);
      }
    }
    for (const check of group) {
      if (gone.has(check) || !SHAPE_CHECKS[check.check]) continue;
      for (const schema of group) {
        if (gone.has(schema) || !sameShapeFault(check, schema)) continue;
        fold(check, schema);
        gone.add(schema);
      }
    }
  }
  return out.filter((d) => !gone.has(d));
}
