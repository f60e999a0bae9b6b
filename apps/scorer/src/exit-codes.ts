import { CommonExitCode } from "@fleetscore/cli-support";

/** Process exit codes of the scorer, documented in the README: the shared ones (0, 1, 2, 130) and its own. */
export const ExitCode = {
  ...CommonExitCode,
  /** A run-time failure the message explains, e.g. another scorer is writing this run (its lease). */
  RunFailed: 1,
  /** Some models failed; the others were written and the manifest lists the failures. */
  ModelsFailed: 3,
  /** The run (or shard) had no data row to score (status `empty`), and `--allow-empty` was not given. */
  RunEmpty: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
