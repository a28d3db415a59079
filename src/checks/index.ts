/**
 * The table of vmgenid checks, in the order they run and report (like dtc's
 * checks.c table): reg first, then interrupts, then the whole-tree and
 * naming checks. A check's name is stable: users turn it off or change its
 * severity by name.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import type { DeviceTree } from '../tree/node.js';
import { createContext, type Check, type RuleSetting } from './context.js';
import { regFormat } from './reg-format.js';
import { regEntriesCheck } from './reg-entries.js';
import { regAlignment } from './reg-alignment.js';
import { regSize } from './reg-size.js';
import { regOverflow } from './reg-overflow.js';
import { addressTranslation } from './address-translation.js';
import { memoryOverlap, memoryPageSize } from './memory-overlap.js';
import { pageStraddle } from './page-straddle.js';
import { avoidDefaultAddrSize } from './default-cells.js';
import { unitAddressVsReg } from './unit-address-vs-reg.js';
import { interruptParentCheck } from './interrupt-parent.js';
import { interruptCells } from './interrupt-cells.js';
import { interruptCount } from './interrupt-count.js';
import { gicSpecifier } from './gic-specifier.js';
import { gicTrigger } from './gic-trigger.js';
import { multipleDevices } from './multiple-devices.js';
import { draftBinding } from './draft-binding.js';
import { nodeName } from './node-name.js';
import { disabled } from './disabled.js';
import { overlayFragment } from './overlay-fragment.js';
import { compatibleTypo } from './compatible-typo.js';
import { missingCompatible } from './missing-compatible.js';
import { noDevice, parentBus } from './platform-device.js';
import { interruptDetour } from './interrupt-detour.js';

export type { Check, CheckContext, RuleSetting } from './context.js';

export const CHECKS: readonly Check[] = [
  compatibleTypo,
  missingCompatible,
  noDevice,
  parentBus,
  regFormat,
  regEntriesCheck,
  regAlignment,
  regSize,
  regOverflow,
  addressTranslation,
  memoryOverlap,
  memoryPageSize,
  pageStraddle,
  avoidDefaultAddrSize,
  unitAddressVsReg,
  interruptParentCheck,
  interruptDetour,
  interruptCells,
  interruptCount,
  gicSpecifier,
  gicTrigger,
  multipleDevices,
  draftBinding,
  nodeName,
  disabled,
  overlayFragment,
];

const BY_NAME: ReadonlyMap<string, Check> = new Map(CHECKS.map((c) => [c.name, c]));

/** A check by its name, for `--rule` validation and `list-checks`. */
export function findCheck(name: string): Check | undefined {
  return BY_NAME.get(name);
}

export const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'note', 'off'];

export interface RunChecksOptions {
  /** Per-check severity, or 'off'; names not in the table are ignored (validate them with findCheck). */
  severities?: Record<string, RuleSetting>;
}

/**
 * Run every check that is not off on the tree, in table order; each
 * finding carries its check's effective severity.
 */
export function runChecks(tree: DeviceTree, options: RunChecksOptions = {}): Diagnostic[] {
  const ctx = createContext(tree);
  const out: Diagnostic[] = [];
  for (const check of CHECKS) {
    const setting = options.severities?.[check.name] ?? check.severity;
    if (setting === 'off') continue;
    const severity: Severity = setting;
    for (const d of check.run(ctx)) out.push({ ...d, severity });
  }
  return out;
}
