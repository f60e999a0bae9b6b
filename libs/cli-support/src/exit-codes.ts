/**
 * The exit codes every fleetscore CLI shares, documented in the README; apps add only their own
 * (the scorer's 3 for failed models, the monitor's 3 and 4 for a run's status).
 */
export const CommonExitCode = {
  Ok: 0,
  /** A run-time failure: a service or the disk failed, or a bug (then printed with its stack). */
  Failed: 1,
  /** The same code as `Failed`: an error the app did not expect, printed with its stack. */
  Internal: 1,
  /** A bad flag, input or configuration: the message names it. */
  Usage: 2,
  /** Stopped by SIGINT/SIGTERM. */
  Interrupted: 130,
} as const;
export type CommonExitCode = (typeof CommonExitCode)[keyof typeof CommonExitCode];
