/**
 * Reading a node's small properties the way the kernel's of_* helpers do:
 * the first cell, a single string, a string list. Shared by the JSON view,
 * the linter's scope and the checks.
 */
import { latin1Text } from './data.js';
import type { Node } from './node.js';

/** A string-list value: the bytes without their final NUL, split at NULs. */
export function stringList(bytes: Uint8Array): string[] {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.length - 1 : bytes.length;
  return latin1Text(bytes, end).split('\0');
}

/**
 * Whether one of a string-list value's strings is exactly `want` (its bytes):
 * what stringList(bytes).includes says, without making the strings, for
 * questions asked of every node (is it disabled?).
 */
export function hasStringEntry(bytes: Uint8Array, want: ArrayLike<number>): boolean {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.length - 1 : bytes.length;
  for (let start = 0; start <= end; ) {
    let stop = start;
    while (stop < end && bytes[stop] !== 0) stop++;
    if (stop - start === want.length) {
      let same = true;
      for (let i = 0; i < want.length && same; i++) same = bytes[start + i] === want[i];
      if (same) return true;
    }
    start = stop + 1;
  }
  return false;
}

/** The first cell of a property, when it has one. */
export function firstCell(node: Node, name: string): number | undefined {
  const prop = node.property(name);
  if (!prop || prop.value.length < 4) return undefined;
  return prop.value.cell(0);
}

/** A single-string property's text (`undefined` when absent). */
export function stringValue(node: Node, name: string): string | undefined {
  const prop = node.property(name);
  return prop ? latin1Text(prop.value.bytes).replace(/\0+$/, '') : undefined;
}

/** A node's compatible strings (empty when it has none). */
export function compatiblesOf(node: Node): string[] {
  const prop = node.property('compatible');
  if (!prop || prop.value.length === 0) return [];
  return stringList(prop.value.bytes);
}
