import { FleetscoreError } from "@fleetscore/contracts";

export type EventLogErrorCode =
  /** A reading broke the `Reading` contract (append without dead-lettering); `invalidReadings` says which and why. */
  | "InvalidEvent"
  /** An event position that cannot be parsed, names a partition the log does not have, or is ahead of the log. */
  | "InvalidPosition"
  /** An option out of range (partitionCount, maxBatchSize, ...) or a partitionCount that differs from the existing log's. */
  | "InvalidArgument"
  /** The log cannot be used: unopenable or missing file, not a SQLite file or corrupt, locked for too long, closed. The path is named. */
  | "Unavailable"
  /** The file was written by a newer version of this library (its schema version is higher than ours). */
  | "SchemaTooNew";

/** One reading that failed validation: its index in the appended array, the field and what is wrong with it. */
export interface InvalidReading {
  readonly index: number;
  /** Dotted path of the offending field (`ts`, `value`, ...); empty when the reading itself is not an object. */
  readonly field: string;
  /** What is wrong, with the value that was given, e.g. `ts: Invalid ISO datetime (got "2024-02-30T00:00:00Z")`. */
  readonly message: string;
}

export class EventLogError extends FleetscoreError<EventLogErrorCode> {
  /** For `InvalidEvent`: every invalid reading of the batch (the message names the first). Empty otherwise. */
  readonly invalidReadings: readonly InvalidReading[];
  constructor(message: string, code: EventLogErrorCode, options?: ErrorOptions & { readonly invalidReadings?: readonly InvalidReading[] }) {
    super(message, code, options);
    this.invalidReadings = options?.invalidReadings ?? [];
  }
}

export const isEventLogError = (e: unknown): e is EventLogError => e instanceof EventLogError;

export { isAbortError, throwIfAborted, abortError } from "@fleetscore/contracts";
