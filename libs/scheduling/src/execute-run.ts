import { join } from "node:path";
import type { Clock, Limiter } from "./clock.js";
import type { PipelineConfig, SchedulerConfig } from "./config.js";
import type { ShardExecutor } from "./executor.js";
import { stopLeftoverProcess } from "./leftover-process.js";
import { logger } from "./log.js";
import { lastLogError, readRunManifest } from "./run-files.js";
import type { RunRecord, RunStore, ShardRecord } from "./run-store.js";

/** What executing a run needs; the scheduler and `run-once` build one each. */
export interface RunContext {
  readonly config: SchedulerConfig;
  readonly store: RunStore;
  readonly executorFor: (pipeline: PipelineConfig) => ShardExecutor;
  readonly clock: Clock;
  readonly limiter: Limiter;
  /** Aborted: start no new shard attempt (running ones finish), so the run stays `running` for recovery. */
  readonly drainSignal?: AbortSignal;
}

/** The scorer's exit code for a run or shard with no row to score (`empty`) without `--allow-empty`. */
const SCORER_EMPTY_EXIT_CODE = 5;
const FINISHED = new Set<RunRecord["status"]>(["succeeded", "partial", "failed", "empty"]);
const SHARD_DONE = new Set<ShardRecord["status"]>(["succeeded", "partial", "failed", "empty"]);

export const shardLogPath = (logDir: string, runId: string, index: number | "finalize", count = 0): string =>
  join(logDir, runId, index === "finalize" ? "finalize.log" : `shard-${index}-of-${count}.log`);

async function runShard(ctx: RunContext, pipeline: PipelineConfig, run: RunRecord, shard: ShardRecord): Promise<void> {
  const executor = ctx.executorFor(pipeline);
  const logPath = shardLogPath(ctx.config.logDir, run.runId, shard.index, shard.count);
  const log = { runId: run.runId, shard: shard.index };
  if (shard.status === "running") await stopLeftoverProcess(shard.pid, run.runId);
  for (let attempts = shard.attempts; ; ) {
    if (ctx.drainSignal?.aborted) return;
    attempts++;
    await ctx.store.updateShard(run.runId, shard.index, { status: "running", attempts, startedAt: ctx.clock.now(), logPath });
    logger.info("shard attempt started", { ...log, attempt: attempts, executor: executor.kind });
    let pidWrite: Promise<void> = Promise.resolve();
    const outcome = await executor.runShard(
      { pipeline, runId: run.runId, scheduledAt: run.scheduledAt, index: shard.index, count: shard.count, resume: attempts > 1, logPath },
      { timeoutInMs: pipeline.shardTimeout, onStarted: (pid) => (pidWrite = pid === undefined ? pidWrite : ctx.store.updateShard(run.runId, shard.index, { pid })) },
    );
    await pidWrite;
    // Exit 5: the scorer found no row to score (status `empty`, without --allow-empty). Data will not
    // appear by retrying the same window: the shard is empty, with its exit code kept for alerting.
    if (outcome.exitCode === SCORER_EMPTY_EXIT_CODE && !outcome.timedOut) {
      await ctx.store.updateShard(run.runId, shard.index, { status: "empty", finishedAt: ctx.clock.now(), exitCode: outcome.exitCode });
      logger.warning("shard found no row to score in its window (empty)", { ...log, attempt: attempts, logPath });
      return;
    }
    if (outcome.exitCode === 0 && !outcome.timedOut) {
      const manifest = await readRunManifest(pipeline.output, run.runId, shard);
      await ctx.store.updateShard(run.runId, shard.index, { status: manifest?.status === "partial" || manifest?.status === "empty" ? manifest.status : "succeeded", finishedAt: ctx.clock.now(), exitCode: 0 });
      logger.info("shard finished", { ...log, attempt: attempts });
      return;
    }
    const why = outcome.timedOut ? `timed out after ${pipeline.shardTimeout} ms` : outcome.exitCode === null ? "ended by a signal" : `exit code ${outcome.exitCode}`;
    const error = [why, await lastLogError(logPath)].filter(Boolean).join(": ");
    // Exit 2 is a usage or input error: the same command would fail the same way.
    const final = outcome.exitCode === 2 || attempts >= pipeline.retries.maxAttempts;
    await ctx.store.updateShard(run.runId, shard.index, { status: final ? "failed" : "queued", finishedAt: ctx.clock.now(), exitCode: outcome.exitCode, error });
    logger.warning(final ? "shard failed" : "shard attempt failed; retrying", { ...log, attempt: attempts, error, logPath });
    if (final) return;
    const backoff = Math.min(pipeline.retries.backoff * 2 ** (attempts - 1), pipeline.retries.maxBackoff);
    try {
      await ctx.clock.sleepUntil(new Date(ctx.clock.now().getTime() + backoff), ctx.drainSignal);
    } catch {
      return;
    }
  }
}

/** Merges the shard manifests when no shard did (`scorer finalize`); the merged manifest, or the failure. */
async function finalize(ctx: RunContext, pipeline: PipelineConfig, run: RunRecord) {
  const existing = await readRunManifest(pipeline.output, run.runId);
  if (existing && existing.mergedShards === run.shardCount) return { manifest: existing };
  const logPath = shardLogPath(ctx.config.logDir, run.runId, "finalize");
  const outcome = await ctx.executorFor(pipeline).finalize(pipeline, run.runId, logPath, { timeoutInMs: pipeline.shardTimeout });
  if (outcome.exitCode !== 0) return { error: `finalize failed (exit code ${outcome.exitCode}): ${(await lastLogError(logPath)) ?? "see " + logPath}` };
  return { manifest: await readRunManifest(pipeline.output, run.runId) };
}

/**
 * Executes a stored run to its end: each unfinished shard through the executor (at most the limiter's
 * number at once, retried with exponential backoff, stopped at the shard timeout), then the merged manifest.
 * A finished run is returned as it is (never written twice). A run whose shards were left `running` by a
 * crash resumes them with `--resume`. Drained before the end, the run stays `running`.
 */
export async function executeRun(ctx: RunContext, pipeline: PipelineConfig, runId: string): Promise<RunRecord> {
  let run = (await ctx.store.getRun(runId))!;
  if (FINISHED.has(run.status)) return run;
  if (run.status === "skipped") await ctx.store.requeueRun(runId);
  await ctx.store.updateRun(runId, { status: "running", startedAt: run.startedAt ?? ctx.clock.now() });
  logger.info("run started", { runId, pipeline: pipeline.name, scheduledAt: run.scheduledAt.toISOString() });
  run = (await ctx.store.getRun(runId))!;
  const pending = (await ctx.store.listShards(runId)).filter((s) => !SHARD_DONE.has(s.status));
  await Promise.all(pending.map((shard) => ctx.limiter.run(() => runShard(ctx, pipeline, run, shard))));

  const shards = await ctx.store.listShards(runId);
  if (shards.some((s) => !SHARD_DONE.has(s.status))) {
    logger.info("run drained before its end; it resumes on the next start", { runId });
    return (await ctx.store.getRun(runId))!;
  }
  const failed = shards.filter((s) => s.status === "failed");
  let update: Parameters<RunStore["updateRun"]>[1];
  if (failed.length > 0) {
    const within = failed.length <= pipeline.maxFailedShards;
    update = {
      status: within ? "partial" : "failed",
      error: `${failed.length} of ${shards.length} shards failed (${within ? "within" : "more than"} maxFailedShards ${pipeline.maxFailedShards}): ${failed.map((s) => `shard ${s.index}: ${s.error}`).join("; ")}`,
    };
  } else {
    const result = await finalize(ctx, pipeline, run);
    const m = result.manifest;
    update = m
      ? { status: m.status, totals: { models: m.totals.models, scored: m.totals.scored, failed: m.totals.failed, rows: m.totals.scoredRows, anomalies: m.totals.anomalies } }
      : { status: result.error ? "failed" : "succeeded", ...(result.error && { error: result.error }) };
  }
  await ctx.store.updateRun(runId, { ...update, finishedAt: ctx.clock.now() });
  logger.info("run finished", { runId, status: update.status });
  return (await ctx.store.getRun(runId))!;
}
