/**
 * Findings a code-scanning report says once per run, not once per file: "this
 * board has no vmgenid node" on every board of a firmware repository is one
 * alert per file, all noise. As a note (its default) it is gathered into one
 * line for the run; a rule that raises it keeps it per file.
 */
import type { FileReport } from './text.js';
import { safeName } from './safe-text.js';

export const ONCE_PER_RUN = 'no_vmgenid_node';

/** How many named files are listed before "and N more". */
const LISTED = 5;

export interface Gathered {
  reports: FileReport[];
  /** The run's one line, or null when no file had the note. */
  summary: string | null;
}

export function gatherOncePerRun(reports: readonly FileReport[]): Gathered {
  const files: string[] = [];
  const kept = reports.map((r) => {
    const diagnostics = r.diagnostics.filter((d) => !(d.check === ONCE_PER_RUN && d.severity === 'note'));
    if (diagnostics.length !== r.diagnostics.length) files.push(r.file);
    return diagnostics.length === r.diagnostics.length ? r : { ...r, diagnostics };
  });
  if (files.length === 0) return { reports: kept, summary: null };
  const named = files.slice(0, LISTED).map((f) => safeName(f)).join(', ') + (files.length > LISTED ? ` and ${files.length - LISTED} more` : '');
  const count = `${files.length} file${files.length === 1 ? ' has' : 's have'}`;
  return { reports: kept, summary: `${count} no vmgenid node (nothing to judge there): ${named}` };
}
