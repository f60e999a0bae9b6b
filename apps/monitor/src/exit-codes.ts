import type { RunStatus } from "@fleetscore/log-monitor";

/** Process exit codes of the monitor, documented in the README, for alerting on a run's status. */
export const ExitCode = {
  /** The run succeeded (or is partial: failures within its --max-failed-models threshold). */
  Ok: 0,
  /** Internal error (a bug or an unexpected environment failure). */
  Internal: 1,
  /** Usage error, or the output location or run was not found. */
  Usage: 2,
  /** The run failed: more models failed than its threshold allows. */
  RunFailed: 3,
  /** The run is in progress, or was abandoned (shards never finished, no _manifest.json). */
  NotFinished: 4,
  /** The run finished with no data in its input or range: nothing was scored (as the scorer exits). */
  RunEmpty: 5,
  /** `watch` stopped by SIGINT/SIGTERM. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForStatus(status: RunStatus): ExitCode {
  switch (status) {
    case "succeeded":
    case "partial":
      return ExitCode.Ok;
    case "failed":
      return ExitCode.RunFailed;
    case "empty":
      return ExitCode.RunEmpty;
    case "in progress":
    case "abandoned":
      return ExitCode.NotFinished;
  }
}
