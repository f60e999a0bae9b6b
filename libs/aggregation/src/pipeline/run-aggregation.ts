import type { OperationOptions } from "@fleetscore/contracts";
import { createLogger } from "@fleetscore/logger";
import type { AggregateStore } from "@fleetscore/sql-aggregates";
import type { MalformedReading, ReadingBatch, ReadingSource } from "../sources/reading-source.js";
import { TumblingWindowAggregator, type WindowingMetrics, type WindowingOptions } from "@fleetscore/stream-windowing";
import { AggregationError } from "./aggregation-error.js";

const logger = createLogger("fleetscore:aggregation");

export interface AggregationProgress {
  /** Readings read from the source in this process (valid and malformed). */
  readonly readings: number;
  readonly malformed: number;
  /** Malformed inputs stored in the dead-letter table (events of a hub), with their batch's checkpoint. */
  readonly deadLettered: number;
  /** Windows written in this process. */
  readonly windowsWritten: number;
  readonly watermarkMs: number;
  /** Cumulative since the checkpoint's first run. */
  readonly metrics: WindowingMetrics;
  readonly position: string;
}

export interface RunAggregationOptions extends OperationOptions {
  readonly source: ReadingSource;
  readonly store: AggregateStore;
  readonly windowing?: WindowingOptions;
  /** The checkpoint to continue from and save to. Default: `aggregator:<source location>`. */
  readonly checkpointName?: string;
  /** Wait for new readings at the end of the source; ends on abort (the last batch is saved first). */
  readonly follow?: boolean;
  /**
   * Close the open windows at the end of the source. Default: the source's `finite` (a replayed file yes,
   * a log no: readings for those windows may still come, and a closed window could not take them).
   */
  readonly closeWindowsAtEnd?: boolean;
  /** Called after each batch is saved. */
  readonly onProgress?: (progress: AggregationProgress) => void;
  /** Called with each malformed reading set aside (the first ones of each batch). */
  readonly onMalformed?: (reading: MalformedReading) => void;
}

export interface AggregationSummary extends AggregationProgress {
  /** The position the run started from (undefined: the beginning of the source). */
  readonly resumedFrom: string | undefined;
}

/**
 * The Stream Analytics job of the reference architecture: reads readings from a source, aggregates them
 * in tumbling windows, and upserts each closed window into SQL.
 *
 * Exactly once: after each batch of the source, the windows it closed, the source position and the
 * windowing engine's whole state (open windows, duplicate memory, watermark) are saved in one
 * transaction. A process killed at any moment restarts from its last checkpoint with the same state,
 * so it writes the same windows an uninterrupted run would; a window written twice (at-least-once) is
 * an idempotent upsert.
 *
 * @throws AggregationError `CheckpointMismatch` when the checkpoint was made with another window size;
 *   the source's and the store's errors (AggregateStoreError `Unavailable`, ...); the signal's AbortError
 *   only while waiting, never between a batch and its save.
 */
export async function runAggregation(options: RunAggregationOptions): Promise<AggregationSummary> {
  const { source, store, abortSignal } = options;
  const name = options.checkpointName ?? `aggregator:${source.location}`;
  const checkpoint = await store.readCheckpoint(name, abortSignal ? { abortSignal } : {});
  let engine: TumblingWindowAggregator;
  if (checkpoint) {
    try {
      engine = TumblingWindowAggregator.restore(checkpoint.state, options.windowing);
    } catch (e) {
      throw new AggregationError(`Checkpoint "${name}" in ${store.location} cannot continue with these options: ${(e as Error).message}`, "CheckpointMismatch", { cause: e });
    }
    logger.info("continuing from checkpoint", { checkpoint: name, position: checkpoint.position });
  } else {
    engine = new TumblingWindowAggregator(options.windowing);
  }

  let readings = 0;
  let malformed = 0;
  let windowsWritten = 0;
  let deadLettered = 0;
  let position = checkpoint?.position ?? "";
  const progress = (): AggregationProgress => ({ readings, malformed, deadLettered, windowsWritten, watermarkMs: engine.watermarkMs, metrics: engine.metrics, position });

  const save = async (nextPosition: string, windows = engine.takeEmitted(), deadLetters: ReadingBatch["deadLetters"] = undefined): Promise<void> => {
    // No abortSignal here: a batch taken from the source is saved with its position and dead letters, or not at all.
    await store.write(windows, { checkpoint: { name, position: nextPosition, state: engine.snapshot() }, ...(deadLetters && { deadLetters }) });
    deadLettered += deadLetters?.length ?? 0;
    windowsWritten += windows.length;
    position = nextPosition;
    options.onProgress?.(progress());
  };

  const batches = source.read(checkpoint?.position, {
    ...(options.follow && { follow: true }),
    ...(abortSignal && { abortSignal }),
  });
  try {
    for await (const batch of batches) {
      for (const r of batch.readings) engine.add(r);
      if (batch.idleUntilMs !== undefined) engine.advanceArrivalTime(batch.idleUntilMs);
      readings += batch.readings.length + batch.malformedCount;
      malformed += batch.malformedCount;
      for (const m of batch.malformed) options.onMalformed?.(m);
      const windows = engine.takeEmitted();
      // An idle tick that closed nothing changes nothing worth a transaction: a restart recomputes it.
      if (batch.readings.length === 0 && batch.malformedCount === 0 && windows.length === 0 && batch.position === position) continue;
      await save(batch.position, windows, batch.deadLetters);
    }
  } catch (e) {
    // Following ends on abort: what was read is saved already.
    if (!(options.follow && abortSignal?.aborted)) throw e;
  }
  if ((options.closeWindowsAtEnd ?? source.finite) && !abortSignal?.aborted) {
    const windows = engine.flush();
    // Nothing ever read and nothing to close: no checkpoint for a position that does not exist yet.
    if (windows.length > 0 || position !== "") await save(position, windows);
  }
  return { ...progress(), resumedFrom: checkpoint?.position };
}
