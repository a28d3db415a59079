/**
 * Every finding has a name, and every name can be re-graded or turned off
 * (`--rule NAME=SEVERITY`, a configuration's `rules`): the vmgenid checks,
 * the schema's `schema_*` findings, dtc's checks (turned below error, the
 * input is no longer one dtc refuses, as with `dtc -f`), `no_vmgenid_node`
 * and the suppression reports. What stops an input from being read or
 * compiled at all (a syntax error, a damaged blob) is no finding and has no
 * rule.
 */
import type { Diagnostic, Severity } from './source/diagnostic.js';
import { CHECKS, type RuleSetting } from './checks/index.js';

/** dtc's checks the compiler runs; an error from one of them makes dtc refuse the input. */
export const DTC_CHECK_NAMES: readonly string[] = [
  'duplicate_node_names',
  'duplicate_property_names',
  'node_name_chars',
  'node_name_format',
  'property_name_chars',
  'name_is_string',
  'name_properties',
  'explicit_phandles',
  'phandle_references',
  'path_references',
  'duplicate_label',
];

/** The run's own findings that are not checks of the table. */
export const OTHER_FINDING_NAMES: readonly string[] = ['no_vmgenid_node', 'unused_suppression', 'unknown_suppression'];

const SCHEMA_NAME = /^schema_[A-Za-z0-9_]+$/;

const KNOWN: ReadonlySet<string> = new Set([...CHECKS.map((c) => c.name), ...DTC_CHECK_NAMES, ...OTHER_FINDING_NAMES]);

/** Whether `name` names findings a rule can reach. */
export function isRuleName(name: string): boolean {
  return KNOWN.has(name) || SCHEMA_NAME.test(name);
}

/** Whether a finding is dtc's refusal of the input (an error from one of its checks). */
export function isDtcRefusal(d: Diagnostic): boolean {
  return d.severity === 'error' && DTC_CHECK_NAMES.includes(d.check);
}

/**
 * Findings with their rules applied: re-graded, or gone when `off`. Names the
 * caller has applied already (the vmgenid checks, graded as they run) are
 * left as they are.
 */
export function applyRules(diagnostics: readonly Diagnostic[], rules: Readonly<Record<string, RuleSetting>>, applied: ReadonlySet<string> = new Set()): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const setting = applied.has(d.check) ? undefined : rules[d.check];
    if (setting === 'off') continue;
    out.push(setting === undefined ? d : { ...d, severity: setting as Severity });
  }
  return out;
}
