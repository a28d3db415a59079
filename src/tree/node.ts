import type { Span } from '../source/span.js';
import { Data } from './data.js';

/**
 * A label on a node, property or reservation. dtc keeps a deleted label in
 * place (a later redefinition revives it), so do we.
 */
export interface Label {
  name: string;
  deleted: boolean;
}

/**
 * The label list of every node and property that has none (most have none,
 * and each lives as long as the tree): shared, so never written to. Lists
 * grow through withLabel.
 */
export const NO_LABELS: Label[] = Object.freeze([]) as unknown as Label[];

/**
 * A label added as dtc's add_label does: an existing one is revived, a new one
 * goes to the front of the list (dtc lists labels newest first, and that order
 * shows in `__symbols__`). Returns the list to keep: `labels` itself, or a new
 * one in place of the shared empty list.
 */
export function withLabel(labels: Label[], name: string): Label[] {
  const existing = labels.find((l) => l.name === name);
  if (existing) {
    existing.deleted = false;
    return labels;
  }
  const label = { name, deleted: false };
  if (labels === NO_LABELS) return [label];
  labels.unshift(label);
  return labels;
}

export function liveLabels(labels: readonly Label[]): Label[] {
  return labels.filter((l) => !l.deleted);
}

/**
 * Limits on one tree, whatever it was read from (DTS, DTB, a live folder):
 * they keep memory bounded on hostile input. The largest real trees (Linux's
 * arm64 boards, a server's /proc/device-tree) have a few thousand nodes and
 * a few tens of thousands of properties; each node or property costs about
 * 1 KiB on its way through the compiler and the checks, so these bound a
 * tree at roughly 250 MiB + 450 MiB, far below Node's heap, with 20x room
 * over any board seen.
 */
export const MAX_TREE_NODES = 200_000;
export const MAX_TREE_PROPERTIES = 500_000;
/**
 * Longest value of one property, in bytes. Real values are at most a few
 * KiB (a firmware blob by /incbin/ a few MiB); four of them fill the 64 MiB
 * input limit.
 */
export const MAX_PROPERTY_BYTES = 16 * 1024 * 1024;

export class Property {
  name: string;
  value: Data;
  labels: Label[] = NO_LABELS;
  /** Deleted properties stay in the list: redefining one revives it in place, as in dtc. */
  deleted = false;
  /** Where it was defined; the last definition wins, as dtc's srcpos. */
  span: Span | null;

  constructor(name: string, value: Data, span: Span | null = null) {
    this.name = name;
    this.value = value;
    this.span = span;
  }
}

export class Node {
  /** Full name with unit address (`uart@1000`); the root is `""`. */
  name: string;
  properties: Property[] = [];
  children: Node[] = [];
  parent: Node | null = null;
  labels: Label[] = NO_LABELS;
  deleted = false;
  /** The phandle dtc assigned or read; 0 for none. */
  phandle = 0;
  omitIfUnused = false;
  isReferenced = false;
  /** Every fragment that defined this node (a later `&label { … }` adds one). */
  spans: Span[] = [];

  constructor(name = '') {
    this.name = name;
  }

  /** The name without its unit address. */
  get baseName(): string {
    const at = this.name.indexOf('@');
    return at < 0 ? this.name : this.name.slice(0, at);
  }

  /** The unit address (text after `@`), or `""`. */
  get unitAddress(): string {
    const at = this.name.indexOf('@');
    return at < 0 ? '' : this.name.slice(at + 1);
  }

  /** `/`-separated path from the root, as dtc's fullpath. */
  get path(): string {
    if (!this.parent) return '/';
    const parentPath = this.parent.path;
    return (parentPath === '/' ? '/' : parentPath + '/') + this.name;
  }

  /** Live (not deleted) properties, in order. */
  get liveProperties(): Property[] {
    return this.properties.filter((p) => !p.deleted);
  }

  /** Live (not deleted) children, in order. */
  get liveChildren(): Node[] {
    return this.children.filter((c) => !c.deleted);
  }

  /** The live property called `name`, as dtc's get_property. */
  property(name: string): Property | undefined {
    // An indexed loop: asked for every property of every node, mostly before the JIT has
    // warmed up, when for…of still makes an iterator result per step.
    const props = this.properties;
    for (let i = 0; i < props.length; i++) {
      const p = props[i]!;
      if (!p.deleted && p.name === name) return p;
    }
    return undefined;
  }

  /** The live child called exactly `name`, as dtc's get_subnode. */
  child(name: string): Node | undefined {
    const children = this.children;
    for (let i = 0; i < children.length; i++) {
      const c = children[i]!;
      if (!c.deleted && c.name === name) return c;
    }
    return undefined;
  }

  addProperty(prop: Property): void {
    this.properties.push(prop);
  }

  addChild(child: Node): void {
    child.parent = this;
    this.children.push(child);
  }
}

export interface ReserveEntry {
  address: bigint;
  size: bigint;
  labels: Label[];
  span: Span | null;
}

/** A whole devicetree: dtc's dt_info. */
export interface DeviceTree {
  /** `/dts-v1/` seen (always, for source that compiled) and `/plugin/`. */
  plugin: boolean;
  reserves: ReserveEntry[];
  root: Node;
  bootCpuid: number;
}
