import type { OperationOptions } from "@fleetscore/contracts";
import type { PipelineConfig } from "./config.js";

/** One shard attempt of one run, as the scheduler hands it to an executor. */
export interface ShardJob {
  readonly pipeline: PipelineConfig;
  readonly runId: string;
  readonly scheduledAt: Date;
  readonly index: number;
  readonly count: number;
  /** Pass `--resume`: an earlier attempt (or a crashed scheduler) may have left files behind. */
  readonly resume: boolean;
  /** Where the attempt's stdout and JSON-line stderr are appended. */
  readonly logPath: string;
}

export interface RunShardOptions extends OperationOptions {
  /** The attempt is stopped (SIGTERM, then SIGKILL after a grace period) when it runs longer. */
  readonly timeoutInMs: number;
  /** Called once the attempt's process exists (its pid, when there is one). */
  readonly onStarted?: (pid: number | undefined) => void;
}

export interface ShardOutcome {
  /** The scorer's exit code; null when a signal ended it. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
}

/** How a shard runs: a child process of the scorer CLI, a container of its image, a cluster node. */
export interface ShardExecutor {
  readonly kind: string;
  runShard(job: ShardJob, options: RunShardOptions): Promise<ShardOutcome>;
  /** `scorer finalize` for the run: merges the shard manifests into `_manifest.json`. */
  finalize(pipeline: PipelineConfig, runId: string, logPath: string, options?: RunShardOptions): Promise<ShardOutcome>;
}

/** Locations the scorer reads over SQL: scored over the window that ends at the scheduled time. */
export const isSqlLocation = (location: string): boolean => /^(sqlite:|postgres(ql)?:\/\/|mssql:\/\/)/.test(location);
/** Anything with a scheme of two letters or more (a Windows drive letter is one) is remote. */
export const isUrlLocation = (location: string): boolean => /^[a-z][a-z0-9+.-]+:\/\//i.test(location);

/** The scorer command line of a shard; `path` maps each local location (identity for the process executor). */
export function scoreArgs(job: ShardJob, path: (location: string) => string = (l) => l): string[] {
  const { pipeline } = job;
  const args = ["score", "--models", path(pipeline.models), "--data", path(pipeline.data.source), "--out", path(pipeline.output), "--run-id", job.runId];
  if (isSqlLocation(pipeline.data.source)) {
    args.push("--from", new Date(job.scheduledAt.getTime() - pipeline.data.window).toISOString(), "--to", job.scheduledAt.toISOString());
    if (pipeline.data.windowSize) args.push("--window", pipeline.data.windowSize);
  }
  args.push("--engine", pipeline.engine, "--workers", String(pipeline.workersPerShard), "--shard", `${job.index}/${job.count}`, "--max-failed-models", pipeline.maxFailedModels);
  if (job.resume) args.push("--resume");
  // Either way an empty window is recorded (run status `empty`), not retried: see execute-run.ts.
  if (pipeline.allowEmpty) args.push("--allow-empty");
  return args;
}
