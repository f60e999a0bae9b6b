import { resolve } from "node:path";
import type { ExecutorConfig, PipelineConfig } from "./config.js";
import { runLogged } from "./child-process.js";
import { scoreArgs, type RunShardOptions, type ShardExecutor, type ShardJob, type ShardOutcome } from "./executor.js";

type ProcessConfig = Extract<ExecutorConfig, { kind: "process" }>;

/** The default executor: each shard is a child process of the scorer CLI, exactly the command a cluster node runs. */
export class ProcessExecutor implements ShardExecutor {
  readonly kind = "process";
  constructor(
    private readonly config: ProcessConfig,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  private command(args: string[]): [string, string[]] {
    const scorer = resolve(this.config.scorer);
    return this.config.node ? [process.execPath, [scorer, ...args]] : [scorer, args];
  }

  runShard(job: ShardJob, options: RunShardOptions): Promise<ShardOutcome> {
    const [command, args] = this.command(scoreArgs(job));
    return runLogged(command, args, job.logPath, { msg: "shard attempt started", runId: job.runId, shard: job.index }, options, this.env);
  }

  finalize(pipeline: PipelineConfig, runId: string, logPath: string, options: RunShardOptions = { timeoutInMs: 600_000 }): Promise<ShardOutcome> {
    const [command, args] = this.command(["finalize", "--out", pipeline.output, "--run-id", runId, "--allow-empty"]);
    return runLogged(command, args, logPath, { msg: "finalize started", runId }, options, this.env);
  }
}
