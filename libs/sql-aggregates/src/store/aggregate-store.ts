import type { ModelKey, OperationOptions } from "@fleetscore/contracts";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";

export type SqlDialect = "sqlite" | "postgres" | "mssql";

/** What scoring reads of a window aggregate: its pair, its end and its mean (see `AggregateStore.readMeans`). */
export interface WindowMeanRecord {
  readonly deviceId: string;
  readonly sensorId: string;
  readonly windowEndMs: number;
  readonly mean: number;
}

/** The aggregator's position in its source and its open windows, saved with the aggregates it wrote. */
export interface AggregatorCheckpoint {
  /** One checkpoint per aggregator (by default derived from its source). */
  readonly name: string;
  /** Where the source continues (opaque to the store). */
  readonly position: string;
  /** The windowing engine's snapshot (JSON, opaque to the store). */
  readonly state: string;
}

/** An input the aggregator could not use (a malformed event), kept with the reason instead of being dropped. */
export interface DeadLetter {
  /** Where it came from, unique within its checkpoint's source (e.g. `partition 0 #1234`): a replay stores it once. */
  readonly sourceKey: string;
  /** What is wrong, naming the field and value. */
  readonly reason: string;
  /** The input as received (JSON text), cut to MAX_DEAD_LETTER_BODY_LENGTH characters. */
  readonly body: string;
  /** When the source received it (an event's enqueued time), epoch ms. */
  readonly receivedAtMs: number;
}

/** A dead letter as stored: with the checkpoint (aggregation) that set it aside. */
export interface StoredDeadLetter extends DeadLetter {
  readonly checkpointName: string;
}

export interface WriteAggregatesOptions extends OperationOptions {
  /** Saved in the same transaction as the aggregates: both are written or neither. */
  readonly checkpoint?: AggregatorCheckpoint;
  /**
   * Inputs of this batch set aside, saved in the same transaction (needs `checkpoint`): nothing accepted from
   * the source is lost, and a replay of the batch does not store them twice.
   */
  readonly deadLetters?: readonly DeadLetter[];
}

export interface ReadDeadLettersOptions extends OperationOptions {
  /** Only those of this checkpoint. Default: all. */
  readonly checkpointName?: string;
  /** At most this many, oldest first. Default 1,000. */
  readonly limit?: number;
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
  /**
   * As `read` (same range, order, filter and errors), but only the four columns scoring needs: less for the
   * database to send and for the driver to convert (scoring 2 M windows spends most of its main-thread CPU here).
   */
  readMeans(options: ReadAggregatesOptions): AsyncIterable<readonly WindowMeanRecord[]>;
  /** Dead letters, oldest first (by received time, then checkpoint and source key). */
  readDeadLetters(options?: ReadDeadLettersOptions): Promise<StoredDeadLetter[]>;
  /** The window sizes (ms) the database holds, smallest first. */
  windowSizes(options?: OperationOptions): Promise<number[]>;
  /** Version of the newest migration applied. */
  schemaVersion(options?: OperationOptions): Promise<number>;
  close(): Promise<void>;
}
