/**
 * Applying an overlay onto a base tree, as fdtoverlay (libfdt's
 * fdt_overlay_apply) does: the overlay's own phandles are moved past the
 * base's largest (with every reference `__local_fixups__` records), its
 * references to the base's labels are resolved through the base's
 * `__symbols__` (`__fixups__`), then each fragment's `__overlay__` is merged
 * into its target (`target = <&label>` or `target-path`): properties replace
 * the base's in place or come first, children are merged or come first (as
 * libfdt inserts a new property or subnode, so several arrive in reverse
 * order, as in fdtoverlay's output), and the overlay's labels join
 * the base's `__symbols__`. The overlay's nodes and properties are moved
 * into the base whole, so findings on them point into the overlay's source.
 * Problems are returned in words (the CLI reports them as errors); the base
 * is changed in place.
 */
import { stringData } from './data.js';
import { liveNodes, nodeByPath, phandleIndex } from './lookup.js';
import { Node, Property, type DeviceTree } from './node.js';
import { firstCell, stringList } from './values.js';
import { quote, shownName } from '../source/quote.js';

/** The overlay node mirrored by a `__local_fixups__` node, walked in step. */
function adjustLocalReferences(fixups: Node, target: Node, delta: number, problems: string[]): void {
  for (const prop of fixups.liveProperties) {
    const into = target.property(prop.name);
    if (!into) {
      problems.push(`__local_fixups__ names ${shownName(target.path)}:${prop.name}, which the overlay does not have`);
      continue;
    }
    for (let p = 0; p + 4 <= prop.value.length; p += 4) {
      const offset = prop.value.cell(p);
      if (offset + 4 > into.value.length) {
        problems.push(`__local_fixups__ names offset ${offset} of ${shownName(target.path)}:${prop.name}, past its end`);
        continue;
      }
      into.value.setCell(offset, (into.value.cell(offset) + delta) >>> 0);
    }
  }
  for (const child of fixups.liveChildren) {
    const next = target.child(child.name);
    if (next) adjustLocalReferences(child, next, delta, problems);
    else problems.push(`__local_fixups__ names ${target.path === '/' ? '' : target.path}/${child.name}, which the overlay does not have`);
  }
}

/** Move the overlay's phandles past the base's, and every reference to them. */
function adjustLocalPhandles(overlay: Node, delta: number, problems: string[]): void {
  if (delta === 0) return;
  for (const node of liveNodes(overlay)) {
    for (const name of ['phandle', 'linux,phandle']) {
      const prop = node.property(name);
      if (prop && prop.value.length === 4 && prop.value.cell(0) !== 0xffffffff) prop.value.setCell(0, (prop.value.cell(0) + delta) >>> 0);
    }
    if (node.phandle) node.phandle = (node.phandle + delta) >>> 0;
  }
  const local = overlay.child('__local_fixups__');
  if (local) adjustLocalReferences(local, overlay, delta, problems);
}

/** A node's phandle as a property holds it (0 when it has none). */
function phandleOf(node: Node): number {
  return firstCell(node, 'phandle') ?? firstCell(node, 'linux,phandle') ?? 0;
}

/** Resolve the overlay's references to the base's labels (`__fixups__`) through the base's `__symbols__`. */
function fixupPhandles(base: Node, overlay: Node, problems: string[]): void {
  const fixups = overlay.child('__fixups__');
  if (!fixups) return;
  const symbols = base.child('__symbols__');
  for (const prop of fixups.liveProperties) {
    const path = symbols?.property(prop.name);
    const target = path ? nodeByPath(base, stringList(path.value.bytes)[0] ?? '') : null;
    if (!target) {
      problems.push(
        `the overlay refers to the label ${quote(prop.name, '"')}, which the base does not define` +
          (symbols ? '' : ' (the base has no __symbols__: compile it with -@, or give its source)'),
      );
      continue;
    }
    const phandle = phandleOf(target);
    if (phandle === 0) {
      problems.push(`the label ${quote(prop.name, '"')} names ${shownName(target.path)} in the base, which has no phandle`);
      continue;
    }
    for (const entry of stringList(prop.value.bytes)) {
      const [where, name, offsetText] = splitFixup(entry);
      const node = where === undefined ? null : nodeByPath(overlay, where);
      const into = node && name !== undefined ? node.property(name) : undefined;
      const offset = Number(offsetText);
      if (!into || !Number.isInteger(offset) || offset < 0 || offset + 4 > into.value.length) {
        problems.push(`__fixups__ entry ${quote(entry, '"')} for ${quote(prop.name, '"')} names no cell of the overlay`);
        continue;
      }
      into.value.setCell(offset, phandle);
    }
  }
}

/** `path:property:offset` (the path may not hold ':'; the property name may). */
function splitFixup(entry: string): [string | undefined, string | undefined, string | undefined] {
  const first = entry.indexOf(':');
  const last = entry.lastIndexOf(':');
  if (first < 0 || last === first) return [undefined, undefined, undefined];
  return [entry.slice(0, first), entry.slice(first + 1, last), entry.slice(last + 1)];
}

/** The base node a fragment applies to, or why there is none. */
function fragmentTarget(base: Node, fragment: Node, phandles: Map<number, Node>): Node | string {
  const target = fragment.property('target');
  if (target) {
    if (target.value.length !== 4) return `${shownName(fragment.path)} has a target of ${target.value.length} bytes, not one phandle`;
    const node = phandles.get(target.value.cell(0));
    return node ?? `the target of ${shownName(fragment.path)} (phandle ${target.value.cell(0)}) is no node of the base`;
  }
  const path = fragment.property('target-path');
  if (path) {
    const text = stringList(path.value.bytes)[0] ?? '';
    const aliases = base.child('aliases');
    const resolved = text.startsWith('/') ? text : (aliases?.property(text) ? stringList(aliases.property(text)!.value.bytes)[0] ?? '' : '');
    const node = resolved === '/' ? base : resolved.startsWith('/') ? nodeByPath(base, resolved) : null;
    return node ?? `the target-path ${quote(text, '"')} of ${shownName(fragment.path)} is no node of the base`;
  }
  return `${shownName(fragment.path)} has neither target nor target-path`;
}

/** Merge `from` (an `__overlay__` node or one of its children) into `into`, moving the overlay's objects. */
function mergeNode(into: Node, from: Node): void {
  for (const prop of from.liveProperties) {
    const at = into.properties.findIndex((p) => !p.deleted && p.name === prop.name);
    if (at >= 0) into.properties[at] = prop;
    // libfdt's fdt_setprop puts a new property first in its node (so several come in reverse).
    else into.properties.unshift(prop);
  }
  for (const child of from.liveChildren) {
    const existing = into.child(child.name);
    if (existing) {
      existing.spans = [...existing.spans, ...child.spans];
      mergeNode(existing, child);
    } else {
      // libfdt's fdt_add_subnode puts a new node before the existing children (so several come in reverse),
      // and fdtoverlay fills it property by property, subnode by subnode, each put first in turn.
      child.parent = into;
      into.children.unshift(inInsertionOrder(child));
    }
  }
}

/** A node added whole, its properties and subnodes in the order libfdt's one-by-one insertions leave them: reversed. */
function inInsertionOrder(node: Node): Node {
  node.properties = node.liveProperties.reverse();
  node.children = node.liveChildren.reverse().map(inInsertionOrder);
  return node;
}

/** Add the overlay's `__symbols__` to the base's, with paths inside fragments made paths in the base. */
function updateSymbols(base: Node, overlay: Node, targets: Map<string, Node>): void {
  const symbols = overlay.child('__symbols__');
  if (!symbols) return;
  let into = base.child('__symbols__');
  for (const prop of symbols.liveProperties) {
    const path = stringList(prop.value.bytes)[0] ?? '';
    const m = /^\/([^/]+)\/__overlay__(\/.*)?$/.exec(path);
    if (!m) continue;
    const target = targets.get(m[1]!);
    if (!target) continue;
    const rest = m[2] ?? '';
    const full = target.path === '/' ? rest || '/' : target.path + rest;
    if (!into) {
      into = new Node('__symbols__');
      base.addChild(into);
    }
    const existing = into.property(prop.name);
    if (existing) existing.value = stringData(full);
    else into.properties.unshift(new Property(prop.name, stringData(full)));
  }
}

/** Apply `overlay` onto `base` (changed in place); the problems that stopped parts of it, in words. */
export function applyOverlay(base: DeviceTree, overlay: DeviceTree): string[] {
  const problems: string[] = [];
  const phandles = phandleIndex(base.root);
  let maxPhandle = 0;
  for (const ph of phandles.keys()) if (ph > maxPhandle) maxPhandle = ph;
  adjustLocalPhandles(overlay.root, maxPhandle, problems);
  fixupPhandles(base.root, overlay.root, problems);
  const targets = new Map<string, Node>();
  for (const fragment of overlay.root.liveChildren) {
    const body = fragment.child('__overlay__');
    if (!body) continue;
    const target = fragmentTarget(base.root, fragment, phandles);
    if (typeof target === 'string') {
      // A target left unresolved by a label the base lacks was said already, by the fixups.
      const unresolved = fragment.property('target')?.value.cell(0) === 0xffffffff;
      if (!unresolved || problems.length === 0) problems.push(target);
      continue;
    }
    targets.set(fragment.name, target);
    target.spans = [...target.spans, ...body.spans];
    mergeNode(target, body);
  }
  updateSymbols(base.root, overlay.root, targets);
  return problems;
}
