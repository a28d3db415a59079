/**
 * What makes a node a VM generation ID device: shared by the linter's scope
 * and the checks. A node is one by its compatible; a compatible a typo away
 * from one (the mistake that leaves the device silently unbound) makes the
 * node one that was meant to be, judged as such and reported.
 */
import type { Node } from './tree/node.js';
import { liveNodeList } from './tree/lookup.js';
import { compatiblesOf } from './tree/values.js';

/** The compatible upstream Linux binds (drivers/virt/vmgenid.c, since 6.10). */
export const UPSTREAM_COMPATIBLE = 'microsoft,vmgenid';
/** The draft binding this tool was made for; a node that follows it is clean. */
export const DRAFT_BINDING_COMPATIBLE = 'virtual,vmgenctr';

/** Every compatible string a VM generation ID device has been described with. */
export const VMGENID_COMPATIBLES: ReadonlySet<string> = new Set([UPSTREAM_COMPATIBLE, DRAFT_BINDING_COMPATIBLE, 'linux,vmgenctr']);

/** Text every one of them has: a compatible value without it is no vmgenid's. */
const COMMON_PART = [0x76, 0x6d, 0x67, 0x65, 0x6e]; // "vmgen"

export function isVmgenid(node: Node): boolean {
  // Asked of every node of every board: most are told no from the bytes, without decoding the strings.
  const bytes = node.property('compatible')?.value.bytes;
  if (!bytes || !includesBytes(bytes, COMMON_PART)) return false;
  return compatiblesOf(node).some((c) => VMGENID_COMPATIBLES.has(c));
}

function includesBytes(bytes: Uint8Array, part: readonly number[]): boolean {
  outer: for (let i = 0; i + part.length <= bytes.length; i++) {
    for (let j = 0; j < part.length; j++) if (bytes[i + j] !== part[j]) continue outer;
    return true;
  }
  return false;
}

/** A compatible entry that is almost a vmgenid one, and the one it was meant to be. */
export interface NearMiss {
  /** Index of the entry in the compatible list. */
  index: number;
  written: string;
  meant: string;
}

/** Spaces, hyphens, underscores and dots: they do not tell compatibles apart for a reader, nor does case. */
function isSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2d || code === 0x5f || code === 0x2e;
}

function folded(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) if (!isSeparator(text.charCodeAt(i))) out += text[i]!.toLowerCase();
  return out;
}

/**
 * Whether a compatible value may hold an entry a typo away from a vmgenid
 * compatible, told from its bytes (asked of every node, so no strings are
 * made): such an entry keeps at least four of the five letters of "vmgen"
 * (a case, separator, missing or transposed letter, or another vendor keeps
 * them all; only two edits that both fall on them can lose two).
 */
function mayHoldNearMiss(bytes: Uint8Array): boolean {
  let letters = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i]! | 0x20 : 0;
    if (b === 0x20 || i === bytes.length) {
      // NUL (0x00 | 0x20) ends an entry.
      if (popcount(letters) >= 4) return true;
      letters = 0;
    } else if (b === 0x76) letters |= 1; // v
    else if (b === 0x6d) letters |= 2; // m
    else if (b === 0x67) letters |= 4; // g
    else if (b === 0x65) letters |= 8; // e
    else if (b === 0x6e) letters |= 16; // n
  }
  return false;
}

function popcount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

const FOLDED_KNOWN: readonly (readonly [string, string])[] = [...VMGENID_COMPATIBLES].map((c) => [folded(c), c] as const);

/** Edits (insert, delete, substitute, swap two neighbours) between two short strings: optimal string alignment. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** How far a compatible may be from a known one and still be a typo of it. */
const MAX_TYPO_EDITS = 2;

/**
 * The vmgenid compatible `written` was most likely meant to be, or null: the
 * same but for case and separators, a vendor's "vmgen…" model (another
 * vendor, or a spelled-out "vm-generation-id"), or up to two edits away.
 */
export function meantCompatible(written: string): string | null {
  if (VMGENID_COMPATIBLES.has(written)) return null;
  // Asked of every compatible of every node: boards repeat them, so each text is judged once.
  const known = meantMemo.get(written);
  if (known !== undefined) return known;
  const meant = judgeCompatible(written);
  if (meantMemo.size >= MAX_MEMO) meantMemo.clear();
  meantMemo.set(written, meant);
  return meant;
}

const meantMemo = new Map<string, string | null>();
const MAX_MEMO = 10_000;

function judgeCompatible(written: string): string | null {
  const f = folded(written);
  if (f.length === 0 || f.length > 64) return null;
  for (const [known, compatible] of FOLDED_KNOWN) if (f === known) return compatible;
  const closest = closestKnown(f);
  if (closest) return closest;
  const model = f.slice(f.lastIndexOf(',') + 1);
  if (model.startsWith('vmgen')) return model.includes('ctr') || model.includes('cnt') || model.includes('count') ? DRAFT_BINDING_COMPATIBLE : UPSTREAM_COMPATIBLE;
  return null;
}

/** The known compatible at most MAX_TYPO_EDITS edits from `f` (folded), the nearest one. */
function closestKnown(f: string): string | null {
  let best: string | null = null;
  let bestEdits = MAX_TYPO_EDITS + 1;
  for (const [known, compatible] of FOLDED_KNOWN) {
    if (Math.abs(f.length - known.length) > MAX_TYPO_EDITS) continue;
    const edits = editDistance(f, known);
    if (edits < bestEdits) {
      best = compatible;
      bestEdits = edits;
    }
  }
  return best;
}

/** Each compatible property's answer: the linter's scope and the checks both ask, for every node. */
const nearMisses = new WeakMap<object, NearMiss | null>();

/** The first compatible entry that is almost a vmgenid one, when the node has no real one. */
export function nearMiss(node: Node): NearMiss | null {
  const prop = node.property('compatible');
  if (!prop || prop.value.length === 0 || !mayHoldNearMiss(prop.value.bytes)) return null;
  const known = nearMisses.get(prop);
  if (known !== undefined) return known;
  const miss = findNearMiss(node);
  nearMisses.set(prop, miss);
  return miss;
}

function findNearMiss(node: Node): NearMiss | null {
  const compatibles = compatiblesOf(node);
  if (compatibles.some((c) => VMGENID_COMPATIBLES.has(c))) return null;
  for (let index = 0; index < compatibles.length; index++) {
    const meant = meantCompatible(compatibles[index]!);
    if (meant) return { index, written: compatibles[index]!, meant };
  }
  return null;
}

/** A node whose name says it is a generation ID device ("vmgenid", "vm-gen-id", "vmgenctr", …). */
export function hasVmgenidName(node: Node): boolean {
  // "vmgen" at the start, whatever the case and separators, without making a string per node.
  const name = node.baseName;
  let matched = 0;
  for (let i = 0; i < name.length && matched < VMGEN.length; i++) {
    const code = name.charCodeAt(i);
    if (isSeparator(code)) continue;
    if ((code | 0x20) !== VMGEN.charCodeAt(matched)) return false;
    matched++;
  }
  return matched === VMGEN.length;
}

const VMGEN = 'vmgen';

/** The generation ID devices of a tree, found in one walk. */
export interface VmgenidNodes {
  /** Nodes with a vmgenid compatible, or one a typo away, in tree order. */
  meant: Node[];
  /** Nodes named like a generation ID device that have no compatible at all. */
  nameless: Node[];
}

const byRoot = new WeakMap<Node, VmgenidNodes>();

/**
 * The tree's vmgenid nodes: the linter's scope, the checks' context and the
 * missing-compatible check all ask, for every node of every board, so the
 * walk is made once per tree (a tree is not changed once it is linted).
 */
export function vmgenidNodes(root: Node): VmgenidNodes {
  const known = byRoot.get(root);
  if (known) return known;
  const found: VmgenidNodes = { meant: [], nameless: [] };
  const nodes = liveNodeList(root);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const compatible = node.property('compatible');
    if (!compatible) {
      if (node.parent && hasVmgenidName(node)) found.nameless.push(node);
      continue;
    }
    // Every vmgenid compatible holds all the letters of "vmgen": most nodes are told no from the bytes.
    if (mayHoldNearMiss(compatible.value.bytes) && (isVmgenid(node) || nearMiss(node) !== null)) found.meant.push(node);
  }
  byRoot.set(root, found);
  return found;
}
