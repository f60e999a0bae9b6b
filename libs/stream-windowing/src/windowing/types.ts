/**
 * What Stream Analytics does with an event outside a tolerance: move its timestamp to the edge of the
 * tolerance ("adjust", the default) or discard it ("drop"). One action governs both policies, as in
 * a Stream Analytics job's "Event ordering" settings (ARM `eventsOutOfOrderPolicy`).
 */
export type EventOrderingAction = "adjust" | "drop";

export interface WindowingOptions {
  /** Tumbling window size. Default 5,000 (5 s). Windows are aligned to the Unix epoch. */
  readonly windowSizeInMs?: number;
  /** Late-arrival tolerance (arrival time - event time). Default 5,000, as Stream Analytics. */
  readonly lateArrivalToleranceInMs?: number;
  /** Out-of-order tolerance (largest event time seen - event time). Default 0, as Stream Analytics. */
  readonly outOfOrderToleranceInMs?: number;
  /** Default "adjust", as Stream Analytics. */
  readonly eventOrderingAction?: EventOrderingAction;
  /**
   * How long (event time, behind the watermark) a reading is remembered to recognise a redelivery of it
   * (same device, sensor, ts and value). Default 60,000.
   */
  readonly duplicateHorizonInMs?: number;
}

/** One reading as the windowing engine takes it. */
export interface TimedReading {
  readonly deviceId: string;
  readonly sensorId: string;
  /** Event time (the reading's `ts`, Stream Analytics' TIMESTAMP BY), epoch ms UTC. */
  readonly eventTimeMs: number;
  /**
   * Arrival time (Event Hubs' enqueued time), epoch ms UTC. A replayed CSV has none: sources then pass
   * the event time, so the late-arrival policy never applies to a replay.
   */
  readonly arrivalTimeMs: number;
  readonly value: number;
}

/** Counters since the engine was created (restored engines continue their snapshot's counts). */
export interface WindowingMetrics {
  /** Readings taken into a window (after any adjustment). */
  readonly accepted: number;
  /** Redeliveries recognised and ignored. */
  readonly duplicates: number;
  readonly lateAdjusted: number;
  readonly lateDropped: number;
  readonly outOfOrderAdjusted: number;
  readonly outOfOrderDropped: number;
  readonly windowsEmitted: number;
}
