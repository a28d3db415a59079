/**
 * From a parsed DTS file to the live tree, doing what dtc's parser actions do
 * in the same order: the first root, later roots merged into it, `&ref { … }`
 * overrides, deletions by reference, `/omit-if-no-ref/` marks, and, for
 * `/plugin/` files, the orphan `fragment@N` nodes of an overlay.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import type { Span } from '../source/span.js';
import type { ChildDef, DtsFile, NodeBody, PropertyDef, RefDef } from '../dts/ast.js';
import { Data, stringData } from './data.js';
import { nodeByPath, RefResolver } from './lookup.js';
import { NO_LABELS, withLabel, Node, Property, type DeviceTree, type Label, type ReserveEntry } from './node.js';

export interface BuildResult {
  tree: DeviceTree;
  diagnostics: Diagnostic[];
}

function labelsAsDtc(written: readonly string[]): Label[] {
  let labels = NO_LABELS;
  // dtc reduces `a: b: x` innermost first, so b is added before a.
  for (let i = written.length - 1; i >= 0; i--) labels = withLabel(labels, written[i]!);
  return labels;
}

function buildProperty(def: PropertyDef): Property {
  const value = def.kind === 'property' && def.value ? def.value : new Data();
  const prop = new Property(def.name, value, def.span);
  if (def.labels.length > 0) prop.labels = labelsAsDtc(def.labels);
  prop.deleted = def.kind === 'delete-property';
  return prop;
}

function buildChild(def: ChildDef): Node {
  if (def.kind === 'delete-node') {
    const node = new Node(def.name);
    node.deleted = true;
    node.omitIfUnused = def.omitIfNoRef;
    node.labels = labelsAsDtc(def.labels);
    node.spans.push(def.span);
    return node;
  }
  const node = buildNode(def.body, def.name, def.span);
  node.omitIfUnused = def.omitIfNoRef;
  node.labels = labelsAsDtc(def.labels);
  return node;
}

/** dtc's build_node: a fresh node from one `{ … };` body. */
export function buildNode(body: NodeBody, name: string, span: Span): Node {
  const node = new Node(name);
  node.spans.push(span);
  // Indexed loops: every node and property passes here before the JIT has warmed up (for…of makes an iterator result per step).
  const props = body.properties;
  for (let i = 0; i < props.length; i++) node.properties.push(buildProperty(props[i]!));
  const children = body.children;
  for (let i = 0; i < children.length; i++) node.addChild(buildChild(children[i]!));
  return node;
}

/** Mark a node, its live subtree, properties and labels deleted (dtc's delete_node). */
export function deleteNode(node: Node): void {
  node.deleted = true;
  for (const child of node.children) if (!child.deleted) deleteNode(child);
  for (const prop of node.properties) {
    if (prop.deleted) continue;
    prop.deleted = true;
    deleteLabels(prop.labels);
  }
  deleteLabels(node.labels);
}

function deleteLabels(labels: Label[]): void {
  for (const l of labels) l.deleted = true;
}

/**
 * Merge `update` into `target` as dtc's merge_nodes: labels added, properties
 * replaced in place (reviving deleted ones) or appended, deletions applied by
 * name, children merged by exact name or appended.
 */
export function mergeNodes(target: Node, update: Node): void {
  target.deleted = false;
  for (const l of update.labels) target.labels = withLabel(target.labels, l.name);

  // By name, the first of each (deleted ones included, as dtc's lookups here):
  // a board that adds thousands of children to one bus must not search the
  // bus once per child.
  const props = firstByName(target.properties);
  for (let i = 0; i < update.properties.length; i++) {
    const prop = update.properties[i]!;
    if (prop.deleted) {
      const victim = props.get(prop.name);
      if (victim && !victim.deleted) {
        victim.deleted = true;
        deleteLabels(victim.labels);
      }
      continue;
    }
    const existing = props.get(prop.name);
    if (existing) {
      for (const l of prop.labels) existing.labels = withLabel(existing.labels, l.name);
      existing.value = prop.value;
      existing.deleted = false;
      existing.span = prop.span;
    } else {
      target.properties.push(prop);
      props.set(prop.name, prop);
    }
  }

  const children = firstByName(target.children);
  for (let i = 0; i < update.children.length; i++) {
    const child = update.children[i]!;
    if (child.deleted) {
      const victim = children.get(child.name);
      if (victim && !victim.deleted) deleteNode(victim);
      continue;
    }
    const existing = children.get(child.name);
    if (existing) mergeNodes(existing, child);
    else {
      target.addChild(child);
      children.set(child.name, child);
    }
  }

  target.spans.push(...update.spans);
}

function firstByName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (let i = 0; i < items.length; i++) if (!map.has(items[i]!.name)) map.set(items[i]!.name, items[i]!);
  return map;
}

/** dtc's add_orphan_node: wrap an overlay body in `fragment@N { target…; __overlay__ { … } }`. */
function addOrphanNode(root: Node, body: Node, ref: RefDef, fragmentIndex: number): void {
  let target: Property;
  if (ref.kind === 'path') {
    const value = stringData(ref.target);
    value.markers[0]!.ref = ref.target;
    target = new Property('target-path', value);
  } else {
    target = new Property('target', new Data().addMarker('ref-phandle', ref.target).appendCell(0xffffffff));
  }
  body.name = '__overlay__';
  const fragment = new Node(`fragment@${fragmentIndex}`);
  fragment.properties.push(target);
  fragment.addChild(body);
  root.addChild(fragment);
}

/** dtc's guess_boot_cpuid: the `reg` of the first child of `/cpus`, if it is one cell. */
function guessBootCpuid(root: Node): number {
  const cpus = nodeByPath(root, '/cpus');
  // dtc looks at the first child even when it was deleted.
  const first = cpus?.children[0];
  const reg = first?.property('reg');
  if (!reg || reg.value.length !== 4) return 0;
  return reg.value.cell(0);
}

/** Build the tree for a parsed file. Errors are dtc's fatal "Label or path … not found". */
export function buildTree(file: DtsFile): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const notFound = (ref: RefDef, span: Span) =>
    diagnostics.push({ severity: 'error', check: 'syntax', message: `Label or path ${ref.target} not found`, span });
  let fragments = 0;
  let root: Node | null = null;
  // Labels are looked up in an index, rebuilt only after a statement that may
  // change what a label finds (new nodes or labels, deletions): a board that
  // overrides thousands of nodes by label must not walk the tree for each.
  const refs = new RefResolver();

  for (const st of file.statements) {
    if (st.kind === 'root') {
      const node = buildNode(st.body, '', st.span);
      if (root) mergeNodes(root, node);
      else root = node;
      refs.invalidate();
      continue;
    }
    if (!root) {
      // Only `&ref { … }` can come first, and only an overlay may do that.
      if (st.kind !== 'ref-node') continue;
      if (!file.plugin) notFound(st.ref, st.body.span);
      root = new Node('');
      addOrphanNode(root, buildNode(st.body, '', st.span), st.ref, fragments++);
      refs.invalidate();
      continue;
    }
    switch (st.kind) {
      case 'ref-node': {
        const update = buildNode(st.body, '', st.span);
        // Properties alone leave every label where it was.
        const relabels = update.children.length > 0 || update.labels.length > 0 || st.label !== null;
        if (st.ref.kind === 'path' && file.plugin && st.label === null) {
          addOrphanNode(root, update, st.ref, fragments++);
          refs.invalidate();
          break;
        }
        const target = refs.find(root, st.ref.target);
        if (target) {
          if (st.label !== null) target.labels = withLabel(target.labels, st.label);
          mergeNodes(target, update);
          if (relabels) refs.invalidate();
        } else if (file.plugin && st.label === null) {
          addOrphanNode(root, update, st.ref, fragments++);
          refs.invalidate();
        } else {
          notFound(st.ref, st.ref.span);
        }
        break;
      }
      case 'delete-ref': {
        const target = refs.find(root, st.ref.target);
        if (target) deleteNode(target);
        else notFound(st.ref, st.ref.span);
        refs.invalidate();
        break;
      }
      case 'omit-ref': {
        const target = refs.find(root, st.ref.target);
        if (target) target.omitIfUnused = true;
        else notFound(st.ref, st.ref.span);
        break;
      }
    }
  }

  root ??= new Node('');
  const reserves: ReserveEntry[] = file.memreserves.map((m) => ({
    address: m.address,
    size: m.size,
    labels: labelsAsDtc(m.labels),
    span: m.span,
  }));
  return { tree: { plugin: file.plugin, reserves, root, bootCpuid: guessBootCpuid(root) }, diagnostics };
}
