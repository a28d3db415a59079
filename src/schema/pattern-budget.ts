/**
 * The error a user pattern throws when it cannot be matched within its time
 * budget (schema/pattern-fallback.ts). Its own small module: the schema set
 * catches it on every run, and the matcher behind it is loaded only with
 * the schema compiler (from its own file, not the CLI bundle), so the two
 * may hold different copies of this class: it is recognised by its name.
 */
export class PatternBudgetError extends Error {
  constructor(
    readonly pattern: string,
    readonly subjectLength: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'PatternBudgetError';
  }
}

export function isPatternBudgetError(err: unknown): err is PatternBudgetError {
  return err instanceof Error && err.name === 'PatternBudgetError' && typeof (err as PatternBudgetError).pattern === 'string';
}
