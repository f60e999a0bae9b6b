import type { WindowAggregate } from "@fleetscore/contracts";

/**
 * One window aggregate with its times as epoch milliseconds (UTC): the form the windowing engine emits
 * and the SQL stores read and write. `toWindowAggregate` gives the contract's ISO-8601 shape.
 * Natural key: (deviceId, sensorId, windowEndMs).
 */
export interface WindowAggregateRecord {
  readonly deviceId: string;
  readonly sensorId: string;
  /** Exclusive: a tumbling window holds the readings with windowStartMs < ts <= windowEndMs. */
  readonly windowStartMs: number;
  /** Inclusive. */
  readonly windowEndMs: number;
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation; 0 for a window of one reading. */
  readonly stddev: number;
}

/** The contract shape (ISO-8601 UTC times) of a record. */
export function toWindowAggregate(record: WindowAggregateRecord): WindowAggregate {
  return {
    deviceId: record.deviceId,
    sensorId: record.sensorId,
    windowStart: new Date(record.windowStartMs).toISOString(),
    windowEnd: new Date(record.windowEndMs).toISOString(),
    count: record.count,
    mean: record.mean,
    min: record.min,
    max: record.max,
    stddev: record.stddev,
  };
}
