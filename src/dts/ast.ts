/**
 * The syntax tree of a DTS file, one node per construct of dtc's grammar.
 * Property values are already evaluated into `Data` (dtc evaluates cell
 * expressions while parsing); everything that needs the tree — references,
 * merges, deletions — is left to src/tree/build.ts.
 */
import type { Span } from '../source/span.js';
import type { Data } from '../tree/data.js';

export interface DtsFile {
  /** From the first header: later headers must agree. */
  plugin: boolean;
  memreserves: MemreserveDef[];
  /** Top-level statements in source order. */
  statements: TopStatement[];
}

export interface MemreserveDef {
  /** Labels as written, first to last. */
  labels: string[];
  address: bigint;
  size: bigint;
  span: Span;
}

/** A reference as written: `&label` (kind 'label') or `&{/path}` (kind 'path'). */
export interface RefDef {
  kind: 'label' | 'path';
  /** The label name, or the path starting with `/`. */
  target: string;
  span: Span;
}

export type TopStatement =
  /** `/ { … };` — the root, or a later root merged into it. */
  | { kind: 'root'; body: NodeBody; span: Span }
  /** `label: &ref { … };` or `&ref { … };` */
  | { kind: 'ref-node'; label: string | null; ref: RefDef; body: NodeBody; span: Span }
  | { kind: 'delete-ref'; ref: RefDef; span: Span }
  | { kind: 'omit-ref'; ref: RefDef; span: Span };

export interface NodeBody {
  properties: PropertyDef[];
  children: ChildDef[];
  /** From `{` to the closing `;`. */
  span: Span;
}

export type PropertyDef =
  | { kind: 'property'; labels: string[]; name: string; value: Data | null; span: Span; nameSpan: Span }
  | { kind: 'delete-property'; labels: string[]; name: string; span: Span };

export type ChildDef =
  | { kind: 'node'; labels: string[]; name: string; omitIfNoRef: boolean; body: NodeBody; span: Span; nameSpan: Span }
  | { kind: 'delete-node'; labels: string[]; name: string; omitIfNoRef: boolean; span: Span };
