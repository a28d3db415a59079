/**
 * Developer tool: load every binding of a folder through our loader and
 * fix-ups, and compare each with what dt-schema made of it (`dt-mk-schema -j
 * FOLDER`, a JSON object keyed by `$id`).
 *
 *   npm run build && node dist/scripts/compare-fixups.js BINDINGS processed.json [--show N] [--id SUBSTRING]
 *
 * For each binding it prints nothing when the two mean the same, else the
 * first differing JSON pointer with both values; a summary at the end counts
 * matches, differences, bindings we skip (a YAML error, or refused by
 * schema/accept.ts) that dt-schema keeps, and the reverse.
 *
 * Normalizations, each purely representational:
 * - key order is ignored (objects compare as sets of keys);
 * - dt-mk-schema adds `$filename` (an absolute path) to every schema: dropped;
 * - Python's JSON writes a YAML float such as `1.0` as `1.0` and JSON.parse
 *   reads it back as the number 1, the same as ours: nothing to do;
 * - our load-time rewrites of Python-only regular expressions (`{,2}` →
 *   `{0,2}`, schema/python-regex.ts) are applied to dt-schema's side too, so
 *   the comparison sees what Ajv gets.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixupBinding } from '../src/schema/fixups.js';
import { loadBinding } from '../src/schema/load.js';
import { nodeSchemaHost } from '../src/schema/host.js';
import { nodeFileHost } from '../src/source/host.js';
import { refusalOf } from '../src/schema/accept.js';
import { isObject } from '../src/schema/json-pointer.js';
import { normalizeForAjv } from '../src/schema/python-compat.js';

/** The first place two JSON values differ, as a JSON pointer; null when they are equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (a === b) return null;
  if (typeof a === 'number' && typeof b === 'number') return a === b ? null : at || '/';
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}/length(${a.length} vs ${b.length})`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}/${i}`);
      if (d) return d;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (!(k in a) || !(k in b)) return `${at}/${k}(${k in a ? 'only ours' : 'only dt-schema'})`;
      const d = firstDifference(a[k], b[k], `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (d) return d;
    }
    return null;
  }
  return at || '/';
}

function valueAt(v: unknown, pointer: string): unknown {
  let cur = v;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/\(.*$/, '').replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function main(argv: string[]): number {
  const args = argv.filter((a) => !a.startsWith('--'));
  const showIdx = argv.indexOf('--show');
  const show = showIdx >= 0 ? Number(argv[showIdx + 1]) : 40;
  const idIdx = argv.indexOf('--id');
  const only = idIdx >= 0 ? argv[idIdx + 1] : undefined;
  const [dir, processedPath] = [args[0], args[1]].map((p) => (p ? resolve(p) : p));
  if (!dir || !processedPath) {
    process.stderr.write('usage: compare-fixups BINDINGS processed.json [--show N] [--id SUBSTRING]\n');
    return 2;
  }
  const processed = JSON.parse(readFileSync(processedPath, 'utf8')) as Record<string, Record<string, unknown>>;
  const host = nodeSchemaHost(nodeFileHost);
  const listed = host.listYaml!(dir);
  if (!Array.isArray(listed)) {
    process.stderr.write(`compare-fixups: ${listed.error}\n`);
    return 2;
  }
  const files = listed;
  let same = 0;
  let shown = 0;
  const differ: string[] = [];
  const weSkip: string[] = [];
  const theySkip: string[] = [];
  for (const file of files) {
    if (only && !file.includes(only)) continue;
    const loaded = loadBinding(file, host);
    const raw = loaded.json;
    const id = isObject(raw) && typeof raw.$id === 'string' ? raw.$id : undefined;
    const theirs = id ? processed[id] : undefined;
    if (loaded.diagnostics.length > 0 || !id) {
      weSkip.push(`${file}: ${loaded.diagnostics.map((d) => d.message).join('; ') || 'no $id'}`);
      continue;
    }
    const refusal = refusalOf(raw);
    if (refusal) {
      weSkip.push(`${file}: ${refusal.pointer}: ${refusal.reason}`);
      continue;
    }
    if (!theirs) {
      theySkip.push(file);
      continue;
    }
    const ours = normalizeForAjv(fixupBinding(raw)).schema;
    const expected = normalizeForAjv({ ...theirs }).schema as Record<string, unknown>;
    delete expected.$filename;
    const d = firstDifference(ours, expected);
    if (d === null) {
      same++;
      continue;
    }
    differ.push(file);
    if (shown++ < show) {
      const p = d.replace(/\(.*\)$/, '');
      process.stdout.write(`${file.slice(dir.length + 1)}: ${d}\n  ours:      ${JSON.stringify(valueAt(ours, p))?.slice(0, 300)}\n  dt-schema: ${JSON.stringify(valueAt(expected, p))?.slice(0, 300)}\n`);
    }
  }
  for (const s of weSkip) process.stdout.write(`we skip: ${s}\n`);
  for (const s of theySkip) process.stdout.write(`dt-schema skips: ${s}\n`);
  process.stdout.write(`${same} same, ${differ.length} differ, ${weSkip.length} skipped by us, ${theySkip.length} absent from ${processedPath}\n`);
  return differ.length + weSkip.length + theySkip.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
