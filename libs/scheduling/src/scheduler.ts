import { Limiter, systemClock, type Clock } from "./clock.js";
import { getPipeline, type PipelineConfig, type SchedulerConfig } from "./config.js";
import { executeRun, type RunContext } from "./execute-run.js";
import type { ShardExecutor } from "./executor.js";
import { logger } from "./log.js";
import { scheduledRunId } from "./run-id.js";
import type { RunRecord, RunStore } from "./run-store.js";
import { SchedulingError } from "./scheduling-error.js";
import { createTrigger, scheduledTimesBetween, type Trigger } from "./trigger.js";

export interface SchedulerOptions {
  readonly store: RunStore;
  /** The executor of a pipeline (apps build ProcessExecutor or DockerExecutor from `pipeline.executor`). */
  readonly executorFor: (pipeline: PipelineConfig) => ShardExecutor;
  readonly clock?: Clock;
}

export interface RunOnceOptions {
  /** The scheduled time to run (default: the pipeline's latest scheduled time up to now). */
  readonly at?: Date;
  /** Aborted: start no new shard attempt; running ones finish (the run stays `running`). */
  readonly abortSignal?: AbortSignal;
}

export interface StartOptions {
  /** Aborting it drains the daemon: no new runs or shard attempts, running shards finish, then start() returns. */
  readonly abortSignal?: AbortSignal;
}

/**
 * Runs pipelines on their triggers. `start` is the daemon (recovery, catch-up, then every scheduled time
 * with the overlap policy); `runOnce` executes one scheduled time now. Every run's id comes from its
 * scheduled time, so running a time twice reuses the run and a finished run is never written again.
 */
export class Scheduler {
  private readonly clock: Clock;
  private readonly limiter: Limiter;
  private readonly triggers = new Map<string, Trigger>();
  /** The run each pipeline is executing (or queued to), for the overlap policy. */
  private readonly active = new Map<string, Promise<unknown>>();

  constructor(
    readonly config: SchedulerConfig,
    private readonly options: SchedulerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.limiter = new Limiter(config.maxConcurrentShards);
    for (const p of config.pipelines) this.triggers.set(p.name, createTrigger(p.trigger));
  }

  private context(drainSignal: AbortSignal | undefined): RunContext {
    return { config: this.config, store: this.options.store, executorFor: this.options.executorFor, clock: this.clock, limiter: this.limiter, ...(drainSignal && { drainSignal }) };
  }

  /**
   * Executes the pipeline's run for one scheduled time (resuming it if it was left running; returning it
   * unchanged if it has finished).
   * @throws SchedulingError `UnknownPipeline`, or `InvalidArgument` when the trigger has no time up to now.
   */
  async runOnce(pipelineName: string, options: RunOnceOptions = {}): Promise<RunRecord> {
    const pipeline = getPipeline(this.config, pipelineName);
    const at = options.at ?? this.triggers.get(pipeline.name)!.latest(this.clock.now());
    if (!at) throw new SchedulingError(`Pipeline "${pipeline.name}" has no scheduled time up to now: pass --at <iso>`, "InvalidArgument");
    const runId = await this.plan(pipeline, at);
    return executeRun(this.context(options.abortSignal), pipeline, runId);
  }

  private async plan(pipeline: PipelineConfig, at: Date, status?: "skipped"): Promise<string> {
    const runId = scheduledRunId(pipeline.name, at);
    const output = `${pipeline.output.replace(/\/+$/, "")}/${runId}`;
    await this.options.store.createRun({ runId, pipeline: pipeline.name, scheduledAt: at, shardCount: pipeline.shards, output, ...(status && { status }) });
    return runId;
  }

  /** Starts a run now, or applies the overlap policy when the pipeline's previous run is still going. */
  private async dispatch(pipeline: PipelineConfig, at: Date, drain: AbortSignal | undefined, recovering = false): Promise<void> {
    const previous = this.active.get(pipeline.name);
    if (previous && pipeline.overlap === "skip" && !recovering) {
      const runId = await this.plan(pipeline, at, "skipped");
      logger.warning("previous run still going: skipped (overlap: skip)", { pipeline: pipeline.name, runId });
      return;
    }
    const runId = await this.plan(pipeline, at);
    const execution = (previous ?? Promise.resolve())
      .then(() => (drain?.aborted ? undefined : executeRun(this.context(drain), pipeline, runId)))
      .catch((e: unknown) => logger.error("run failed to execute", { runId, error: (e as Error).message }))
      .finally(() => {
        if (this.active.get(pipeline.name) === execution) this.active.delete(pipeline.name);
      });
    this.active.set(pipeline.name, execution);
  }

  /** Runs left `running` or `queued` (by a crash or a drain) are executed again, oldest first. */
  private async recover(drain: AbortSignal | undefined): Promise<void> {
    const left = (await this.options.store.listRuns({ statuses: ["running", "queued"] })).reverse();
    for (const run of left) {
      const pipeline = this.config.pipelines.find((p) => p.name === run.pipeline);
      if (!pipeline) {
        logger.warning("a run left unfinished belongs to a pipeline no longer in the config; not resumed", { runId: run.runId });
        continue;
      }
      logger.info("resuming a run left unfinished", { runId: run.runId, status: run.status });
      await this.dispatch(pipeline, run.scheduledAt, drain, true);
    }
  }

  /** Catch-up after downtime: the scheduled times missed since the pipeline's latest run, per its policy. */
  private async catchUp(pipeline: PipelineConfig, drain: AbortSignal | undefined): Promise<Date> {
    const now = this.clock.now();
    const trigger = this.triggers.get(pipeline.name)!;
    const latest = await this.options.store.latestScheduledAt(pipeline.name);
    const since = latest ?? (pipeline.trigger.startTime ? new Date(pipeline.trigger.startTime.getTime() - 1) : undefined);
    if (!since || pipeline.catchUp.policy === "none") return latest && latest > now ? latest : now;
    const missed = scheduledTimesBetween(trigger, since, now, pipeline.catchUp.policy === "latest" ? 1 : pipeline.catchUp.maxRuns);
    if (missed.length > 0) logger.info("catching up", { pipeline: pipeline.name, policy: pipeline.catchUp.policy, runs: missed.length });
    for (const at of missed) await this.dispatch(pipeline, at, drain);
    return now;
  }

  private async loop(pipeline: PipelineConfig, drain: AbortSignal | undefined): Promise<void> {
    const trigger = this.triggers.get(pipeline.name)!;
    let cursor = await this.catchUp(pipeline, drain);
    for (let at = trigger.next(cursor); at && !drain?.aborted; at = trigger.next(cursor)) {
      try {
        await this.clock.sleepUntil(at, drain);
      } catch {
        return;
      }
      await this.dispatch(pipeline, at, drain);
      cursor = at;
    }
  }

  /** The daemon: until the signal aborts, then drains. */
  async start(options: StartOptions = {}): Promise<void> {
    const drain = options.abortSignal;
    logger.info("scheduler started", { pipelines: this.config.pipelines.map((p) => p.name), runStore: this.options.store.location });
    await this.recover(drain);
    await Promise.all(this.config.pipelines.map((p) => this.loop(p, drain)));
    while (this.active.size > 0) await Promise.all([...this.active.values()]);
    logger.info("scheduler stopped");
  }
}
