import type { ModelKey, OperationOptions } from "@fleetscore/contracts";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";

export type SqlDialect = "sqlite" | "postgres" | "mssql";

/** The aggregator's position in its source and its open windows, saved with the aggregates it wrote. */
export interface AggregatorCheckpoint {
  /** One checkpoint per aggregator (by default derived from its source). */
  readonly name: string;
  /** Where the source continues (opaque to the store). */
  readonly position: string;
  /** The windowing engine's snapshot (JSON, opaque to the store). */
  readonly state: string;
}

export interface WriteAggregatesOptions extends OperationOptions {
  /** Saved in the same transaction as the aggregates: both are written or neither. */
  readonly checkpoint?: AggregatorCheckpoint;
}

export interface ReadAggregatesOptions extends OperationOptions {
  /** Exclusive, epoch ms: like a window, a range excludes its start ... */
  readonly fromMs: number;
  /** ... and includes its end: windows with fromMs < windowEndMs <= toMs. */
  readonly toMs: number;
  /** Only these models (device x sensor). Default: all. */
  readonly models?: readonly ModelKey[];
  /**
   * Only windows of this size (end - start, ms). Default: the database's only size; a database holding
   * several is refused (`AmbiguousWindowSize`), as windows of different sizes do not mix.
   */
  readonly windowMs?: number;
  /** Rows fetched per query (keyset pages). Default 10,000. */
  readonly pageSize?: number;
}

/**
 * Window aggregates in a SQL database: SQLite (the embedded default), PostgreSQL or Azure SQL / SQL
 * Server. Writes are idempotent upserts on (deviceId, sensorId, windowStart, windowEnd): windows of
 * different sizes are kept apart.
 */
export interface AggregateStore {
  readonly dialect: SqlDialect;
  /** The database's URL without credentials, for messages and manifests. */
  readonly location: string;
  /** Upserts in batches, in one transaction (with the checkpoint when given). */
  write(aggregates: readonly WindowAggregateRecord[], options?: WriteAggregatesOptions): Promise<void>;
  readCheckpoint(name: string, options?: OperationOptions): Promise<AggregatorCheckpoint | undefined>;
  /**
   * Streams the aggregates of a range, ordered by (windowEnd, deviceId, sensorId), a page at a time:
   * memory does not grow with the table.
   */
  read(options: ReadAggregatesOptions): AsyncIterable<readonly WindowAggregateRecord[]>;
  /** The window sizes (ms) the database holds, smallest first. */
  windowSizes(options?: OperationOptions): Promise<number[]>;
  /** Version of the newest migration applied. */
  schemaVersion(options?: OperationOptions): Promise<number>;
  close(): Promise<void>;
}
