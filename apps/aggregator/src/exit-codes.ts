/** Process exit codes of the aggregator, documented in the README. */
export const ExitCode = {
  Ok: 0,
  /** The run failed (e.g. the database became unavailable); its last checkpoint is intact: run it again. */
  Failed: 1,
  /** Usage or input error: the message names the flag, file or URL. */
  Usage: 2,
  /** Stopped by SIGINT/SIGTERM (what was read is saved; a restart continues from there). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
