import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../source/diagnostic.js';
import type { FileHost } from '../source/host.js';
import type { Span } from '../source/span.js';
import { isObject, joinPointer, splitPointer } from './json-pointer.js';

/**
 * How deep a binding's mappings and lists may nest. Real bindings stay
 * under 20 (dt-schema's own deepest is 12); every walk over a schema (the
 * fix-ups, the meta-check, Ajv's compiler) recurses once per level, so a
 * hostile file thousands of levels deep would otherwise end in a stack
 * overflow somewhere past this point.
 */
export const SCHEMA_MAX_DEPTH = 64;

/** A 1-based position in a binding file. */
export interface Position {
  line: number;
  col: number;
}

/** A binding (or core/meta schema) file as read from disk. */
export interface LoadedBinding {
  /** The `$id` it declares, or undefined when it has none (or did not parse). */
  id: string | undefined;
  path: string;
  /** The document as plain JSON; undefined when the YAML could not be parsed. */
  json: unknown;
  /** Where a JSON pointer (`/properties/reg/maxItems`) points in the file. */
  locate: (pointer: string) => Position;
  /** The same as a span, for diagnostics. */
  spanAt: (pointer: string) => Span;
  diagnostics: Diagnostic[];
  /** Quoted strings that need no quotes (list entries and `const` values), as dt-doc-validate notes. */
  needlessQuotes: { pointer: string; value: string }[];
}

/**
 * Offset of the thing a pointer names. A map entry is reported at its key
 * (that is where an editor should jump for "maxItems: not allowed"); a list
 * entry at the entry. A pointer that runs off the document stops at the
 * deepest node it reached.
 */
function offsetOf(root: YamlNode | null | undefined, parts: string[]): number {
  let node: unknown = root;
  let offset = (root as YamlNode | null)?.range?.[0] ?? 0;
  for (const part of parts) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === part);
      if (!pair) break;
      const key = pair.key as YamlNode;
      offset = key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as YamlNode | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** Parse binding text. Never throws: YAML problems come back as diagnostics. */
export function parseBinding(path: string, text: string): LoadedBinding {
  let lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  let doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (let round = 0; doc.errors.length > 0 && round < MAX_REPAIR_ROUNDS; round++) {
    const repaired = repairFlowDashes(text, doc.errors.map((e) => e.pos[0]));
    if (repaired === text) break;
    text = repaired;
    lineCounter = new LineCounter();
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  }
  const posOf = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  for (const e of doc.errors) {
    const p = posOf(e.pos[0]);
    diagnostics.push({
      severity: 'error',
      check: 'binding_yaml',
      message: isStackOverflow(e) ? `YAML nested too deeply to read (a binding nests at most ${SCHEMA_MAX_DEPTH} levels)` : `YAML syntax error: ${firstLine(e.message)}`,
      span: { file: path, line: p.line, col: p.col, endLine: p.line, endCol: p.col + 1 },
    });
  }
  let json: unknown;
  if (doc.errors.length === 0) {
    try {
      json = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      diagnostics.push({
        severity: 'error',
        check: 'binding_yaml',
        message: isStackOverflow(err) ? `YAML nested too deeply to read (a binding nests at most ${SCHEMA_MAX_DEPTH} levels)` : `YAML error: ${firstLine((err as Error).message)}`,
        span: { file: path, line: 1, col: 1, endLine: 1, endCol: 1 },
      });
    }
  }
  const root = doc.contents as YamlNode | null;
  const locate = (pointer: string): Position => posOf(offsetOf(root, splitPointer(pointer)));
  const spanAt = (pointer: string): Span => {
    const p = locate(pointer);
    return { file: path, line: p.line, col: p.col, endLine: p.line, endCol: p.col + 1 };
  };
  const tooDeep = json === undefined ? null : pointerPastDepth(json, SCHEMA_MAX_DEPTH);
  if (tooDeep !== null) {
    diagnostics.push({
      severity: 'error',
      check: 'binding_yaml',
      message: `nested more than ${SCHEMA_MAX_DEPTH} levels deep (at ${tooDeep}); a binding needs far fewer`,
      span: spanAt(tooDeep),
    });
    json = undefined;
  }
  const id = isObject(json) && typeof json.$id === 'string' ? json.$id : undefined;
  const needlessQuotes: { pointer: string; value: string }[] = [];
  if (doc.errors.length === 0 && json !== undefined) findNeedlessQuotes(root, [], needlessQuotes);
  return { id, path, json, locate, spanAt, diagnostics, needlessQuotes };
}

/** How many times a file is repaired and read again (each round repairs every spot the last one reported). */
const MAX_REPAIR_ROUNDS = 8;

/**
 * dt-schema reads bindings with libyaml (ruamel's `safe` loader), which
 * takes a `-` directly followed by `,`, `]`, `}` or `:` inside a flow
 * collection as the plain scalar "-" (`enum: [ a, b, -, ]`); YAML 1.2, and so
 * the `yaml` package, refuses it (a plain scalar may not start with `-`
 * followed by a flow indicator). Where the parser reported an error at such
 * a dash, it is quoted (`"-"`) and the text read again; everything else is
 * left as it is, so what libyaml refuses stays refused. Columns after a
 * repaired dash on its line move right by two.
 */
export function repairFlowDashes(text: string, errorOffsets: readonly number[]): string {
  const spots = [...new Set(errorOffsets)]
    .filter((o) => text[o] === '-' && ',]}:'.includes(text[o + 1] ?? '') && /[\s,[{]/.test(text[o - 1] ?? ' '))
    .sort((a, b) => b - a);
  let out = text;
  for (const o of spots) out = `${out.slice(0, o)}"-"${out.slice(o + 1)}`;
  return out;
}

/** Read and parse a binding through the host; unreadable files become diagnostics. */
export function loadBinding(path: string, host: FileHost): LoadedBinding {
  const bytes = host.readBytes(path);
  if (!(bytes instanceof Uint8Array)) {
    const b = parseBinding(path, '');
    b.json = undefined;
    b.needlessQuotes = [];
    b.diagnostics = [
      { severity: 'error', check: 'binding_read', message: `cannot read ${path}: ${bytes.error}` },
    ];
    return b;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return parseBinding(path, text);
}

/**
 * dt-doc-validate's style note: a quoted `const` value or list entry that
 * would read the same unquoted. Strings starting with '#', '/' or '"' keep
 * their quotes, and so do strings with ',' in a flow collection.
 */
function findNeedlessQuotes(node: unknown, at: string[], out: { pointer: string; value: string }[]): void {
  const check = (v: unknown, inFlow: boolean, pointer: string[]): void => {
    if (!isScalar(v) || (v.type !== 'QUOTE_SINGLE' && v.type !== 'QUOTE_DOUBLE') || typeof v.value !== 'string') return;
    const s = v.value;
    if (s === '' || '#/"'.includes(s[0]!)) return;
    if (inFlow && s.includes(',')) return;
    out.push({ pointer: joinPointer(pointer), value: s });
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (key === 'const') check(pair.value, !!node.flow, [...at, key]);
      findNeedlessQuotes(pair.value, [...at, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      check(item, !!node.flow, [...at, String(i)]);
      findNeedlessQuotes(item, [...at, String(i)], out);
    });
  }
}

/** The first value nested deeper than `limit` levels, as a JSON pointer; null when there is none. Iterative: the value may be very deep. */
export function pointerPastDepth(json: unknown, limit: number): string | null {
  const todo: [unknown, (string | number)[]][] = [[json, []]];
  while (todo.length > 0) {
    const [v, at] = todo.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (at.length > limit) return joinPointer(at);
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) if (typeof x === 'object' && x !== null) todo.push([x, [...at, k]]);
  }
  return null;
}

/** JavaScript's "Maximum call stack size exceeded", from the YAML parser on a deeply nested file: reported as what it is. */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError || /call stack/i.test(String((err as Error | undefined)?.message ?? ''));
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
