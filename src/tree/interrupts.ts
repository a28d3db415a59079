/**
 * Interrupts as the kernel resolves them (drivers/of/irq.c): the interrupt
 * parent found by of_irq_find_parent, the specifiers of `interrupts` or
 * `interrupts-extended`, and the walk of of_irq_parse_raw through
 * `interrupt-map` nexuses, and past nodes that are neither controllers nor
 * nexuses, to the controller that takes the interrupt. Where Linux walks on
 * from a node dtc would warn about, the walk records it as a detour, so a
 * check can say where Linux ends up and why the tree is still suspect.
 */
import type { Data } from './data.js';
import type { Node } from './node.js';
import { cellList, hex, regCells } from './addresses.js';
import { compatiblesOf, firstCell } from './values.js';
import { shownName } from '../source/quote.js';

/**
 * The node named by the nearest `interrupt-parent` (the node's own or an
 * ancestor's), else the tree parent: the first step of the kernel's walk and
 * the node whose cells dt-schema splits `interrupts` by.
 */
export function nearestInterruptParent(node: Node, phandles: Map<number, Node>): Node | null {
  for (let n: Node | null = node; n; n = n.parent) {
    const ph = firstCell(n, 'interrupt-parent');
    if (ph !== undefined) return phandles.get(ph) ?? null;
  }
  return node.parent;
}

/** An interrupt provider as dtc's checks call it: a controller, or a nexus that maps interrupts on. */
export function isInterruptProvider(node: Node): boolean {
  return node.property('interrupt-controller') !== undefined || node.property('interrupt-map') !== undefined;
}

/** A node the kernel walked through that is no interrupt provider, and how it got there. */
export interface Detour {
  node: Node;
  /** How the walk reached it and what it lacks, in words. */
  reason: string;
}

export type ParentResolution =
  | { ok: true; parent: Node; detours: Detour[] }
  | { ok: false; problem: string; property?: string };

/**
 * The interrupt parent as of_irq_find_parent finds it: follow
 * `interrupt-parent` where a node has one, else go to the tree parent, until
 * a node with `#interrupt-cells`. The start node's own `#interrupt-cells`
 * does not count (it is for its children). An `interrupt-parent` that names
 * a node without `#interrupt-cells` is walked on from (a detour); a phandle
 * that points nowhere, or a chain that comes back to a node it has passed,
 * does not resolve.
 */
export function resolveInterruptParent(node: Node, phandles: Map<number, Node>): ParentResolution {
  const seen = new Set<Node>([node]);
  const chain: string[] = [node.path];
  const detours: Detour[] = [];
  let current = node;
  for (;;) {
    const prop = current.property('interrupt-parent');
    let next: Node | null;
    if (prop) {
      if (prop.value.length !== 4) {
        return { ok: false, problem: `interrupt-parent of ${shownName(current.path)} is ${prop.value.length} bytes, not one phandle cell`, property: 'interrupt-parent' };
      }
      const ph = prop.value.cell(0);
      next = phandles.get(ph) ?? null;
      if (!next) {
        // dtc -f writes 0xffffffff for a reference it could not resolve.
        const what = ph === 0xffffffff ? `interrupt-parent of ${shownName(current.path)} is an unresolved reference (<0xffffffff>)` : `interrupt-parent <${hex(ph)}> of ${shownName(current.path)} refers to no node`;
        return { ok: false, problem: `${what}, so Linux finds no interrupt parent`, property: 'interrupt-parent' };
      }
      if (!next.property('#interrupt-cells')) {
        detours.push({ node: next, reason: `the interrupt-parent of ${shownName(current.path)} names ${shownName(next.path)}, which has no #interrupt-cells` });
      }
    } else {
      next = current.parent;
      if (!next) {
        return {
          ok: false,
          problem: `the walk ${chain.join(' -> ')} reaches the root without finding a node with #interrupt-cells (no interrupt-parent names a controller)`,
        };
      }
    }
    chain.push(next.path);
    // A node with #interrupt-cells ends the walk, even the start node reached again (a controller's own interrupts).
    if (next.property('#interrupt-cells')) return { ok: true, parent: next, detours };
    if (seen.has(next)) {
      return { ok: false, problem: `the interrupt-parent chain loops (${chain.join(' -> ')}); Linux's of_irq_find_parent would walk it for ever`, property: 'interrupt-parent' };
    }
    seen.add(next);
    current = next;
  }
}

export interface InterruptSpecifier {
  /** The node whose #interrupt-cells the specifier is read with (the resolved interrupt parent, or the phandle's node). */
  controller: Node;
  cells: number[];
  /** 0-based index among the node's interrupts. */
  index: number;
  /** Index of the specifier's first cell in the property (after the phandle in `interrupts-extended`). */
  firstCell: number;
  /**
   * Where it lands after of_irq_parse_raw's walk: the interrupt controller
   * and its specifier (absent when the walk does not end at one).
   */
  target?: { controller: Node; cells: number[] };
}

/**
 * The node's interrupts as (controller, specifier) pairs, from
 * `interrupts-extended` when present (it wins, as in the kernel), else from
 * `interrupts` with the resolved interrupt parent. Problems come in kinds so
 * checks can report them apart: the parent (does not resolve, loops, a map
 * that matches nothing), the cells (no or bad `#interrupt-cells`, a length
 * that does not divide), and detours (Linux walks past a node that is no
 * interrupt provider and still finds a controller).
 */
export interface InterruptInfo {
  property: 'interrupts' | 'interrupts-extended' | null;
  specifiers: InterruptSpecifier[];
  parentProblems: string[];
  cellProblems: string[];
  detours: string[];
  /** False when a problem stopped the parse, so `specifiers` may be incomplete. */
  complete: boolean;
}

/** `#interrupt-cells` of a controller, or why it cannot be used. */
function interruptCellsOf(controller: Node): number | string {
  const prop = controller.property('#interrupt-cells');
  if (!prop) return `${shownName(controller.path)} has no #interrupt-cells`;
  if (prop.value.length !== 4) return `#interrupt-cells of ${shownName(controller.path)} is ${prop.value.length} bytes, not one cell`;
  return prop.value.cell(0);
}

export function interruptsOf(node: Node, phandles: Map<number, Node>): InterruptInfo {
  const info: InterruptInfo = { property: null, specifiers: [], parentProblems: [], cellProblems: [], detours: [], complete: true };
  const extended = node.property('interrupts-extended');
  const plain = node.property('interrupts');
  if (extended) {
    info.property = 'interrupts-extended';
    parseExtended(node, extended.value, phandles, info);
  } else if (plain) {
    info.property = 'interrupts';
    parsePlain(node, plain.value, phandles, info);
  }
  return info;
}

function parsePlain(node: Node, value: Data, phandles: Map<number, Node>, info: InterruptInfo): void {
  const parent = resolveInterruptParent(node, phandles);
  if (!parent.ok) {
    info.parentProblems.push(parent.problem);
    info.complete = false;
    return;
  }
  const controller = parent.parent;
  const n = interruptCellsOf(controller);
  if (typeof n === 'string' || n === 0) {
    info.cellProblems.push(typeof n === 'string' ? n : `#interrupt-cells of ${shownName(controller.path)} is 0`);
    info.complete = false;
    return;
  }
  if (value.length % (n * 4) !== 0) {
    info.cellProblems.push(
      `interrupts is ${value.length} bytes, not a whole number of specifiers of ${n} cells ` +
        `(#interrupt-cells = <${n}> in ${shownName(controller.path)})`,
    );
    info.complete = false;
    return;
  }
  const cells = cellList(value);
  for (let i = 0; i < cells.length; i += n) {
    const spec = { controller, cells: cells.slice(i, i + n), index: i / n, firstCell: i };
    info.specifiers.push(withTarget(node, spec, phandles, info, parent.detours));
  }
}

function parseExtended(node: Node, value: Data, phandles: Map<number, Node>, info: InterruptInfo): void {
  if (value.length % 4 !== 0) {
    info.cellProblems.push(`interrupts-extended is ${value.length} bytes, not whole cells`);
    info.complete = false;
    return;
  }
  const cells = cellList(value);
  for (let i = 0, index = 0; i < cells.length; index++) {
    const ph = cells[i]!;
    const controller = phandles.get(ph);
    if (!controller) {
      info.parentProblems.push(`interrupts-extended entry ${index} refers to phandle <${hex(ph)}>, which is no node`);
      info.complete = false;
      return;
    }
    const n = interruptCellsOf(controller);
    if (typeof n === 'string') {
      // of_parse_phandle_with_args needs the count on the named node itself.
      info.cellProblems.push(`interrupts-extended entry ${index}: ${n}`);
      info.complete = false;
      return;
    }
    if (i + 1 + n > cells.length) {
      info.cellProblems.push(
        `interrupts-extended entry ${index} has ${cells.length - i - 1} specifier cells, but ${shownName(controller.path)} has #interrupt-cells = <${n}>`,
      );
      info.complete = false;
      return;
    }
    const spec = { controller, cells: cells.slice(i + 1, i + 1 + n), index, firstCell: i + 1 };
    info.specifiers.push(withTarget(node, spec, phandles, info, []));
    i += 1 + n;
  }
}

/** Set a specifier's target; a walk that ends nowhere is a parent problem, the detours on the way are noted once each. */
function withTarget(node: Node, spec: InterruptSpecifier, phandles: Map<number, Node>, info: InterruptInfo, before: Detour[]): InterruptSpecifier {
  const walked = walkToController(node, spec.controller, spec.cells, phandles);
  if (walked.ok) {
    spec.target = { controller: walked.controller, cells: walked.cells };
    const detours = before;
    if (detours.length > 0) {
      const text =
        `interrupt ${spec.index} <${spec.cells.join(' ')}> reaches ${shownName(walked.controller.path)} only by walking on from ` +
        detours.map((d) => `${shownName(d.node.path)} (${d.reason})`).join(', then from ') +
        `, as Linux's of_irq_find_parent does; dtc warns interrupts_property ` +
        `("Missing interrupt-controller or interrupt-map property") on ${detours.map((d) => d.node.path).join(', ')}`;
      if (!info.detours.includes(text)) info.detours.push(text);
    }
  } else {
    info.parentProblems.push(`interrupt ${spec.index} <${spec.cells.join(' ')}>: ${walked.problem}`);
  }
  return spec;
}

/** How many nodes the walk to a controller may pass through before we call it a loop. */
const MAX_WALK_DEPTH = 16;

/**
 * Controllers that also carry an interrupt-map which the kernel leaves to
 * their own driver (of_irq_imap_abusers): the walk ends at them.
 */
const IMAP_ABUSERS: ReadonlySet<string> = new Set([
  'CBEA,platform-spider-pic',
  'sti,platform-spider-pic',
  'realtek,rtl-intc',
  'fsl,ls1021a-extirq',
  'fsl,ls1043a-extirq',
  'fsl,ls1088a-extirq',
  'renesas,rza1-irqc',
]);

type Walked = { ok: true; controller: Node; cells: number[] } | { ok: false; problem: string };

/**
 * Follow an interrupt to the controller that takes it, as of_irq_parse_raw:
 * a node with `interrupt-controller` and no `interrupt-map` ends the walk; a
 * nexus maps the (unit address, specifier) pair through its `interrupt-map`
 * (which wins over `interrupt-controller`, but for the controllers that parse
 * their own map); a node with neither does not take the interrupt.
 */
export function walkToController(device: Node, parent: Node, specifier: number[], phandles: Map<number, Node>): Walked {
  let current = parent;
  let cells = specifier;
  let unit = unitAddressCells(device);
  const seen = new Set<Node>();
  for (let depth = 0; depth < MAX_WALK_DEPTH; depth++) {
    const controller = current.property('interrupt-controller') !== undefined;
    const hasMap = current.property('interrupt-map') !== undefined;
    if (controller && (!hasMap || compatiblesOf(current).some((c) => IMAP_ABUSERS.has(c)))) {
      return { ok: true, controller: current, cells };
    }
    if (seen.has(current)) return { ok: false, problem: `the interrupt-map of ${shownName(current.path)} leads back to itself` };
    seen.add(current);
    if (!hasMap) {
      // of_irq_parse_raw walks on from such a node ("no map, getting parent") but keeps it as the
      // interrupt's parent, which has no irq domain: the lookup defers the probe for ever.
      return {
        ok: false,
        problem:
          `${shownName(current.path)} has #interrupt-cells but neither interrupt-controller nor interrupt-map; Linux's ` +
          `of_irq_parse_raw leaves the interrupt with it, which has no interrupt domain, so platform_get_irq defers ` +
          `the driver's probe for ever (-EPROBE_DEFER); dtc warns interrupts_property ("Missing interrupt-controller ` +
          `or interrupt-map property")`,
      };
    }
    const step = mapOnce(current, unit, cells, phandles);
    if (!step.ok) return step;
    current = step.controller;
    cells = step.cells;
    unit = step.unit;
  }
  return { ok: false, problem: `more than ${MAX_WALK_DEPTH} nodes on the way to a controller` };
}

/** The device's unit address cells for interrupt-map matching (its first reg entry's address cells; zeros without reg, as the kernel pads them). */
function unitAddressCells(device: Node): number[] {
  const reg = device.property('reg');
  if (!reg) return [];
  return cellList(reg.value).slice(0, regCells(device).address);
}

/** `#address-cells` as of_irq_parse_raw reads it for a nexus: its own or the nearest ancestor's, else 2. */
function nexusAddressCells(nexus: Node): number {
  for (let n: Node | null = nexus; n; n = n.parent) {
    const v = firstCell(n, '#address-cells');
    if (v !== undefined) return v;
  }
  return 2;
}

function mapOnce(
  nexus: Node,
  unit: number[],
  specifier: number[],
  phandles: Map<number, Node>,
): { ok: true; controller: Node; cells: number[]; unit: number[] } | { ok: false; problem: string } {
  const map = cellList(nexus.property('interrupt-map')!.value);
  const addressCells = nexusAddressCells(nexus);
  const interruptCells = firstCell(nexus, '#interrupt-cells') ?? 0;
  const childCells = addressCells + interruptCells;
  if (specifier.length !== interruptCells) {
    return { ok: false, problem: `${shownName(nexus.path)} has #interrupt-cells = <${interruptCells}>, not ${specifier.length}` };
  }
  const child = [...Array.from({ length: addressCells }, (_, i) => unit[i] ?? 0), ...specifier];
  const maskProp = nexus.property('interrupt-map-mask');
  const mask = maskProp ? cellList(maskProp.value) : [];
  const masked = child.map((c, i) => (maskProp ? c & (mask[i] ?? 0) : c) >>> 0);
  for (let i = 0; i + childCells < map.length; ) {
    const entry = map.slice(i, i + childCells);
    const parent = phandles.get(map[i + childCells]!);
    if (!parent) return { ok: false, problem: `the interrupt-map of ${shownName(nexus.path)} names phandle <${hex(map[i + childCells]!)}>, which is no node` };
    const parentAddressCells = firstCell(parent, '#address-cells') ?? 0;
    const parentInterruptCells = firstCell(parent, '#interrupt-cells');
    if (parentInterruptCells === undefined) return { ok: false, problem: `${shownName(parent.path)}, named in the interrupt-map of ${shownName(nexus.path)}, has no #interrupt-cells` };
    const start = i + childCells + 1;
    const end = start + parentAddressCells + parentInterruptCells;
    if (end > map.length) return { ok: false, problem: `the interrupt-map of ${shownName(nexus.path)} ends in the middle of an entry` };
    if (entry.every((c, k) => c === masked[k])) {
      return { ok: true, controller: parent, unit: map.slice(start, start + parentAddressCells), cells: map.slice(start + parentAddressCells, end) };
    }
    i = end;
  }
  return { ok: false, problem: `no interrupt-map entry of ${shownName(nexus.path)} matches <${masked.join(' ')}>` };
}
