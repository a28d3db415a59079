/**
 * The part of dtc's check pass that changes the tree: explicit phandles,
 * phandle and path references filled in, redundant `name` properties dropped,
 * `/omit-if-no-ref/` nodes removed — and the error-level checks that run
 * before them, because a failing check stops dtc's check pass and so decides
 * what its forced (`-f`) output holds. The order also decides which phandle
 * each node gets.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import { deleteNode } from './build.js';
import { Data, latin1Bytes, type Marker } from './data.js';
import { liveNodeList, liveNodes, RefResolver } from './lookup.js';
import { Node, Property, type DeviceTree } from './node.js';
import { quote, shownName } from '../source/quote.js';

export const PhandleFormat = { Legacy: 'legacy', Epapr: 'epapr', Both: 'both' } as const;
export type PhandleFormat = (typeof PhandleFormat)[keyof typeof PhandleFormat];

export interface ResolveOptions {
  /** Which phandle properties a referenced node gets (dtc's `-H`, default epapr). */
  phandleFormat?: PhandleFormat;
  /** dtc's `-@`: keep labelled nodes even if `/omit-if-no-ref/`. */
  symbols?: boolean;
}

/** Outcome of one of dtc's checks: failed checks stop the checks that need them. */
type Status = 'passed' | 'failed';

interface LabelOwner {
  node: Node;
  prop: Property | null;
  marker: Marker | null;
}

/**
 * Every live label of a node, with its place: on the node, then for each live
 * property the labels on it and those inside its value, in that order.
 * Indexed loops: this runs over every property of every node before the JIT
 * has warmed up, when for…of makes an iterator result per step.
 */
function forEachLabel(node: Node, visit: (label: string, place: LabelOwner) => void): void {
  for (let i = 0; i < node.labels.length; i++) {
    const l = node.labels[i]!;
    if (!l.deleted) visit(l.name, { node, prop: null, marker: null });
  }
  const props = node.properties;
  for (let i = 0; i < props.length; i++) {
    const prop = props[i]!;
    if (prop.deleted) continue;
    for (let j = 0; j < prop.labels.length; j++) {
      const l = prop.labels[j]!;
      if (!l.deleted) visit(l.name, { node, prop, marker: null });
    }
    const markers = prop.value.markers;
    for (let j = 0; j < markers.length; j++) {
      const m = markers[j]!;
      if (m.type === 'label') visit(m.ref!, { node, prop, marker: m });
    }
  }
}

/**
 * Where dtc finds each label first: on a node, else on a property, else
 * inside a value (pre-order, live things only). Built once: dtc searches the
 * tree for every label, which is quadratic on a big board.
 */
function labelOwners(root: Node): LabelOwners {
  const onNodes = new Map<string, LabelOwner>();
  const onProps = new Map<string, LabelOwner>();
  const inValues = new Map<string, LabelOwner>();
  let places = 0;
  const first = (label: string, place: LabelOwner) => {
    places++;
    const map = place.marker ? inValues : place.prop ? onProps : onNodes;
    if (!map.has(label)) map.set(label, place);
  };
  const nodes = liveNodeList(root);
  for (let i = 0; i < nodes.length; i++) forEachLabel(nodes[i]!, first);
  const owners = new Map(inValues);
  // forEach, not for…of: no iterator result or entry pair per label while the code is still cold.
  onProps.forEach((v, k) => owners.set(k, v));
  onNodes.forEach((v, k) => owners.set(k, v));
  return { owners, anyShared: places > owners.size };
}

interface LabelOwners {
  owners: Map<string, LabelOwner>;
  /** Whether some label is on more than one place: if none is, no node need be searched for duplicates. */
  anyShared: boolean;
}

function describeLabelPlace(node: Node, prop: Property | null, marker: Marker | null): string {
  return `${marker ? 'value of ' : ''}${prop ? `${quote(prop.name)} in ` : ''}${shownName(node.path)}`;
}

function isInvalidPhandle(p: number): boolean {
  return p === 0 || p === 0xffffffff;
}

function isOneString(value: Data): boolean {
  const bytes = value.bytes;
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0) return false;
  return bytes.indexOf(0) === bytes.length - 1;
}

/**
 * The phandle allocator: dtc hands out the lowest number not in use, counting
 * up from where it last stopped, and gives the node `phandle` and/or
 * `linux,phandle` properties.
 */
export class PhandleAllocator {
  private next = 1;
  /** Phandles of live nodes; dtc searches the tree, a map is the same answer faster. */
  readonly byPhandle = new Map<number, Node>();

  constructor(private readonly format: PhandleFormat) {}

  /** The node's phandle, allocating one (and adding its properties) if it has none. */
  phandleOf(node: Node): number {
    if (!isInvalidPhandle(node.phandle)) return node.phandle;
    while (this.byPhandle.has(this.next)) this.next++;
    const phandle = this.next;
    node.phandle = phandle;
    this.byPhandle.set(phandle, node);
    const cell = () => new Data().addMarker('uint32').appendCell(phandle);
    if (this.format !== 'epapr' && !node.property('linux,phandle')) node.addProperty(new Property('linux,phandle', cell()));
    if (this.format !== 'legacy' && !node.property('phandle')) node.addProperty(new Property('phandle', cell()));
    return phandle;
  }
}

/** Duplicate pairs reported one by one per node and check; past this, one line counts the rest. */
const MAX_DUPLICATE_PAIRS = 1000;

/** A character dtc does not allow in a node or property name (one regular expression each, not one per name). */
const BAD_NODE_NAME_CHAR = /[^a-zA-Z0-9,._+\-@]/;
const BAD_PROPERTY_NAME_CHAR = /[^a-zA-Z0-9,._+*#?\-]/;

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly phandles: PhandleAllocator;
  private labels: LabelOwners | undefined;
  /** While references are filled in the tree's shape and labels do not change: one index serves them all. */
  private readonly refs = new RefResolver();

  constructor(
    private readonly tree: DeviceTree,
    private readonly options: ResolveOptions,
  ) {
    this.phandles = new PhandleAllocator(options.phandleFormat ?? 'epapr');
  }

  private fail(check: string, node: Node, message: string, prop?: Property): void {
    const span = prop?.span ?? node.spans[0];
    const d: Diagnostic = { severity: 'error', check, message, nodePath: node.path };
    if (span) d.span = span;
    if (prop) d.property = prop.name;
    this.diagnostics.push(d);
  }

  /** Run `fn` on every live node in pre-order; the check fails if `fn` reports failure once. */
  private check(fn: (node: Node) => boolean, nodes: Iterable<Node> = liveNodes(this.tree.root)): Status {
    let ok = true;
    if (Array.isArray(nodes)) {
      for (let i = 0; i < nodes.length; i++) if (!fn(nodes[i]!)) ok = false;
    } else {
      for (const node of nodes) if (!fn(node)) ok = false;
    }
    return ok ? 'passed' : 'failed';
  }

  /**
   * dtc's error-level checks up to the last one that changes the tree, in its
   * table order. dtc stops running checks after the first one that fails, so
   * a failure early on (say, a duplicate label) leaves every later fix-up
   * undone in its forced output.
   */
  run(): void {
    const table: ReadonlyArray<(node: Node) => boolean> = [
      (n) => this.duplicateNodeNames(n),
      (n) => this.duplicatePropertyNames(n),
      (n) => this.nodeNameChars(n),
      (n) => this.nodeNameFormat(n),
      (n) => this.propertyNameChars(n),
      (n) => this.nameIsString(n),
      (n) => this.nameProperty(n),
      (n) => this.duplicateLabels(n),
      (n) => this.explicitPhandles(n),
      (n) => this.phandleReferences(n),
      (n) => this.pathReferences(n),
    ];
    // No check above adds or deletes a node: they all walk one list. The last one deletes as it goes,
    // so it walks the live tree itself (a deleted node's subtree is then not visited).
    const nodes = liveNodeList(this.tree.root);
    for (const fn of table) if (this.check(fn, nodes) === 'failed') return;
    this.check((n) => this.omitUnused(n));
  }

  /** Live items grouped by name, each with its place in its group (one pass, not dtc's pairwise scan). */
  private static groups<T extends { name: string }>(items: readonly T[], live: (item: T) => boolean): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      if (!live(item)) continue;
      const group = groups.get(item.name);
      if (group) group.push(item);
      else groups.set(item.name, [item]);
    }
    return groups;
  }

  /** Whether two of `items` share a name (the common answer, no, found without building groups). */
  private static anySameName(items: readonly { name: string; deleted: boolean }[], liveOnly: boolean): boolean {
    if (items.length < 2) return false;
    if (items.length <= 16) {
      for (let i = 0; i < items.length; i++) {
        if (liveOnly && items[i]!.deleted) continue;
        for (let j = i + 1; j < items.length; j++) if (items[j]!.name === items[i]!.name && !(liveOnly && items[j]!.deleted)) return true;
      }
      return false;
    }
    const names = new Set<string>();
    for (const item of items) {
      if (liveOnly && item.deleted) continue;
      if (names.has(item.name)) return true;
      names.add(item.name);
    }
    return false;
  }

  /** Report one pair, or count it past MAX_DUPLICATE_PAIRS (dtc reports every pair: quadratic in a crafted blob). */
  private duplicatePair(shown: { n: number; hidden: number }, report: () => void): void {
    if (shown.n++ < MAX_DUPLICATE_PAIRS) report();
    else shown.hidden++;
  }

  private duplicatePropertyNames(node: Node): boolean {
    const props = node.properties;
    if (!Resolver.anySameName(props, true)) return true;
    const groups = Resolver.groups(props, (p) => !p.deleted);
    const shown = { n: 0, hidden: 0 };
    const seen = new Map<string, number>();
    for (const prop of props) {
      if (prop.deleted) continue;
      const group = groups.get(prop.name)!;
      const at = seen.get(prop.name) ?? 0;
      seen.set(prop.name, at + 1);
      const later = group.length - at - 1;
      if (shown.n >= MAX_DUPLICATE_PAIRS) shown.hidden += later;
      else for (let j = 0; j < later; j++) this.duplicatePair(shown, () => this.fail('duplicate_property_names', node, 'Duplicate property name', prop));
    }
    if (shown.hidden > 0) this.fail('duplicate_property_names', node, `${shown.hidden} more duplicate property names not shown`);
    return shown.n === 0;
  }

  private nodeNameChars(node: Node): boolean {
    const bad = BAD_NODE_NAME_CHAR.exec(node.name);
    if (!bad) return true;
    this.fail('node_name_chars', node, `Bad character '${bad[0]}' in node name`);
    return false;
  }

  private nodeNameFormat(node: Node): boolean {
    if (!node.unitAddress.includes('@')) return true;
    this.fail('node_name_format', node, "multiple '@' characters in node name");
    return false;
  }

  private propertyNameChars(node: Node): boolean {
    let ok = true;
    const props = node.properties;
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      if (prop.deleted) continue;
      const bad = BAD_PROPERTY_NAME_CHAR.exec(prop.name);
      if (!bad) continue;
      this.fail('property_name_chars', node, `Bad character '${bad[0]}' in property name`, prop);
      ok = false;
    }
    return ok;
  }

  /** duplicate_label: each live label must belong to one node, property or value position. */
  private duplicateLabels(node: Node): boolean {
    const labels = (this.labels ??= labelOwners(this.tree.root));
    if (!labels.anyShared) return true;
    let ok = true;
    forEachLabel(node, (label, place) => {
      const owner = labels.owners.get(label);
      if (!owner || (owner.node === place.node && owner.prop === place.prop && owner.marker === place.marker)) return;
      this.fail('duplicate_label', node, `Duplicate label ${quote(label)} on ${describeLabelPlace(node, place.prop, place.marker)} and ${describeLabelPlace(owner.node, owner.prop, owner.marker)}`);
      ok = false;
    });
    return ok;
  }

  /** duplicate_node_names: a live child followed by any sibling of the same name. */
  private duplicateNodeNames(node: Node): boolean {
    const children = node.children;
    // Deleted children count too: a live one after a deleted namesake is reported on (see below).
    if (!Resolver.anySameName(children, false)) return true;
    const groups = Resolver.groups(children, () => true);
    const shown = { n: 0, hidden: 0 };
    const seen = new Map<string, number>();
    for (const child of children) {
      const group = groups.get(child.name)!;
      const at = seen.get(child.name) ?? 0;
      seen.set(child.name, at + 1);
      if (child.deleted) continue;
      const later = group.length - at - 1;
      if (shown.n >= MAX_DUPLICATE_PAIRS) shown.hidden += later;
      else for (let j = at + 1; j < group.length; j++) this.duplicatePair(shown, () => this.fail('duplicate_node_names', group[j]!, 'Duplicate node name'));
    }
    if (shown.hidden > 0) this.fail('duplicate_node_names', node, `${shown.hidden} more duplicate node names not shown`);
    return shown.n === 0;
  }

  private nameIsString(node: Node): boolean {
    const prop = node.property('name');
    if (!prop || isOneString(prop.value)) return true;
    this.fail('name_is_string', node, 'property is not a string', prop);
    return false;
  }

  /** name_properties: a correct `name` property is redundant and removed; a wrong one is an error. */
  private nameProperty(node: Node): boolean {
    const index = node.properties.findIndex((p) => p.name === 'name');
    if (index < 0) return true;
    const prop = node.properties[index]!;
    const base = node.baseName;
    const bytes = prop.value.bytes;
    const matches = bytes.length === base.length + 1 && latin1Bytes(base).every((b, i) => bytes[i] === b);
    if (matches) {
      node.properties.splice(index, 1);
      return true;
    }
    const shown = Buffer.from(bytes.subarray(0, Math.max(0, bytes.indexOf(0) < 0 ? bytes.length : bytes.indexOf(0)))).toString('latin1'); // not fromCharCode(...): a long value would overflow the stack
    this.fail('name_properties', node, `"name" property is incorrect (${quote(shown, '"')} instead of base node name)`);
    return false;
  }

  /** One of `phandle` / `linux,phandle`: its value, 0 if none usable, and whether it was wrong. */
  private phandleProperty(node: Node, name: string): { phandle: number; ok: boolean } {
    const prop = node.property(name);
    if (!prop) return { phandle: 0, ok: true };
    if (prop.value.length !== 4) {
      this.fail('explicit_phandles', node, `bad length (${prop.value.length}) ${name} property`, prop);
      return { phandle: 0, ok: false };
    }
    const ref = prop.value.markers.find((m) => m.type === 'ref-phandle');
    if (ref) {
      // `phandle = <&self>` asks for a phandle to be allocated; anything else is nonsense.
      if (this.target(ref.ref!) !== node) {
        this.fail('explicit_phandles', node, `${name} is a reference to another node`);
        return { phandle: 0, ok: false };
      }
      return { phandle: 0, ok: true };
    }
    const phandle = prop.value.cell(0);
    if (isInvalidPhandle(phandle)) {
      this.fail('explicit_phandles', node, `bad value (0x${phandle.toString(16)}) in ${name} property`, prop);
      return { phandle: 0, ok: false };
    }
    return { phandle, ok: true };
  }

  private explicitPhandles(node: Node): boolean {
    const epapr = this.phandleProperty(node, 'phandle');
    const legacy = this.phandleProperty(node, 'linux,phandle');
    let ok = epapr.ok && legacy.ok;
    if (!epapr.phandle && !legacy.phandle) return ok;
    if (epapr.phandle && legacy.phandle && epapr.phandle !== legacy.phandle) {
      this.fail('explicit_phandles', node, "mismatching 'phandle' and 'linux,phandle' properties");
      ok = false;
    }
    const phandle = epapr.phandle || legacy.phandle;
    const other = this.phandles.byPhandle.get(phandle);
    if (other && other !== node) {
      this.fail('explicit_phandles', node, `duplicated phandle 0x${phandle.toString(16)} (seen before at ${shownName(other.path)})`);
      return false;
    }
    node.phandle = phandle;
    this.phandles.byPhandle.set(phandle, node);
    return ok;
  }

  /** A reference's target (first live node in pre-order, as dtc's search finds). */
  private target(ref: string): Node | null {
    return this.refs.find(this.tree.root, ref);
  }

  private phandleReferences(node: Node): boolean {
    let ok = true;
    // Indexed loops, as above; phandleOf may add a property to this very node, which is then visited too (it refers to nothing).
    const props = node.properties;
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      if (prop.deleted) continue;
      const markers = prop.value.markers;
      for (let j = 0; j < markers.length; j++) {
        const m = markers[j]!;
        if (m.type !== 'ref-phandle') continue;
        const target = this.target(m.ref!);
        if (!target) {
          if (this.tree.plugin) {
            prop.value.setCell(m.offset, 0xffffffff);
          } else {
            this.fail('phandle_references', node, `Reference to non-existent node or label ${quote(m.ref ?? '', '"')}`, prop);
            ok = false;
          }
          continue;
        }
        prop.value.setCell(m.offset, this.phandles.phandleOf(target));
        target.isReferenced = true;
      }
    }
    return ok;
  }

  private pathReferences(node: Node): boolean {
    let ok = true;
    const props = node.properties;
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      if (prop.deleted || !prop.value.markers.some((m) => m.type === 'ref-path')) continue;
      for (const m of [...prop.value.markers]) {
        if (m.type !== 'ref-path') continue;
        const target = this.target(m.ref!);
        if (!target) {
          this.fail('path_references', node, `Reference to non-existent node or label ${quote(m.ref ?? '', '"')}`, prop);
          ok = false;
          continue;
        }
        const path = latin1Bytes(target.path);
        const withNul = new Uint8Array(path.length + 1);
        withNul.set(path);
        prop.value.insertAtMarker(m, withNul);
        target.isReferenced = true;
      }
    }
    return ok;
  }

  private omitUnused(node: Node): boolean {
    // With -@ a labelled node is kept: an overlay may refer to it later.
    if (this.options.symbols && node.labels.length > 0) return true;
    if (node.omitIfUnused && !node.isReferenced) deleteNode(node);
    return true;
  }
}

export interface ResolveResult {
  diagnostics: Diagnostic[];
  phandles: PhandleAllocator;
}

/**
 * Resolve phandles and references in place, as dtc's checks do before it
 * writes output. The diagnostics are the errors dtc would stop on without
 * `-f`; the tree is what dtc writes with `-f`.
 */
export function resolveReferences(tree: DeviceTree, options: ResolveOptions = {}): ResolveResult {
  const resolver = new Resolver(tree, options);
  resolver.run();
  return { diagnostics: resolver.diagnostics, phandles: resolver.phandles };
}
