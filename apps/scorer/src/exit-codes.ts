/** Process exit codes of the scorer, documented in the README. */
export const ExitCode = {
  /** Every model with data was scored. */
  Ok: 0,
  /** Internal error (a bug or an unexpected environment failure). */
  Internal: 1,
  /** A run-time failure the message explains, e.g. another scorer is writing this run (its lease). */
  RunFailed: 1,
  /** Usage or input error: the message names the flag or file. */
  Usage: 2,
  /** Some models failed; the others were written and the manifest lists the failures. */
  ModelsFailed: 3,
  /** The run (or shard) had no data row to score (status `empty`), and `--allow-empty` was not given. */
  RunEmpty: 5,
  /** Stopped by SIGINT/SIGTERM. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
