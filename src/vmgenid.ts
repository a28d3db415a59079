/**
 * What makes a node a VM generation ID device: shared by the linter's scope
 * and the checks. A node is one by its compatible; a compatible a typo away
 * from one (the mistake that leaves the device silently unbound) makes the
 * node one that was meant to be, judged as such and reported.
 */
import type { Node } from './tree/node.js';
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

/** Case, spaces, hyphens, underscores and dots do not tell compatibles apart for a reader. */
function folded(text: string): string {
  return text.toLowerCase().replace(/[\s_.-]+/g, '');
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
  const model = f.slice(f.lastIndexOf(',') + 1);
  if (model.startsWith('vmgen')) return /ctr|cnt|count/.test(model) ? DRAFT_BINDING_COMPATIBLE : UPSTREAM_COMPATIBLE;
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

/** The first compatible entry that is almost a vmgenid one, when the node has no real one. */
export function nearMiss(node: Node): NearMiss | null {
  const bytes = node.property('compatible')?.value.bytes;
  if (!bytes || bytes.length === 0) return null;
  const compatibles = compatiblesOf(node);
  if (compatibles.some((c) => VMGENID_COMPATIBLES.has(c))) return null;
  for (let index = 0; index < compatibles.length; index++) {
    const meant = meantCompatible(compatibles[index]!);
    if (meant) return { index, written: compatibles[index]!, meant };
  }
  return null;
}

/** A vmgenid node, or one whose compatible is a typo of a vmgenid compatible: judged as the device it was meant to be. */
export function isMeantAsVmgenid(node: Node): boolean {
  return isVmgenid(node) || (node.property('compatible') !== undefined && nearMiss(node) !== null);
}

/** A node whose name says it is a generation ID device ("vmgenid", "vm-gen-id", "vmgenctr", …). */
export function hasVmgenidName(node: Node): boolean {
  return folded(node.baseName).startsWith('vmgen');
}
