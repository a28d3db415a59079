/**
 * Finding nodes by path, label, reference and phandle, with dtc's rules:
 * deleted nodes and labels are invisible, the first match in pre-order wins.
 */
import type { Node } from './node.js';
import { firstCell } from './values.js';

/** A node by path relative to `tree`, as dtc's get_node_by_path (repeated `/` are skipped). */
export function nodeByPath(tree: Node, path: string): Node | null {
  let node = tree;
  let rest = path;
  for (;;) {
    if (rest === '') return node.deleted ? null : node;
    let start = 0;
    while (rest[start] === '/') start++;
    rest = rest.slice(start);
    const slash = rest.indexOf('/');
    const part = slash < 0 ? rest : rest.slice(0, slash);
    let found: Node | null = null;
    for (const child of node.children) {
      if (!child.deleted && child.name === part) {
        found = child;
        break;
      }
    }
    if (!found) return null;
    if (slash < 0) return found;
    node = found;
    rest = rest.slice(slash + 1);
  }
}

/** The first live node in pre-order carrying live label `label`. */
export function nodeByLabel(tree: Node, label: string): Node | null {
  const stack: Node[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const l of node.labels) if (!l.deleted && l.name === label) return node;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (!child.deleted) stack.push(child);
    }
  }
  return null;
}

/**
 * nodeByRef for many references: labels are looked up in an index of every
 * live label's node (the first live one in pre-order, as nodeByLabel finds
 * it), built on first use. Whoever changes what a label finds (new nodes or
 * labels, deletions) calls `invalidate()`.
 */
export class RefResolver {
  private labels: Map<string, Node> | null = null;

  find(tree: Node, ref: string): Node | null {
    if (ref.startsWith('/')) return nodeByRef(tree, ref);
    if (!this.labels) {
      this.labels = new Map();
      const nodes = liveNodeList(tree);
      for (let i = 0; i < nodes.length; i++) {
        const labels = nodes[i]!.labels;
        for (let j = 0; j < labels.length; j++) {
          const l = labels[j]!;
          if (!l.deleted && !this.labels.has(l.name)) this.labels.set(l.name, nodes[i]!);
        }
      }
    }
    return this.labels.get(ref) ?? null;
  }

  invalidate(): void {
    this.labels = null;
  }
}

/** Resolve a reference: `/` is the root, `/…` a path, anything else a label. */
export function nodeByRef(tree: Node, ref: string): Node | null {
  if (ref === '/') return tree;
  if (ref.startsWith('/')) return nodeByPath(tree, ref);
  return nodeByLabel(tree, ref);
}

/**
 * The live nodes in pre-order, as a list: for walks that change nothing
 * (a generator costs a resumption and a result object per node until the
 * JIT has warmed up, which on a board is most of the run).
 */
export function liveNodeList(tree: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (!child.deleted) stack.push(child);
    }
  }
  return out;
}

/** Visit live nodes in pre-order (parents before children, children in order); a node deleted meanwhile is not entered. */
export function* liveNodes(tree: Node): Generator<Node> {
  const stack: Node[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (!child.deleted) stack.push(child);
    }
  }
}

/** The root of the tree `node` is in. */
export function rootOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** Nodes by phandle (`phandle`, else `linux,phandle`; the first node wins a duplicate). */
export function phandleIndex(root: Node): Map<number, Node> {
  const index = new Map<number, Node>();
  const visit = (node: Node) => {
    const ph = firstCell(node, 'phandle') ?? firstCell(node, 'linux,phandle');
    if (ph !== undefined && ph !== 0 && ph !== 0xffffffff && !index.has(ph)) index.set(ph, node);
    const children = node.children;
    for (let i = 0; i < children.length; i++) if (!children[i]!.deleted) visit(children[i]!);
  };
  visit(root);
  return index;
}
