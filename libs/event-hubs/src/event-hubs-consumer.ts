import { EventHubConsumerClient, earliestEventPosition, type ReceivedEventData, type Subscription } from "@azure/event-hubs";
import { Reading, type OperationOptions } from "@fleetscore/contracts";
import {
  EventLogError,
  validateEventPosition,
  type EventLogConsumer,
  type EventLogProperties,
  type EventPosition,
  type InvalidEvent,
  type PartitionProperties,
  type ReadEventsOptions,
  type ReceivedEvent,
  type ReceivedEventBatch,
} from "@fleetscore/event-transport";
import type { EventHubsCheckpoints } from "./blob-checkpoints.js";
import { clientArgs, describeHub, toEventLogError, type EventHubsClientOptions, type EventHubsConnection } from "./connection.js";
import { ARRIVAL_TIME_PROPERTY } from "./event-hubs-producer.js";
import { logger } from "./log.js";

export interface CreateEventHubsConsumerOptions extends EventHubsClientOptions, OperationOptions {
  /** Default `$default`. */
  readonly consumerGroup?: string;
  /**
   * Checkpoints in Blob storage (`@azure/eventhubs-checkpointstore-blob`). Batch N's is written when the reader
   * asks for batch N + 1 (or ends), i.e. after the caller has processed it; a `read` without `from` starts there.
   */
  readonly checkpoints?: EventHubsCheckpoints;
  /**
   * The arrival time of an event: `"auto"` (default) the simulator's `fleetscore-arrival-time` property when
   * present (simulated time), else the hub's enqueued time; `"enqueued"` always the enqueued time.
   */
  readonly arrivalTime?: "auto" | "enqueued";
  /** Without `follow`, fail with `Unavailable` after this long without progress while the SDK reports errors; default 60 s. */
  readonly stallTimeoutInMs?: number;
}

interface Buffered {
  readonly event: ReceivedEventData;
  readonly arrivalMs: number;
}

interface PartitionState {
  readonly id: string;
  readonly buffer: Buffered[];
  /** Sequence number of the last event handed out (-1: none). */
  last: number;
  /** Without follow: the last sequence number when the read started (the end). */
  end: number;
  /** Following: the SDK's wait came back empty since the last event. */
  caughtUp: boolean;
  /** Offsets of handed-out events, for Blob checkpoints (real hubs' offsets are not sequence numbers). */
  offsets: Map<number, string>;
}

/**
 * Azure Event Hubs as an `EventLogConsumer`: one `EventHubConsumerClient.subscribe` per partition from the
 * position's sequence numbers, merged into batches ordered by arrival time, partition id, sequence number (the
 * local log's order). Invalid bodies are set aside in `batch.invalid`. Without `follow` the read ends once every
 * partition is read to where it was when the read began.
 */
export class EventHubsConsumer implements EventLogConsumer {
  readonly location: string;
  readonly consumerGroup: string;

  private constructor(
    private readonly client: EventHubConsumerClient,
    private readonly options: CreateEventHubsConsumerOptions,
  ) {
    this.location = describeHub(client.fullyQualifiedNamespace, client.eventHubName);
    this.consumerGroup = options.consumerGroup ?? "$default";
  }

  /** Connects (reads the partition ids). @throws EventLogError `InvalidArgument`, `Unavailable`. */
  static async create(connection: EventHubsConnection, options: CreateEventHubsConsumerOptions = {}): Promise<EventHubsConsumer> {
    const { first, hub, credential } = clientArgs(connection);
    const group = options.consumerGroup ?? "$default";
    const sdkOptions = options.retryOptions ? { retryOptions: options.retryOptions } : {};
    const client = credential ? new EventHubConsumerClient(group, first, hub, credential, sdkOptions) : new EventHubConsumerClient(group, first, hub, sdkOptions);
    try {
      await client.getPartitionIds(options.abortSignal ? { abortSignal: options.abortSignal } : {});
    } catch (e) {
      await client.close().catch(() => undefined);
      throw toEventLogError(e, describeHub(client.fullyQualifiedNamespace, hub), "connecting");
    }
    return new EventHubsConsumer(client, options);
  }

  read(from: EventPosition | undefined, options: ReadEventsOptions = {}): AsyncIterable<ReceivedEventBatch> {
    return this.readBatches(from, options);
  }

  async getProperties(options: OperationOptions = {}): Promise<EventLogProperties> {
    const opts = options.abortSignal ? { abortSignal: options.abortSignal } : {};
    try {
      const hub = await this.client.getEventHubProperties(opts);
      const partitions = await Promise.all(
        hub.partitionIds.map(async (id): Promise<PartitionProperties> => {
          const p = await this.client.getPartitionProperties(id, opts);
          return {
            partitionId: id,
            eventCount: p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1,
            isEmpty: p.isEmpty,
            lastEnqueuedSequenceNumber: p.isEmpty ? -1 : p.lastEnqueuedSequenceNumber,
            firstEnqueuedTimeMs: undefined,
            lastEnqueuedTimeMs: p.isEmpty ? undefined : p.lastEnqueuedOnUtc.getTime(),
          };
        }),
      );
      const sequenceNumbers = Object.fromEntries(partitions.filter((p) => !p.isEmpty).map((p) => [p.partitionId, p.lastEnqueuedSequenceNumber]));
      return {
        location: this.location,
        partitionIds: hub.partitionIds,
        partitions,
        eventCount: partitions.reduce((n, p) => n + p.eventCount, 0),
        deadLetterCount: 0,
        createdOnMs: hub.createdOn.getTime(),
        endPosition: { sequenceNumbers },
      };
    } catch (e) {
      throw toEventLogError(e, this.location, "reading its properties");
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async *readBatches(from: EventPosition | undefined, options: ReadEventsOptions): AsyncGenerator<ReceivedEventBatch> {
    const maxBatchSize = options.maxBatchSize ?? 1000;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > 100_000) {
      throw new EventLogError(`Invalid maxBatchSize ${maxBatchSize}: expected an integer from 1 to 100000`, "InvalidArgument");
    }
    const follow = options.follow ?? false;
    const signal = options.abortSignal;
    signal?.throwIfAborted();
    const props = await this.getProperties(signal ? { abortSignal: signal } : {});
    const start = from !== undefined ? validateEventPosition(from) : ((await this.options.checkpoints?.read(this.client.fullyQualifiedNamespace, this.client.eventHubName, this.consumerGroup)) ?? { sequenceNumbers: {} });
    for (const id of Object.keys(start.sequenceNumbers)) {
      if (!props.partitionIds.includes(id)) throw new EventLogError(`Invalid event position: it names partition ${id}, but ${this.location} has partitions ${props.partitionIds.join(", ")}`, "InvalidPosition");
    }
    const states: PartitionState[] = props.partitions.map((p) => ({
      id: p.partitionId,
      buffer: [],
      last: start.sequenceNumbers[p.partitionId] ?? -1,
      end: p.lastEnqueuedSequenceNumber,
      caughtUp: false,
      offsets: new Map(),
    }));
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    let drained: (() => void) | undefined;
    let lastError: unknown;
    const highWater = Math.max(2 * maxBatchSize, 1000);
    const useProperty = (this.options.arrivalTime ?? "auto") === "auto";
    const subscriptions: Subscription[] = states.map((state) =>
      this.client.subscribe(
        state.id,
        {
          processEvents: async (events) => {
            if (events.length === 0) state.caughtUp = true;
            for (const event of events) {
              const simulated = useProperty ? event.properties?.[ARRIVAL_TIME_PROPERTY] : undefined;
              state.buffer.push({ event, arrivalMs: typeof simulated === "number" ? simulated : event.enqueuedTimeUtc.getTime() });
              state.caughtUp = false;
            }
            lastError = undefined;
            notify();
            // Backpressure: the SDK waits for this promise before it receives more for the partition.
            while (state.buffer.length > highWater) await new Promise<void>((r) => (drained = r));
          },
          processError: async (err) => {
            lastError = err;
            logger.warning("event hubs receive error (the SDK retries)", { hub: this.location, partition: state.id, error: String((err as Error).message ?? err) });
            notify();
          },
        },
        {
          startPosition: state.last >= 0 ? { sequenceNumber: state.last, isInclusive: false } : earliestEventPosition,
          maxBatchSize: Math.min(maxBatchSize, 1000),
          maxWaitTimeInSeconds: 1,
        },
      ),
    );
    const pending = (s: PartitionState): boolean => s.buffer.length === 0 && (follow ? !s.caughtUp : s.last < s.end);
    const stall = this.options.stallTimeoutInMs ?? 60_000;
    let checkpointDue: EventPosition | undefined;
    try {
      for (;;) {
        if (checkpointDue) await this.options.checkpoints?.write(this.client.fullyQualifiedNamespace, this.client.eventHubName, this.consumerGroup, checkpointDue, offsetsOf(states, checkpointDue));
        checkpointDue = undefined;
        const events: ReceivedEvent[] = [];
        const invalid: InvalidEvent[] = [];
        let waitedSince = Date.now();
        while (events.length + invalid.length < maxBatchSize) {
          signal?.throwIfAborted();
          // The merge needs a head from every partition that may still have one before an earlier event.
          if (states.some(pending)) {
            if (events.length + invalid.length > 0 && follow) break;
            if (lastError !== undefined && !follow && Date.now() - waitedSince > stall) {
              throw toEventLogError(lastError, this.location, `reading (no progress for ${Math.round(stall / 1000)} s)`);
            }
            await waitFor((r) => (wake = r), 1000, signal);
            continue;
          }
          waitedSince = Date.now();
          let best: PartitionState | undefined;
          for (const s of states) {
            const head = s.buffer[0];
            if (head && (!best || head.arrivalMs < best.buffer[0]!.arrivalMs)) best = s;
          }
          if (!best) break;
          const { event, arrivalMs } = best.buffer.shift()!;
          if (best.buffer.length <= highWater) drained?.();
          best.last = event.sequenceNumber;
          best.offsets.set(event.sequenceNumber, String(event.offset));
          const parsed = Reading.safeParse(event.body);
          if (parsed.success) events.push({ partitionId: best.id, sequenceNumber: event.sequenceNumber, enqueuedTimeMs: arrivalMs, reading: parsed.data });
          else invalid.push({ partitionId: best.id, sequenceNumber: event.sequenceNumber, enqueuedTimeMs: arrivalMs, reason: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), body: event.body });
        }
        if (events.length + invalid.length > 0) {
          const position = { sequenceNumbers: Object.fromEntries(states.filter((s) => s.last >= 0).map((s) => [s.id, s.last])) };
          yield { events, position, ...(invalid.length > 0 && { invalid }) };
          // The caller asked for more: it has processed that batch, so its checkpoint may be written.
          checkpointDue = position;
          continue;
        }
        if (!follow) return;
        await waitFor((r) => (wake = r), 1000, signal);
      }
    } finally {
      drained?.();
      await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
    }
  }
}

function offsetsOf(states: readonly PartitionState[], position: EventPosition): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of states) {
    const seq = position.sequenceNumbers[s.id];
    if (seq === undefined) continue;
    out[s.id] = s.offsets.get(seq) ?? String(seq);
    for (const k of s.offsets.keys()) if (k < seq) s.offsets.delete(k);
  }
  return out;
}

/** Resolves when woken or after `ms`; rejects with the signal's AbortError. */
function waitFor(setWaker: (wake: () => void) => void, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DOMException("The operation was aborted.", "AbortError"));
    };
    const timer = setTimeout(done, ms);
    setWaker(done);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
