/**
 * How many findings a report prints. An input can make findings by the
 * thousand (every node of a generated board, each naming a long path): a
 * report prints at most MAX_FINDINGS_PER_FILE of a file and
 * MAX_FINDINGS_PER_RUN in all, and says how many it left out. Only the
 * printing is capped: the summary's counts, `-q`, `--max-warnings` and the
 * exit code see every finding, so the cap never changes a verdict.
 *
 * Where a file has more than can be shown, errors are shown before warnings
 * and warnings before notes (a failing run always shows a reason), each
 * kept in its place in the file.
 *
 * The linter keeps no more of a file's findings than a report could print
 * (`keepFindings`), and counts the rest by severity (`dropped`): a run over
 * many inputs, each with findings by the ten thousand, holds a bounded
 * number of findings per file, not all of them.
 */
import type { Diagnostic, Severity } from '../source/diagnostic.js';
import type { FileReport } from './text.js';

/** Findings a report prints for one file. */
export const MAX_FINDINGS_PER_FILE = 1000;
/** Findings a report prints for a run. */
export const MAX_FINDINGS_PER_RUN = 10_000;

export interface CapLimits {
  perFile: number;
  perRun: number;
}

export const DEFAULT_CAP: CapLimits = { perFile: MAX_FINDINGS_PER_FILE, perRun: MAX_FINDINGS_PER_RUN };

/** A file's report as printed: the findings shown, and how many were left out. */
export interface ShownReport extends FileReport {
  omitted: number;
}

export interface CappedReports {
  reports: ShownReport[];
  /** Findings left out in all. */
  omitted: number;
}

export type SeverityCounts = Record<Severity, number>;

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

function total(counts: SeverityCounts | undefined): number {
  return counts ? counts.error + counts.warning + counts.note : 0;
}

/** The `count` findings to show of a file's, by severity first, in the file's order. */
function pick(diagnostics: readonly Diagnostic[], count: number): Diagnostic[] {
  if (count >= diagnostics.length) return [...diagnostics];
  if (count <= 0) return [];
  const chosen = diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => RANK[a.d.severity] - RANK[b.d.severity] || a.i - b.i)
    .slice(0, count)
    .sort((a, b) => a.i - b.i);
  return chosen.map((x) => x.d);
}

/**
 * The findings of a file the linter keeps (at most `max`, chosen as a report
 * chooses them), and the rest counted by severity; undefined when none were dropped.
 */
export function keepFindings(diagnostics: Diagnostic[], max: number = MAX_FINDINGS_PER_FILE): { kept: Diagnostic[]; dropped?: SeverityCounts } {
  if (diagnostics.length <= max) return { kept: diagnostics };
  const kept = pick(diagnostics, max);
  const dropped: SeverityCounts = { error: 0, warning: 0, note: 0 };
  for (const d of diagnostics) dropped[d.severity]++;
  for (const d of kept) dropped[d.severity]--;
  return { kept, dropped };
}

export function capFindings(reports: readonly FileReport[], limits: CapLimits = DEFAULT_CAP): CappedReports {
  let budget = limits.perRun;
  let omitted = 0;
  const out = reports.map((r): ShownReport => {
    const shown = pick(r.diagnostics, Math.min(limits.perFile, budget));
    budget -= shown.length;
    const left = r.diagnostics.length + total(r.dropped) - shown.length;
    omitted += left;
    return { ...r, diagnostics: shown, omitted: left };
  });
  return { reports: out, omitted };
}

function findings(n: number): string {
  return `${n} finding${n === 1 ? '' : 's'}`;
}

/** The note for a file some of whose findings are not printed. */
export function omittedInFile(n: number, limits: CapLimits = DEFAULT_CAP): string {
  return `${findings(n)} more in this file not shown (a report shows at most ${limits.perFile} per file and ${limits.perRun} per run)`;
}

/** The run's closing note when findings were left out. */
export function omittedInRun(n: number, limits: CapLimits = DEFAULT_CAP): string {
  return `${findings(n)} not shown in all (a report shows at most ${limits.perFile} per file and ${limits.perRun} per run); the counts and the exit code include them`;
}

/** Errors, warnings and notes in the reports: those kept and those the linter only counted. */
export function severityCounts(reports: readonly FileReport[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, note: 0 };
  for (const r of reports) {
    for (const d of r.diagnostics) counts[d.severity]++;
    if (r.dropped) for (const s of ['error', 'warning', 'note'] as const) counts[s] += r.dropped[s];
  }
  return counts;
}

/** Only the errors of a report (`-q`): its findings and its dropped count alike. */
export function errorsOnly(r: FileReport): FileReport {
  const out: FileReport = { ...r, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') };
  if (r.dropped) out.dropped = { error: r.dropped.error, warning: 0, note: 0 };
  return out;
}
