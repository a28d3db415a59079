/** The CLI's exit codes: what CI scripts and pre-commit hooks branch on. */
export const ExitCode = {
  /** Nothing at or above the failing severity. */
  Ok: 0,
  /** Findings at or above the failing severity. */
  Findings: 1,
  /** A usage error, or an input that cannot be read or parsed. */
  Usage: 2,
  BadInput: 2,
} as const;
