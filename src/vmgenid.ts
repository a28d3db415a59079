/** What makes a node a VM generation ID device: shared by the linter's scope and the checks. */
import type { Node } from './tree/node.js';
import { compatiblesOf } from './tree/values.js';

/** Every compatible string a VM generation ID device has been described with. */
export const VMGENID_COMPATIBLES: ReadonlySet<string> = new Set(['microsoft,vmgenid', 'virtual,vmgenctr', 'linux,vmgenctr']);

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
