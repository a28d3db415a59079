/**
 * What a reviewer of a binding finds that dt-doc-validate does not (v3 of the
 * vmgenid binding passed it with no error while its reviewers found these):
 * a file name that is not the compatible, a vendor prefix that names no
 * vendor, `#interrupt-cells`/`interrupt-map` on a device that neither
 * controls nor routes interrupts, and examples that spell interrupt
 * specifiers as bare numbers where `dt-bindings` headers have names.
 * All are warnings at the binding's line.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Diagnostic } from '../source/diagnostic.js';
import { compatiblesOf } from './fixups.js';
import type { LoadedBinding } from './load.js';
import type { WrappedExample } from './examples.js';
import { quote } from '../source/quote.js';

export interface VendorPrefixes {
  known: ReadonlySet<string>;
  /** Prefix → why it names no vendor. */
  discouraged: ReadonlyMap<string, string>;
}

/** The vendor prefix list shipped in data/vendor-prefixes.json. */
export function loadVendorPrefixes(): VendorPrefixes {
  const url = new URL('../../../data/vendor-prefixes.json', import.meta.url);
  const data = JSON.parse(readFileSync(url, 'utf8')) as { known: string[]; discouraged: Record<string, string> };
  return { known: new Set(data.known), discouraged: new Map(Object.entries(data.discouraged)) };
}

function warning(binding: LoadedBinding, check: string, message: string, pointer: string): Diagnostic {
  return { severity: 'warning', check, message, span: binding.spanAt(pointer) };
}

function properties(binding: LoadedBinding): Record<string, unknown> {
  const props = (binding.json as { properties?: unknown })?.properties;
  return props && typeof props === 'object' ? (props as Record<string, unknown>) : {};
}

/** Literal compatible strings (patterns left out). */
function literalCompatibles(binding: LoadedBinding): string[] {
  const compatible = properties(binding)['compatible'];
  return compatible === undefined ? [] : compatiblesOf(compatible).filter((c) => /^[a-zA-Z0-9,._+-]+$/.test(c));
}

function fileNameFindings(binding: LoadedBinding): Diagnostic[] {
  const compatibles = literalCompatibles(binding);
  if (compatibles.length === 0) return [];
  const name = basename(binding.path).replace(/\.ya?ml$/, '');
  if (compatibles.includes(name)) return [];
  const wanted = compatibles[0]!;
  return [
    warning(
      binding,
      'binding_filename',
      `the file name ${quote(basename(binding.path))} does not match the compatible ${quote(wanted)}: a binding is named after its compatible ('${wanted}.yaml')`,
      '/$id',
    ),
  ];
}

function vendorFindings(binding: LoadedBinding, vendors: VendorPrefixes): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const compatible of literalCompatibles(binding)) {
    const comma = compatible.indexOf(',');
    if (comma < 0) continue;
    const prefix = compatible.slice(0, comma);
    const why = vendors.discouraged.get(prefix);
    if (why) out.push(warning(binding, 'binding_vendor_prefix', `${quote(compatible)}: vendor prefix ${quote(prefix)} is discouraged: ${why}`, '/properties/compatible'));
    else if (!vendors.known.has(prefix)) {
      out.push(warning(binding, 'binding_vendor_prefix', `${quote(compatible)}: ${quote(prefix)} is not a known vendor prefix (see data/vendor-prefixes.json; new vendors are added to the kernel's vendor-prefixes.yaml)`, '/properties/compatible'));
    }
  }
  return out;
}

/** Child node definitions mean the device may be a nexus routing its children's interrupts. */
function hasChildNodes(binding: LoadedBinding): boolean {
  const json = (binding.json ?? {}) as { patternProperties?: unknown; properties?: unknown };
  const isNodeSchema = (v: unknown) => Boolean(v && typeof v === 'object' && ((v as { type?: unknown }).type === 'object' || 'properties' in (v as object)));
  return [json.patternProperties, json.properties].some((group) => group && typeof group === 'object' && Object.values(group as object).some(isNodeSchema));
}

function interruptProviderFindings(binding: LoadedBinding): Diagnostic[] {
  const props = properties(binding);
  if ('interrupt-controller' in props || hasChildNodes(binding)) return [];
  return ['#interrupt-cells', 'interrupt-map']
    .filter((name) => name in props)
    .map((name) =>
      warning(
        binding,
        'binding_interrupt_provider',
        `${quote(name)} belongs to an interrupt controller or an interrupt nexus, and this device is neither: it only raises an interrupt ('interrupts'); drop ${quote(name)}`,
        `/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      ),
    );
}

const IRQ_TYPES: Record<number, string> = { 0: 'IRQ_TYPE_NONE', 1: 'IRQ_TYPE_EDGE_RISING', 2: 'IRQ_TYPE_EDGE_FALLING', 3: 'IRQ_TYPE_EDGE_BOTH', 4: 'IRQ_TYPE_LEVEL_HIGH', 8: 'IRQ_TYPE_LEVEL_LOW' };
const GIC_TYPES: Record<number, string> = { 0: 'GIC_SPI', 1: 'GIC_PPI' };

function numberOf(word: string): number | null {
  return /^(0[xX][0-9a-fA-F]+|\d+)$/.test(word) ? Number(word) : null;
}

/** The named form of a three-cell GIC specifier, when every cell has a name. */
function namedGicSpecifier(words: readonly string[]): string | null {
  const values = words.map(numberOf);
  if (values.length !== 3 || values.some((v) => v === null)) return null;
  const [kind, irq, flags] = values as number[];
  if (GIC_TYPES[kind!] === undefined || IRQ_TYPES[flags!] === undefined) return null;
  return `<${GIC_TYPES[kind!]} ${irq} ${IRQ_TYPES[flags!]}>`;
}

function bareNumberFindings(binding: LoadedBinding, examples: readonly WrappedExample[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ex of examples) {
    const lines = ex.text.split('\n');
    lines.forEach((line, i) => {
      const m = /\binterrupts\s*=\s*<([^>]*)>/.exec(line);
      if (!m) return;
      const words = m[1]!.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0 || words.some((w) => numberOf(w) === null)) return;
      const named = namedGicSpecifier(words);
      const hint = named
        ? `write ${named} with #include <dt-bindings/interrupt-controller/arm-gic.h>`
        : 'use the names from the interrupt controller\'s dt-bindings header (for a GIC, GIC_SPI/GIC_PPI and IRQ_TYPE_* from <dt-bindings/interrupt-controller/arm-gic.h>)';
      const fileLine = ex.firstLine + i;
      const col = ex.indent + line.indexOf('interrupts') + 1;
      out.push({
        severity: 'warning',
        check: 'binding_example_bare_numbers',
        message: `example ${ex.index}: the interrupt specifier <${words.join(' ')}> is bare numbers: ${hint}`,
        span: { file: binding.path, line: fileLine, col, endLine: fileLine, endCol: col + m[0].trimStart().length },
      });
    });
  }
  return out;
}

/** Every review finding for a binding, in file order. */
export function reviewBinding(binding: LoadedBinding, examples: readonly WrappedExample[], vendors: VendorPrefixes = loadVendorPrefixes()): Diagnostic[] {
  return [...fileNameFindings(binding), ...vendorFindings(binding, vendors), ...interruptProviderFindings(binding), ...bareNumberFindings(binding, examples)].sort(
    (a, b) => (a.span?.line ?? 0) - (b.span?.line ?? 0),
  );
}
