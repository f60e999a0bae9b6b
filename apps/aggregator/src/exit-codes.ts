import { CommonExitCode } from "@fleetscore/cli-support";

/**
 * Process exit codes of the aggregator, documented in the README: only the shared ones. 1 = the run failed
 * (e.g. the database became unavailable; its last checkpoint is intact: run it again), 2 = usage or input
 * error, 130 = stopped by SIGINT/SIGTERM (what was read is saved).
 */
export const ExitCode = CommonExitCode;
export type ExitCode = CommonExitCode;
