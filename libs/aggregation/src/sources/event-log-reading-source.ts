import { parseEventPosition, formatEventPosition, type EventLogConsumer, type ReceivedEventBatch } from "@fleetscore/event-transport";
import type { TimedReading } from "@fleetscore/stream-windowing";
import type { ReadReadingsOptions, ReadingBatch, ReadingSource } from "./reading-source.js";

/** Events per batch: each batch is one SQL transaction with its checkpoint. */
const MAX_BATCH_SIZE = 50_000;

export interface EventLogReadingSourceOptions {
  /** Where the events come from, for messages and the default checkpoint name (a path or a URL, no credentials). */
  readonly location: string;
  /** Releases the consumer when the source is closed (e.g. `() => log.close()`). Default: nothing to release. */
  readonly close?: () => Promise<void>;
}

/**
 * An event log as the aggregator's source: any {@link EventLogConsumer}, the simulator's local log (the
 * embedded stand-in for Event Hubs) or an Event Hubs consumer. Arrival time is each event's enqueued time, as
 * Stream Analytics uses Event Hubs' EventEnqueuedUtcTime, so the late-arrival policy applies; invalid events the
 * consumer set aside are malformed readings. Following, an idle log still yields an empty batch every poll
 * interval with the arrival clock (see below), so the watermark moves on and windows close without new events.
 */
export function eventLogReadingSource(consumer: EventLogConsumer, options: EventLogReadingSourceOptions): ReadingSource {
  return {
    location: options.location,
    finite: false,
    close: options.close ?? (async () => undefined),
    read: (from, readOptions) => readLog(consumer, options.location, from, readOptions ?? {}),
  };
}

async function* readLog(log: EventLogConsumer, location: string, from: string | undefined, options: ReadReadingsOptions): AsyncIterable<ReadingBatch> {
  const pollIntervalInMs = options.pollIntervalInMs ?? 500;
  const events = log.read(from === undefined ? undefined : parseEventPosition(from), {
    maxBatchSize: MAX_BATCH_SIZE,
    pollIntervalInMs: Math.min(pollIntervalInMs, 100),
    ...(options.follow && { follow: true }),
    ...(options.abortSignal && { abortSignal: options.abortSignal }),
  });
  const batches = events[Symbol.asyncIterator]();
  let position = from ?? "v1:";
  let pending: Promise<IteratorResult<ReceivedEventBatch>> | undefined;
  // The arrival clock while idle: the last arrival time read plus the wall time since. For a live stream that
  // is now; for a simulated replay (arrival times in the past) it moves on from the replay's own clock. Before
  // the first event there is no clock to go by (a replay of the past may be about to start): no idle ticks.
  let lastArrival: { readonly arrivalMs: number; readonly wallMs: number } | undefined;
  for (;;) {
    pending ??= batches.next();
    const next = options.follow ? await Promise.race([pending, idle(pollIntervalInMs)]) : await pending;
    if (next === "idle") {
      // Nothing new for a while: tell the windowing engine how far the arrival clock has gone.
      if (lastArrival) yield { readings: [], malformed: [], malformedCount: 0, position, idleUntilMs: lastArrival.arrivalMs + (Date.now() - lastArrival.wallMs) };
      continue;
    }
    pending = undefined;
    if (next.done) return;
    position = formatEventPosition(next.value.position);
    const invalid = next.value.invalid ?? [];
    const last = next.value.events.at(-1);
    if (last) lastArrival = { arrivalMs: last.enqueuedTimeMs, wallMs: Date.now() };
    const malformed = invalid.slice(0, 100).map((i) => ({ where: `${location} partition ${i.partitionId} #${i.sequenceNumber}`, message: i.reason }));
    const deadLetters = invalid.map((i) => ({ sourceKey: `partition ${i.partitionId} #${i.sequenceNumber}`, reason: i.reason, body: bodyText(i.body), receivedAtMs: i.enqueuedTimeMs }));
    yield { readings: inArrivalOrder(next.value.events.map(toTimedReading)), malformed, malformedCount: invalid.length, ...(deadLetters.length > 0 && { deadLetters }), position };
  }
}

/** An invalid event's body as stored text: JSON where it is JSON-able, else its String(). */
function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}

/**
 * A batch in arrival order, events that arrived at the same instant by event time. A log or a hub orders a
 * batch by enqueued time and then by partition: a simulated send stamps all events of a batch with one arrival
 * time, so across partitions they would look out of order to the out-of-order policy and be re-timed (about
 * 30% of a default simulation at the default 0 s tolerance). Among equal arrivals no order is given, so taking
 * event time's is within the policy's semantics. Stable: the same batch gives the same order.
 */
function inArrivalOrder(readings: TimedReading[]): TimedReading[] {
  return readings.sort((a, b) => a.arrivalTimeMs - b.arrivalTimeMs || a.eventTimeMs - b.eventTimeMs);
}

function toTimedReading(e: ReceivedEventBatch["events"][number]): TimedReading {
  // The log validated the reading (contracts' Reading: ts is ISO-8601 UTC) when it was appended.
  return { deviceId: e.reading.deviceId, sensorId: e.reading.sensorId, eventTimeMs: Date.parse(e.reading.ts), arrivalTimeMs: e.enqueuedTimeMs, value: e.reading.value };
}

function idle(ms: number): Promise<"idle"> {
  return new Promise((resolve) => setTimeout(() => resolve("idle"), ms).unref());
}
