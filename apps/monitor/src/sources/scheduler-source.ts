import type { OperationOptions } from "@fleetscore/contracts";
import type { ExternalRunReport, RunSource, RunState } from "@fleetscore/log-monitor";
import type { RunRecord, RunStore, ShardRecord } from "@fleetscore/scheduling";

/** The store's shard line: `failed, attempt 3, exit 1` (exit `signal` when a signal ended it). */
function shardState(s: ShardRecord): string {
  const exit = s.exitCode === undefined ? "" : `, exit ${s.exitCode === null ? "signal" : s.exitCode}`;
  return `${s.status}, attempts ${s.attempts}${exit}`;
}

/**
 * The scheduler's run store as a run source: the run's status and every shard's attempts, exit code, error
 * and log path. A run the store has as queued or running has a live writer; any other status has none.
 */
export class SchedulerRunSource implements RunSource {
  readonly name = "scheduler run store";
  constructor(readonly store: RunStore) {}

  async describeRun(runId: string, options: OperationOptions = {}): Promise<ExternalRunReport | undefined> {
    const run = await this.store.getRun(runId, options);
    if (!run) return undefined;
    const shards = await this.store.listShards(runId, options);
    return {
      source: `${this.name} ${this.store.location}`,
      state: run.status,
      writerAlive: run.status === "queued" || run.status === "running",
      ...(run.error && { message: run.error }),
      jobs: shards.map((s) => ({
        name: `shard ${s.index}/${s.count}`,
        state: shardState(s),
        ...(s.error && { message: s.error }),
        ...(s.logPath && { logUrl: s.logPath }),
      })),
    };
  }

  /** The shard log files the store knows for the run: the scorer's JSON-line logs. */
  async logPaths(runId: string, options: OperationOptions = {}): Promise<string[]> {
    return (await this.store.listShards(runId, options)).flatMap((s) => (s.logPath ? [s.logPath] : []));
  }

  /** The newest run ids (by scheduled time). */
  async listRunIds(last: number, options: OperationOptions = {}): Promise<string[]> {
    return (await this.store.listRuns({ ...options, last })).map((r) => r.runId);
  }

  getRun(runId: string, options: OperationOptions = {}): Promise<RunRecord | undefined> {
    return this.store.getRun(runId, options);
  }
}

/** The files of a run the store knows but that has written none yet (queued, or every shard failed early). */
export function emptyRunState(run: RunRecord): RunState {
  return {
    runId: run.runId,
    location: run.output,
    shardManifests: [],
    shardCount: run.shardCount,
    predictionFiles: [],
    partialFiles: [],
    lastActivity: run.finishedAt ?? run.startedAt ?? run.createdAt,
  };
}
