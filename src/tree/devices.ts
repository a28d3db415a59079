/**
 * Which nodes become devices, as Linux decides at boot: of_device_is_available
 * for a node's own status, and of_platform_default_populate for the path from
 * the root (drivers/of/platform.c). The default populate creates a platform
 * device for each child of the root that has a `compatible` and is available,
 * and descends only into the ones that match its bus table; a node anywhere
 * else becomes a device only if its parent's driver populates its children.
 */
import type { Node } from './node.js';
import { compatiblesOf, stringValue } from './values.js';

/** Available as of_device_is_available: no `status`, or "okay"/"ok". */
export function isAvailable(node: Node): boolean {
  const status = stringValue(node, 'status');
  return status === undefined || status === 'okay' || status === 'ok';
}

/** of_default_bus_match_table: the compatibles whose children the default populate makes devices of. */
export const DEFAULT_BUS_COMPATIBLES: readonly string[] = ['simple-bus', 'simple-mfd', 'isa', 'arm,amba-bus'];

/** Why the default populate makes no device of a node, and which ancestor stops it. */
export type Population =
  | { created: true }
  | { created: false; ancestor: Node; reason: 'disabled' | 'no-compatible' | 'primecell' | 'not-a-bus' };

/**
 * Whether of_platform_default_populate reaches `node` (itself available):
 * every ancestor below the root must have a `compatible` (the populate is
 * strict), be available, be no `arm,primecell` device (those become AMBA
 * devices and are not descended into) and match the bus table. The first
 * ancestor from the root that fails says why. `not-a-bus` is the one case a
 * driver can still rescue (an MFD or bus driver that populates its children).
 */
export function platformPopulation(node: Node): Population {
  const path: Node[] = [];
  for (let a = node.parent; a && a.parent; a = a.parent) path.unshift(a);
  // /firmware's children are populated on their own (of_platform_default_populate_init), though it has no compatible.
  if (path[0]?.name === 'firmware' && isAvailable(path[0])) path.shift();
  for (const ancestor of path) {
    // The populate asks only whether the property is there (an empty one counts).
    if (!ancestor.property('compatible')) return { created: false, ancestor, reason: 'no-compatible' };
    const compatibles = compatiblesOf(ancestor);
    if (!isAvailable(ancestor)) return { created: false, ancestor, reason: 'disabled' };
    if (compatibles.includes('arm,primecell')) return { created: false, ancestor, reason: 'primecell' };
    if (!compatibles.some((c) => DEFAULT_BUS_COMPATIBLES.includes(c))) return { created: false, ancestor, reason: 'not-a-bus' };
  }
  return { created: true };
}

/** The outermost ancestor whose status is not available (Linux creates nothing below it), if any. */
export function disabledAncestor(node: Node): Node | null {
  let found: Node | null = null;
  for (let a = node.parent; a; a = a.parent) if (!isAvailable(a)) found = a;
  return found;
}
