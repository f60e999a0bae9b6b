import { EventHubProducerClient, type EventData } from "@azure/event-hubs";
import { Reading, type OperationOptions } from "@fleetscore/contracts";
import { EventLogError, partitionIdForKey, type AppendOptions, type AppendResult, type AppendedEvent, type EventLogProducer, type InvalidReading } from "@fleetscore/event-transport";
import { clientArgs, describeHub, toEventLogError, type EventHubsClientOptions, type EventHubsConnection } from "./connection.js";
import { logger } from "./log.js";

/** The application property carrying a simulated arrival time (epoch ms); see the README. */
export const ARRIVAL_TIME_PROPERTY = "fleetscore-arrival-time";

export interface CreateEventHubsProducerOptions extends EventHubsClientOptions, OperationOptions {
  /** SDK batches sent at once; default 4. */
  readonly maxBatchesInFlight?: number;
  /**
   * Simulated time: the arrival time each appended event carries (`fleetscore-arrival-time`), read at each
   * append. Leave it out in real time: the hub's enqueued time is then the arrival time.
   */
  readonly arrivalTime?: () => number;
}

/**
 * Azure Event Hubs as an `EventLogProducer`: `EventHubProducerClient`, readings as JSON bodies, partition key
 * = deviceId, one `createBatch`/`tryAdd`/`sendBatch` loop per key with at most `maxBatchesInFlight` batches in
 * flight, the SDK's retries. An append is acknowledged when every batch is; on failure some may have been stored.
 */
export class EventHubsProducer implements EventLogProducer {
  readonly location: string;
  private constructor(
    private readonly client: EventHubProducerClient,
    private readonly partitionCount: number,
    private readonly options: CreateEventHubsProducerOptions,
  ) {
    this.location = describeHub(client.fullyQualifiedNamespace, client.eventHubName);
  }

  /** Connects and reads the hub's partition count. @throws EventLogError `InvalidArgument`, `Unavailable`. */
  static async create(connection: EventHubsConnection, options: CreateEventHubsProducerOptions = {}): Promise<EventHubsProducer> {
    const { first, hub, credential } = clientArgs(connection);
    const sdkOptions = options.retryOptions ? { retryOptions: options.retryOptions } : {};
    const client = credential ? new EventHubProducerClient(first, hub, credential, sdkOptions) : new EventHubProducerClient(first, hub, sdkOptions);
    try {
      const ids = await client.getPartitionIds(options.abortSignal ? { abortSignal: options.abortSignal } : {});
      logger.info("connected producer", { hub: describeHub(client.fullyQualifiedNamespace, hub), partitions: ids.length });
      return new EventHubsProducer(client, ids.length, options);
    } catch (e) {
      await client.close().catch(() => undefined);
      throw toEventLogError(e, describeHub(client.fullyQualifiedNamespace, hub), "connecting");
    }
  }

  async append(readings: readonly Reading[], options: AppendOptions = {}): Promise<AppendResult> {
    options.abortSignal?.throwIfAborted();
    const onInvalid = options.onInvalid ?? "reject";
    const invalid: InvalidReading[] = [];
    const byKey = new Map<string, { index: number; body: unknown }[]>();
    readings.forEach((r, index) => {
      const parsed = Reading.safeParse(r);
      if (!parsed.success) invalid.push({ index, field: parsed.error.issues[0]?.path.join(".") ?? "", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      // With "deadLetter", an invalid reading is sent as it is: the hub has no dead-letter store, its consumer sets it aside.
      if (parsed.success || onInvalid === "deadLetter") {
        const key = typeof (r as { deviceId?: unknown }).deviceId === "string" && (r as Reading).deviceId !== "" ? (r as Reading).deviceId : "-";
        let group = byKey.get(key);
        if (!group) byKey.set(key, (group = []));
        group.push({ index, body: parsed.success ? parsed.data : r });
      }
    });
    if (invalid.length > 0 && onInvalid === "reject") {
      throw new EventLogError(`Invalid reading at index ${invalid[0]!.index} of ${readings.length}: ${invalid[0]!.message}; nothing of this batch was sent to ${this.location}`, "InvalidEvent", { invalidReadings: invalid });
    }
    const arrival = this.options.arrivalTime?.();
    const properties = arrival === undefined ? undefined : { [ARRIVAL_TIME_PROPERTY]: arrival };
    const events: AppendedEvent[] = [];
    const sends: (() => Promise<void>)[] = [];
    for (const [key, group] of byKey) {
      const partitionId = partitionIdForKey(key, this.partitionCount);
      for (const g of group) events.push({ index: g.index, partitionId, sequenceNumber: -1 });
      sends.push(() => this.sendKey(key, group.map((g) => ({ body: g.body, contentType: "application/json", ...(properties && { properties }) })), options.abortSignal));
    }
    await runBounded(sends, this.options.maxBatchesInFlight ?? 4);
    events.sort((a, b) => a.index - b.index);
    return { events, enqueuedTimeMs: arrival ?? Date.now(), deadLettered: onInvalid === "deadLetter" ? invalid : [] };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async sendKey(partitionKey: string, events: EventData[], abortSignal: AbortSignal | undefined): Promise<void> {
    const opts = abortSignal ? { abortSignal } : {};
    try {
      let batch = await this.client.createBatch({ partitionKey, ...opts });
      for (const e of events) {
        if (batch.tryAdd(e)) continue;
        if (batch.count === 0) throw new EventLogError(`An event of device ${partitionKey} is larger than the hub's largest message (${batch.maxSizeInBytes} bytes)`, "InvalidEvent");
        await this.client.sendBatch(batch, opts);
        batch = await this.client.createBatch({ partitionKey, ...opts });
        if (!batch.tryAdd(e)) throw new EventLogError(`An event of device ${partitionKey} is larger than the hub's largest message (${batch.maxSizeInBytes} bytes)`, "InvalidEvent");
      }
      if (batch.count > 0) await this.client.sendBatch(batch, opts);
    } catch (e) {
      throw toEventLogError(e, this.location, "sending");
    }
  }
}

/** Runs the tasks with at most `limit` at once; the first failure is thrown once all have settled. */
async function runBounded(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task().catch((e: unknown) => {
        failure ??= e;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
}
