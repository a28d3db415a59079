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
