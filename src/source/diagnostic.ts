import type { Span } from './span.js';

export type Severity = 'error' | 'warning' | 'note';

/**
 * The one shape every stage reports through. A stage never throws for bad
 * input: it returns diagnostics, and a fatal one stops the pipeline.
 */
export interface Diagnostic {
  severity: Severity;
  /** Stable name of the check or the error kind, e.g. `syntax`, `reg_format`. */
  check: string;
  message: string;
  span?: Span;
  /** The file, for inputs without lines (a blob): `span` wins when both are set. */
  file?: string;
  nodePath?: string;
  property?: string;
  bindingId?: string;
  /** More detail for `--verbose` (for schema findings, Ajv's instance and schema paths). */
  detail?: string;
  /**
   * The checks whose findings on the same fault were folded into this one
   * (one fault, one finding): their names stay on it, for `--rule` and for
   * a reader who knows them.
   */
  also?: string[];
}

/**
 * Thrown by a front end when an input cannot be processed at all; carries the
 * diagnostics that explain why. The CLI turns it into exit code 2.
 */
export class InputError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }
}

/** Build an error diagnostic. */
export function error(check: string, message: string, span?: Span): Diagnostic {
  return span ? { severity: 'error', check, message, span } : { severity: 'error', check, message };
}
