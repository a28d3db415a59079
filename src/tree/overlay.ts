/**
 * Overlays: what makes a tree one (and which of its nodes are its wrapping),
 * and the generated nodes of dtc's `-@` and `/plugin/` output: `__symbols__`
 * (label → path, for overlays to find), `__fixups__` (references an overlay
 * could not resolve) and `__local_fixups__` (where its own phandles are, so
 * they can be renumbered when it is applied).
 */
import { Data, latin1Bytes, stringData } from './data.js';
import { liveNodes, nodeByRef } from './lookup.js';
import { Node, Property, type DeviceTree } from './node.js';
import type { PhandleAllocator } from './resolve.js';

/** The live child called `name`, made if missing. */
function childNamed(parent: Node, name: string): Node {
  const existing = parent.child(name);
  if (existing) return existing;
  const node = new Node(name);
  parent.addChild(node);
  return node;
}

/** Append bytes to a property, as dtc's append_to_property (which marks each piece). */
function appendTo(node: Node, name: string, bytes: Uint8Array, type: 'string' | 'uint32'): void {
  let prop = node.property(name);
  if (!prop) {
    prop = new Property(name, new Data());
    node.addProperty(prop);
  }
  prop.value.addMarker(type, name).appendBytes(bytes);
}

/**
 * `__symbols__`: one property per live label, the path of its node; each
 * labelled node gets a phandle. Nothing is made when no node has a label.
 */
export function generateSymbols(tree: DeviceTree, phandles: PhandleAllocator): void {
  const root = tree.root;
  const labelled = [...liveNodes(root)].some((n) => n.labels.length > 0);
  if (!labelled) return;
  const symbols = childNamed(root, '__symbols__');
  for (const node of liveNodes(root)) {
    // dtc tests the label list, not its live entries: a node whose labels were all deleted still gets a phandle.
    if (node.labels.length === 0) continue;
    for (const label of node.labels) {
      if (label.deleted || symbols.property(label.name)) continue;
      symbols.addProperty(new Property(label.name, stringData(node.path)));
    }
    phandles.phandleOf(node);
  }
}

interface PhandleRef {
  node: Node;
  prop: Property;
  offset: number;
  ref: string;
  resolved: boolean;
}

function* phandleRefs(tree: DeviceTree): Generator<PhandleRef> {
  for (const node of liveNodes(tree.root)) {
    for (const prop of node.properties) {
      if (prop.deleted) continue;
      for (const m of prop.value.markers) {
        if (m.type !== 'ref-phandle') continue;
        yield { node, prop, offset: m.offset, ref: m.ref!, resolved: nodeByRef(tree.root, m.ref!) !== null };
      }
    }
  }
}

export class OverlayError extends Error {}

/**
 * `__fixups__` and `__local_fixups__` for an overlay. Throws `OverlayError`
 * when a path or property name holds `:` (dtc refuses: the entries use it as
 * separator).
 */
export function generateFixups(tree: DeviceTree): void {
  const root = tree.root;
  if ([...phandleRefs(tree)].some((r) => !r.resolved)) {
    const fixups = childNamed(root, '__fixups__');
    for (const r of phandleRefs(tree)) {
      if (r.resolved) continue;
      const path = r.node.path;
      if (path.includes(':') || r.prop.name.includes(':')) throw new OverlayError('arguments should not contain \':\'');
      const entry = latin1Bytes(`${path}:${r.prop.name}:${r.offset}\0`);
      appendTo(fixups, r.ref, entry, 'string');
    }
  }
  if ([...phandleRefs(tree)].some((r) => r.resolved)) {
    const local = childNamed(root, '__local_fixups__');
    for (const r of phandleRefs(tree)) {
      if (!r.resolved) continue;
      const chain: Node[] = [];
      for (let n: Node | null = r.node; n?.parent; n = n.parent) chain.unshift(n);
      let at = local;
      for (const n of chain) at = childNamed(at, n.name);
      appendTo(at, r.prop.name, new Data().appendCell(r.offset).bytes, 'uint32');
    }
  }
}

/**
 * A tree made to be applied onto a board (`/plugin/`, or a blob whose root
 * holds `fragment@N { __overlay__ { … } }` or `__fixups__`): its root and
 * fragment nodes are the overlay's wrapping, not a board's.
 */
export function isOverlay(tree: DeviceTree): boolean {
  if (tree.plugin) return true;
  return tree.root.liveChildren.some((c) => c.child('__overlay__') !== undefined) || tree.root.child('__fixups__') !== undefined;
}

/**
 * True inside an overlay's `__overlay__` node: its parent's cells, ranges,
 * memory and interrupt parent belong to the base tree it will be applied to
 * (dtc skips such nodes in its reg checks too).
 */
export function inOverlayFragment(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.name === '__overlay__') return true;
  return false;
}

/** The root and the fragments of an overlay: its wrapping, which dt-validate would take for a board. */
export function overlayWrapping(node: Node): boolean {
  return node.parent === null || node.child('__overlay__') !== undefined;
}
