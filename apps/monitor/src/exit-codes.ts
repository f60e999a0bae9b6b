import type { RunStatus } from "@fleetscore/log-monitor";
import { CommonExitCode } from "@fleetscore/cli-support";

/** Process exit codes of the monitor, documented in the README, for alerting on a run's status. */
export const ExitCode = {
  /** 0 = the run succeeded (or is partial: failures within its --max-failed-models threshold); 1, 2, 130 shared. */
  ...CommonExitCode,
  /** The run failed: more models failed than its threshold allows. */
  RunFailed: 3,
  /** The run is in progress, or was abandoned (shards never finished, no _manifest.json). */
  NotFinished: 4,
  /** The run finished with no data in its input or range: nothing was scored (as the scorer exits). */
  RunEmpty: 5,
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
