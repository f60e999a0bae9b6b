import type { OperationOptions, Reading } from "@fleetscore/contracts";
import type { InvalidReading } from "./event-log-error.js";
import type { EventPosition } from "./event-position.js";

/** One event as a consumer receives it: the reading and where the log put it. */
export interface ReceivedEvent {
  /** `"0"` .. `"<partitionCount - 1>"`, from the reading's deviceId (see `partitionIdForKey`). */
  readonly partitionId: string;
  /** Position in its partition: 0, 1, 2, ... in append order (Event Hubs' sequenceNumber; there is no separate byte offset). */
  readonly sequenceNumber: number;
  /** When the log accepted it, epoch milliseconds UTC; never decreases across the whole log. */
  readonly enqueuedTimeMs: number;
  readonly reading: Reading;
}

/**
 * An event whose body is not a valid reading, from a transport that does not validate on append (Event Hubs):
 * the consumer sets it aside (dead letter) and its position moves past it.
 */
export interface InvalidEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly enqueuedTimeMs: number;
  /** What is wrong, naming the field and value. */
  readonly reason: string;
  readonly body: unknown;
}

/** What `read` yields: up to `maxBatchSize` events and the position right after the last of them. */
export interface ReceivedEventBatch {
  /** Never empty, unless `invalid` is not. Ordered by enqueued time, then partition id, then sequence number. */
  readonly events: readonly ReceivedEvent[];
  /** Events of the batch that were set aside as invalid (the local log never has any: it validates on append). */
  readonly invalid?: readonly InvalidEvent[];
  /** Checkpoint this (e.g. `formatEventPosition(batch.position)`) once the batch is processed; reading from it resumes after this batch. */
  readonly position: EventPosition;
}

export interface ReadEventsOptions extends OperationOptions {
  /**
   * Keep waiting for new events once caught up (polling every `pollIntervalInMs`) until `abortSignal` fires;
   * the iteration then throws an `AbortError`. Default false: the iteration ends when caught up.
   */
  readonly follow?: boolean;
  /** Most events per batch, 1 to 100000; default 1000. Bounds the memory a reader holds. */
  readonly maxBatchSize?: number;
  /** How often a following reader looks for events appended by other processes; default 100 ms. */
  readonly pollIntervalInMs?: number;
}

/** `abortSignal` is checked before the append starts; once it writes, it completes (one short transaction). */
export interface AppendOptions extends OperationOptions {
  /**
   * What to do with readings that break the `Reading` contract:
   * - `"reject"` (default): throw `EventLogError` `InvalidEvent` naming each bad reading's index and field; nothing of the batch is written;
   * - `"deadLetter"`: append the valid ones and set the invalid ones aside in the dead-letter table, with the reason (see `AppendResult.deadLettered`).
   */
  readonly onInvalid?: "reject" | "deadLetter";
}

/** Where one appended reading went. */
export interface AppendedEvent {
  /** Index of the reading in the array given to `append`. */
  readonly index: number;
  readonly partitionId: string;
  readonly sequenceNumber: number;
}

export interface AppendResult {
  /** One entry per appended reading, in input order. */
  readonly events: readonly AppendedEvent[];
  /** The enqueued time given to every event of this append (epoch ms; for an empty call, the clock's time). */
  readonly enqueuedTimeMs: number;
  /** With `onInvalid: "deadLetter"`: the readings set aside instead of appended. Otherwise empty. */
  readonly deadLettered: readonly InvalidReading[];
}

/** State of one partition, as Event Hubs' getPartitionProperties. */
export interface PartitionProperties {
  readonly partitionId: string;
  readonly eventCount: number;
  readonly isEmpty: boolean;
  /** -1 when empty. */
  readonly lastEnqueuedSequenceNumber: number;
  readonly firstEnqueuedTimeMs: number | undefined;
  readonly lastEnqueuedTimeMs: number | undefined;
}

/** What a monitor wants to know about a log. */
export interface EventLogProperties {
  /** Where the log is (for the local log, its file path). */
  readonly location: string;
  readonly partitionIds: readonly string[];
  readonly partitions: readonly PartitionProperties[];
  readonly eventCount: number;
  /** Readings set aside by `append(..., { onInvalid: "deadLetter" })`. */
  readonly deadLetterCount: number;
  readonly createdOnMs: number;
  /** The position after the last event: reading from it yields only events appended later. */
  readonly endPosition: EventPosition;
}

/** The producer side: what the simulator needs. */
export interface EventLogProducer {
  /**
   * Appends readings, partitioned by deviceId, all or nothing: each gets the next sequence number of its
   * partition and the same enqueued time. Readings are validated against the `Reading` contract first.
   * @throws EventLogError `InvalidEvent` (see `AppendOptions.onInvalid`), `Unavailable`.
   */
  append(readings: readonly Reading[], options?: AppendOptions): Promise<AppendResult>;
}

/** The consumer side: what the aggregator needs. */
export interface EventLogConsumer {
  /**
   * Yields the events after `from` (`undefined`: from the beginning) in batches, in a deterministic order:
   * enqueued time, then partition id, then sequence number. Aborting throws an `AbortError` (Azure SDK style);
   * to stop quietly, `break` out of the loop.
   * @throws EventLogError `InvalidPosition`, `InvalidArgument`, `Unavailable`.
   */
  read(from: EventPosition | undefined, options?: ReadEventsOptions): AsyncIterable<ReceivedEventBatch>;
  getProperties(options?: OperationOptions): Promise<EventLogProperties>;
}

/** An event hub: the local log on SQLite now, Azure Event Hubs behind the same interface later. */
export interface EventLog extends EventLogProducer, EventLogConsumer {
  /** Releases the log. Readers still iterating then fail with `Unavailable`. Idempotent. */
  close(): Promise<void>;
}
