/**
 * Finding `#include` files the way gcc does: `"name"` first in the including
 * file's directory, then in each -I directory; `<name>` only in the -I
 * directories. Paths are joined as gcc joins them (`dir/name`, no
 * normalisation), because that is the name the line markers carry.
 */
import { isNotFound, type FileHost } from '../source/host.js';

export interface FoundFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** Index of the -I directory it was found in (-1: the includer's directory), for `#include_next`. */
  readonly dirIndex: number;
}

export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : i === 0 ? '/' : path.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The folders findInclude looks in, in order, for the message when it finds nothing. */
export function searchedFolders(name: string, angled: boolean, includer: string, includeDirs: readonly string[], startDir = 0): string[] {
  if (name.startsWith('/')) return [];
  const dirs = !angled && startDir === 0 ? [dirnameOf(includer) || '.'] : [];
  for (let i = startDir; i < includeDirs.length; i++) dirs.push(includeDirs[i]!);
  return dirs;
}

/**
 * Search for an include file: null when it is nowhere, the first reason
 * that is more than "not there" (a file refused, too large, unreadable)
 * when no candidate could be read.
 */
export function findInclude(
  host: FileHost,
  name: string,
  angled: boolean,
  includer: string,
  includeDirs: readonly string[],
  startDir = 0,
): FoundFile | { error: string } | null {
  const candidates: Array<[string, number]> = [];
  if (name.startsWith('/')) candidates.push([name, -1]);
  else {
    if (!angled && startDir === 0) candidates.push([joinPath(dirnameOf(includer), name), -1]);
    for (let i = startDir; i < includeDirs.length; i++) candidates.push([joinPath(includeDirs[i]!.replace(/\/+$/, '') || '/', name), i]);
  }
  let refused: string | null = null;
  for (const [path, dirIndex] of candidates) {
    const bytes = host.readBytes(path);
    if (bytes instanceof Uint8Array) return { path, bytes, dirIndex };
    refused ??= isNotFound(bytes.error) ? null : bytes.error;
  }
  return refused === null ? null : { error: refused };
}
