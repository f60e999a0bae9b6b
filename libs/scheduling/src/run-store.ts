import type { OperationOptions } from "@fleetscore/contracts";

/**
 * `skipped`: the overlap policy skipped this scheduled time; `run-once` may still run it. `empty`: the run
 * finished with no data in its window (its manifest says `empty`): nothing failed, nothing was scored.
 */
export type RunStatus = "queued" | "running" | "succeeded" | "partial" | "failed" | "empty" | "skipped";
/** `empty`: the shard's models had no row in the window (other shards' may have). */
export type ShardStatus = "queued" | "running" | "succeeded" | "partial" | "failed" | "empty";

/** What a finished run's merged manifest says, kept in the store so `runs` needs no output access. */
export interface RunTotals {
  readonly models: number;
  readonly scored: number;
  readonly failed: number;
  readonly rows: number;
  readonly anomalies: number;
}

export interface RunRecord {
  readonly runId: string;
  readonly pipeline: string;
  readonly scheduledAt: Date;
  readonly status: RunStatus;
  readonly shardCount: number;
  /** The run's output folder or URL: `<pipeline output>/<run-id>`. */
  readonly output: string;
  readonly createdAt: Date;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
  readonly totals?: RunTotals;
}

export interface ShardRecord {
  readonly runId: string;
  readonly index: number;
  readonly count: number;
  readonly status: ShardStatus;
  /** Attempts started so far (a retry or a resume after a crash each add one). */
  readonly attempts: number;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  /** The last attempt's exit code; null when a signal ended it. */
  readonly exitCode?: number | null;
  readonly error?: string;
  readonly logPath?: string;
  /** The process running the attempt (process executor), so recovery can stop one a crash left behind. */
  readonly pid?: number;
}

export interface NewRun {
  readonly runId: string;
  readonly pipeline: string;
  readonly scheduledAt: Date;
  readonly shardCount: number;
  readonly output: string;
  readonly status?: "queued" | "skipped";
}

export type RunUpdate = Partial<Pick<RunRecord, "status" | "startedAt" | "finishedAt" | "error" | "totals">>;
export type ShardUpdate = Partial<Pick<ShardRecord, "status" | "attempts" | "startedAt" | "finishedAt" | "exitCode" | "error" | "logPath" | "pid">>;

export interface ListRunsOptions extends OperationOptions {
  readonly pipeline?: string;
  readonly statuses?: readonly RunStatus[];
  /** The newest n (by scheduled time). */
  readonly last?: number;
}

/**
 * Every run and shard the scheduler has planned or executed. One interface over SQLite (the default) and
 * PostgreSQL; both pass the same conformance tests.
 */
export interface RunStore {
  /** The store's location without credentials, for messages. */
  readonly location: string;
  /**
   * Adds a run and its `shardCount` queued shards in one transaction, unless a run with that id exists.
   * @returns the stored run and whether this call created it (false: the id was taken, nothing changed).
   */
  createRun(run: NewRun, options?: OperationOptions): Promise<{ readonly run: RunRecord; readonly created: boolean }>;
  getRun(runId: string, options?: OperationOptions): Promise<RunRecord | undefined>;
  /** Newest scheduled time first. */
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]>;
  updateRun(runId: string, update: RunUpdate, options?: OperationOptions): Promise<void>;
  /** A skipped run becomes queued again with fresh shards (run-once runs a time the overlap policy skipped). */
  requeueRun(runId: string, options?: OperationOptions): Promise<void>;
  /** In shard order. */
  listShards(runId: string, options?: OperationOptions): Promise<ShardRecord[]>;
  updateShard(runId: string, index: number, update: ShardUpdate, options?: OperationOptions): Promise<void>;
  /** The latest scheduled time of the pipeline's runs (any status), for catch-up after downtime. */
  latestScheduledAt(pipeline: string, options?: OperationOptions): Promise<Date | undefined>;
  close(): Promise<void>;
}
