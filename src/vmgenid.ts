/** What makes a node a VM generation ID device: shared by the linter's scope and the checks. */
import type { Node } from './tree/node.js';
import { compatiblesOf } from './tree/values.js';

/** Every compatible string a VM generation ID device has been described with. */
export const VMGENID_COMPATIBLES: ReadonlySet<string> = new Set(['microsoft,vmgenid', 'virtual,vmgenctr', 'linux,vmgenctr']);

export function isVmgenid(node: Node): boolean {
  return compatiblesOf(node).some((c) => VMGENID_COMPATIBLES.has(c));
}
