import { setTimeout as sleep } from "node:timers/promises";
import { isAbortError, type OperationOptions, type Reading } from "@fleetscore/contracts";
import type { EventLogProducer } from "@fleetscore/event-transport";
import { FAULT_KINDS, faultLabels, type FaultKind, type FaultLabel, type SimulatedEvent } from "./generate-readings.js";
import { logger } from "./log.js";
import { SimulationError } from "./simulation-error.js";

/**
 * The simulated time at which the batch being sent leaves the fleet. In simulated time, the transport
 * stamps it as the events' arrival time (the local log's clock, an Event Hubs application property), so a
 * replay of the past keeps the gap between event and arrival time a live fleet would have.
 */
export class SimulationClock {
  nowMs = 0;
  /** For `LocalEventLog.open(path, { clock })`. */
  readonly read = (): number => this.nowMs;
}

export interface SimulationProgress {
  /** Events the transport acknowledged (valid readings and malformed ones it set aside). */
  readonly sent: number;
  readonly deadLettered: number;
  readonly perPartition: Readonly<Record<string, number>>;
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Simulated send time of the last batch, epoch ms. */
  readonly simulatedTimeMs: number;
}

export interface SimulationSummary extends SimulationProgress {
  readonly skipped: number;
  readonly seconds: number;
}

export interface RunSimulationOptions extends OperationOptions {
  /**
   * `"simulated"` (default): send as fast as `ratePerSecond` allows; each batch's arrival time is its
   * simulated send time (see `SimulationClock`). `"real"`: send each batch when its simulated send time comes
   * on the wall clock (the fleet's own pace; event times should then start now); the transport stamps arrival.
   */
  readonly time?: "simulated" | "real";
  /** Events per second in simulated time; default unlimited. */
  readonly ratePerSecond?: number;
  /** Set before each append in simulated time. */
  readonly clock?: SimulationClock;
  /** Most events per append; default 1000. */
  readonly maxBatchSize?: number;
  /**
   * Most simulated time a batch spans, ms; default 1000. The whole batch arrives at its last event's send
   * time, so this bounds the delay batching adds (keep it under the aggregator's late-arrival tolerance).
   */
  readonly maxBatchSpanInMs?: number;
  /** Events at the start of the stream not sent again (resuming after `SendFailed`: its `sentCount`). Their labels are still given. */
  readonly skip?: number;
  /** Called after each batch is acknowledged. */
  readonly onProgress?: (progress: SimulationProgress) => void;
  /** Ground truth of every fault in the stream (skipped events included), in send order. */
  readonly onLabels?: (labels: readonly FaultLabel[]) => void;
}

/**
 * Sends a simulated stream to a producer (the local event log, Event Hubs), in batches, at a rate or in
 * real time. Malformed events are sent as they are: the transport sets them aside as dead letters.
 * @throws SimulationError `SendFailed` when the producer fails (its `sentCount` says where to resume:
 *   the batch that failed may have been stored in part, and resending it is absorbed by the aggregator's
 *   duplicate memory); the signal's AbortError.
 */
export async function runSimulation(events: Iterable<SimulatedEvent>, producer: EventLogProducer, options: RunSimulationOptions = {}): Promise<SimulationSummary> {
  const time = options.time ?? "simulated";
  const maxBatchSize = options.maxBatchSize ?? 1000;
  const span = options.maxBatchSpanInMs ?? 1000;
  const skip = options.skip ?? 0;
  const rate = options.ratePerSecond;
  if (rate !== undefined && !(rate > 0)) throw new SimulationError(`Invalid rate ${rate}: expected events per second > 0`, "InvalidArgument");
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw new SimulationError(`Invalid maxBatchSize ${maxBatchSize}`, "InvalidArgument");
  const signal = options.abortSignal;
  const started = performance.now();
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const perPartition: Record<string, number> = {};
  let sent = 0;
  let deadLettered = 0;
  let simulatedTimeMs = 0;
  let wallOffsetMs: number | undefined;
  const progress = (): SimulationProgress => ({ sent, deadLettered, perPartition: { ...perPartition }, faults: { ...faults }, simulatedTimeMs });

  const send = async (batch: SimulatedEvent[]): Promise<void> => {
    const last = batch[batch.length - 1]!.sendAtMs;
    if (time === "real") {
      wallOffsetMs ??= Date.now() - batch[0]!.sendAtMs;
      const wait = last + wallOffsetMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
    } else if (rate !== undefined) {
      const wait = (sent / rate) * 1000 - (performance.now() - started);
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
    }
    signal?.throwIfAborted();
    if (time === "simulated" && options.clock) options.clock.nowMs = last;
    let result;
    try {
      result = await producer.append(batch.map((e) => e.reading as Reading), { onInvalid: "deadLetter", ...(signal && { abortSignal: signal }) });
    } catch (e) {
      if (isAbortError(e)) throw e;
      throw new SimulationError(
        `Sending failed after ${skip + sent} events (${sent} in this run): ${(e as Error).message}. Run again with --skip ${skip + sent} to resume; the failed batch of ${batch.length} may have been stored in part, and a resent reading never counts twice in the aggregates`,
        "SendFailed",
        { cause: e, sentCount: skip + sent },
      );
    }
    for (const a of result.events) perPartition[a.partitionId] = (perPartition[a.partitionId] ?? 0) + 1;
    deadLettered += result.deadLettered.length;
    for (const e of batch) for (const f of e.faults) faults[f]++;
    sent += batch.length;
    simulatedTimeMs = last;
    options.onProgress?.(progress());
    if (logger.enabled("verbose")) logger.verbose("sent batch", { count: batch.length, simulatedTime: new Date(last).toISOString() });
  };

  let batch: SimulatedEvent[] = [];
  for (const event of events) {
    const labels = options.onLabels && event.faults.length > 0 ? faultLabels(event) : undefined;
    if (labels) options.onLabels!(labels);
    if (event.index < skip) continue;
    if (batch.length > 0 && (batch.length >= maxBatchSize || event.sendAtMs - batch[0]!.sendAtMs > span)) {
      await send(batch);
      batch = [];
    }
    batch.push(event);
  }
  if (batch.length > 0) await send(batch);
  return { ...progress(), skipped: skip, seconds: (performance.now() - started) / 1000 };
}
