/**
 * The ARM GIC's interrupt specifier, as the arm,gic and arm,gic-v3 bindings
 * define it: cell 0 the type, cell 1 the number within the type, cell 2 the
 * flags (bits 3:0 the trigger, bits 15:8 a PPI's CPU mask). Shared by the
 * two GIC checks, which differ only in severity.
 */
import type { Node } from '../tree/node.js';
import { type CellRange } from './context.js';
import { type InterruptSpecifier } from '../tree/interrupts.js';
import { compatiblesOf } from '../tree/values.js';

/** GICv1/v2 implementations (arm,gic.yaml). */
const GIC_V2_COMPATIBLES: ReadonlySet<string> = new Set([
  'arm,arm11mp-gic',
  'arm,arm1176jzf-devchip-gic',
  'arm,cortex-a15-gic',
  'arm,cortex-a5-gic',
  'arm,cortex-a7-gic',
  'arm,cortex-a9-gic',
  'arm,eb11mp-gic',
  'arm,gic-400',
  'arm,pl390',
  'arm,tc11mp-gic',
  'nvidia,tegra210-agic',
  'qcom,msm-8660-qgic',
  'qcom,msm-qgic2',
]);
/** GICv3/v4 (arm,gic-v3.yaml; vendor variants list arm,gic-v3 as the fallback). */
const GIC_V3_COMPATIBLES: ReadonlySet<string> = new Set(['arm,gic-v3']);

export const GIC_SPI = 0;
export const GIC_PPI = 1;
/** GICv3 only: the extended SPI and PPI ranges. */
export const GIC_ESPI = 2;
export const GIC_EPPI = 3;

export const GIC_MAX_SPI = 987;
export const GIC_MAX_PPI = 15;
export const GIC_MAX_ESPI = 1023;
export const GIC_MAX_EPPI = 127;

export const IRQ_TYPE_EDGE_RISING = 1;
export const IRQ_TYPE_EDGE_FALLING = 2;
export const IRQ_TYPE_LEVEL_HIGH = 4;
export const IRQ_TYPE_LEVEL_LOW = 8;
const IRQ_TYPE_SENSE_MASK = 0xf;

const TRIGGER_NAMES: Record<number, string> = {
  0: 'none (0)',
  1: 'edge-rising (1)',
  2: 'edge-falling (2)',
  3: 'edge-both (3)',
  4: 'level-high (4)',
  8: 'level-low (8)',
};

export function triggerName(trigger: number): string {
  return TRIGGER_NAMES[trigger] ?? `${trigger}`;
}

export type GicVersion = 2 | 3;

/** The GIC architecture of a controller node, or null when it is not a GIC we know. */
export function gicVersion(node: Node): GicVersion | null {
  const compatibles = compatiblesOf(node);
  if (compatibles.some((c) => GIC_V3_COMPATIBLES.has(c))) return 3;
  if (compatibles.some((c) => GIC_V2_COMPATIBLES.has(c))) return 2;
  return null;
}

interface TypeRule {
  name: string;
  max: number;
  /** Triggers the GIC accepts for this type (SPIs: edge-rising or level-high only). */
  triggers: readonly number[];
}

const SPI_TRIGGERS = [IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH];
const PPI_TRIGGERS = [IRQ_TYPE_EDGE_RISING, IRQ_TYPE_EDGE_FALLING, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW];

function typeRule(version: GicVersion, type: number): TypeRule | null {
  switch (type) {
    case GIC_SPI:
      return { name: 'SPI', max: GIC_MAX_SPI, triggers: SPI_TRIGGERS };
    case GIC_PPI:
      return { name: 'PPI', max: GIC_MAX_PPI, triggers: PPI_TRIGGERS };
    case GIC_ESPI:
      return version === 3 ? { name: 'extended SPI', max: GIC_MAX_ESPI, triggers: SPI_TRIGGERS } : null;
    case GIC_EPPI:
      return version === 3 ? { name: 'extended PPI', max: GIC_MAX_EPPI, triggers: PPI_TRIGGERS } : null;
    default:
      return null;
  }
}

/** Which cell of a GIC specifier a finding is about: 0 the type, 1 the number, 2 the flags. */
export type GicCell = 0 | 1 | 2;
export const GIC_TYPE_CELL: GicCell = 0;
export const GIC_NUMBER_CELL: GicCell = 1;
export const GIC_FLAGS_CELL: GicCell = 2;

/** One thing wrong with a GIC specifier, and the cell it is about. */
export interface GicFinding {
  message: string;
  cell: GicCell;
}

export interface GicVerdict {
  /** Why the specifier is invalid (empty when valid). */
  errors: GicFinding[];
  /** Set when valid but the trigger is not edge-rising (about the flags cell). */
  notEdgeRising: GicFinding | null;
}

/**
 * The cells of the node's property a finding about cell `cell` of the GIC
 * specifier should point at: that one cell when the specifier was written
 * for the GIC itself; the whole specifier when it went through an
 * interrupt-map nexus, since the wrong cell is then in the nexus's map, not
 * in this property.
 */
export function gicCellRange(spec: InterruptSpecifier, cell: GicCell): CellRange {
  const direct = spec.target !== undefined && spec.target.controller === spec.controller && cell < spec.cells.length;
  return direct ? { first: spec.firstCell + cell, count: 1 } : { first: spec.firstCell, count: spec.cells.length };
}

/**
 * Judge one specifier sent to a GIC. Specifiers of the wrong length are left
 * to the cell-count check, and a controller that is not a GIC gives null.
 */
export function judgeGicSpecifier(spec: InterruptSpecifier): GicVerdict | null {
  // Judge where the interrupt lands: through a nexus, that is the map's parent specifier.
  const target = spec.target;
  if (!target) return null;
  const version = gicVersion(target.controller);
  if (!version || target.cells.length < 3) return null;
  const controllerPath = target.controller.path;
  const [type, number, flags] = target.cells as [number, number, number];
  const verdict: GicVerdict = { errors: [], notEdgeRising: null };
  const rule = typeRule(version, type);
  if (!rule) {
    const allowed = version === 3 ? '0 (SPI), 1 (PPI), 2 (extended SPI) or 3 (extended PPI)' : '0 (SPI) or 1 (PPI)';
    verdict.errors.push({ message: `interrupt type (cell 1) is ${type}, but ${controllerPath} accepts ${allowed}`, cell: GIC_TYPE_CELL });
    return verdict;
  }
  if (number > rule.max) {
    verdict.errors.push({ message: `${rule.name} number ${number} is out of range (${rule.name}s are 0-${rule.max})`, cell: GIC_NUMBER_CELL });
  }
  const trigger = flags & IRQ_TYPE_SENSE_MASK;
  if (!rule.triggers.includes(trigger)) {
    verdict.errors.push({
      message: `trigger ${triggerName(trigger)} is not valid for a GIC ${rule.name} (allowed: ${rule.triggers.map(triggerName).join(', ')})`,
      cell: GIC_FLAGS_CELL,
    });
  } else if (trigger !== IRQ_TYPE_EDGE_RISING) {
    verdict.notEdgeRising = { message: `${rule.name} ${number} is ${triggerName(trigger)}`, cell: GIC_FLAGS_CELL };
  }
  return verdict;
}
