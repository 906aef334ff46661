/**
 * Errors that the CLI reports as one line with exit code 2 (bad input the user can fix), as
 * opposed to internal failures (exit 1, stack trace with `--debug`).
 *
 * @module
 */

/** Bad input: a flag, config value, code parameter or data file the user must fix. Exit code 2. */
export class UsageError extends Error {
  /** Process exit code for this class of error. */
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Throws a {@link UsageError} with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new UsageError(message);
}
