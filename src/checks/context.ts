/**
 * What every vmgenid check shares: the check shape, the context a check runs
 * in (which nodes are vmgenid devices, which of them Linux would probe) and
 * how a finding is placed. The devicetree arithmetic the checks stand on
 * (addresses, interrupts, the memory map, which nodes become devices) lives
 * under src/tree/, where the JSON view finds the same answers.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import type { Span } from '../source/span.js';
import type { DeviceTree, Node } from '../tree/node.js';
import { phandleIndex } from '../tree/lookup.js';
import { disabledAncestor, isAvailable } from '../tree/devices.js';
import { vmgenidNodes } from '../vmgenid.js';
import { inOverlayFragment } from '../tree/overlay.js';

export { hex, rangeText } from '../tree/addresses.js';

export type RuleSetting = Severity | 'off';

/** One named check, in the style of an ESLint rule module (and a row of dtc's checks.c table). */
export interface Check {
  /** Stable kebab-case name, used by `--rule NAME=…` and in every diagnostic. */
  name: string;
  /** Default severity. */
  severity: Severity;
  /** One line, for `list-checks`. */
  description: string;
  /** Why it matters and how to fix it. */
  docs: string;
  run(ctx: CheckContext): Diagnostic[];
}

export interface CheckContext {
  tree: DeviceTree;
  phandles: Map<number, Node>;
  /** Every vmgenid node (by its compatible, or one a typo away), enabled or not, in tree order. */
  allVmgenids: Node[];
  /**
   * The vmgenid nodes the device checks judge: the ones Linux would probe
   * (available, under no disabled ancestor) outside overlay fragments.
   */
  vmgenids: Node[];
  /** Enabled vmgenid nodes inside an overlay fragment (`__overlay__`), whose context is the base tree's. */
  fragmentVmgenids: Node[];
}

export function createContext(tree: DeviceTree): CheckContext {
  const allVmgenids = vmgenidNodes(tree.root).meant;
  const enabled = allVmgenids.filter((n) => isAvailable(n) && !disabledAncestor(n));
  return {
    tree,
    phandles: phandleIndex(tree.root),
    allVmgenids,
    vmgenids: enabled.filter((n) => !inOverlayFragment(n)),
    fragmentVmgenids: enabled.filter(inOverlayFragment),
  };
}

// ---------------------------------------------------------------------------
// Reporting

/** Cells `[first, first + count)` of a property: what a finding is about, when it is narrower than the property. */
export interface CellRange {
  first: number;
  count: number;
}

/** Bytes `[start, end)` of a property: a string among a list, say. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A diagnostic about `node` (and one of its properties), placed at the cells', else the property's, else the node's span. */
export function report(check: Pick<Check, 'name' | 'severity'>, node: Node, message: string, property?: string, part?: CellRange | ByteRange): Diagnostic {
  const d: Diagnostic = { severity: check.severity, check: check.name, message, nodePath: node.path };
  if (property) d.property = property;
  const prop = property ? node.property(property) : undefined;
  // Point at the cells (or string) themselves when the source says where they were written.
  const bytes = part ? ('start' in part ? part : { start: part.first * 4, end: (part.first + part.count) * 4 }) : null;
  const cellSpan = prop && bytes ? prop.value.spanOfBytes(bytes.start, bytes.end) : null;
  const span: Span | null | undefined = cellSpan ?? prop?.span ?? node.spans[0];
  if (span) d.span = span;
  return d;
}


