import type { OperationOptions } from "@fleetscore/contracts";
import type { DeadLetter } from "@fleetscore/sql-aggregates";
import type { TimedReading } from "@fleetscore/stream-windowing";

/** A row or event that is not a valid reading: set aside, counted, never aggregated. */
export interface MalformedReading {
  /** Where it is, e.g. `data/sensor_data.csv:1207` or `events.db partition 2 #1207`. */
  readonly where: string;
  /** What is wrong, naming the field and value. */
  readonly message: string;
}

/** Readings from a source, with the position to resume from after them. */
export interface ReadingBatch {
  readonly readings: readonly TimedReading[];
  /** Where the source continues after this batch (opaque text: it is saved in the checkpoint). */
  readonly position: string;
  /** The first malformed rows of the batch, described ... */
  readonly malformed: readonly MalformedReading[];
  /** ... and how many there were in all. */
  readonly malformedCount: number;
  /**
   * Every malformed input of the batch that the source cannot give again once the checkpoint moves past it
   * (events of a hub): stored with the batch's checkpoint. Replayable sources (a CSV file) leave it out.
   */
  readonly deadLetters?: readonly DeadLetter[];
  /**
   * A live source with nothing new says so with the arrival time it has seen up to (an empty batch):
   * Stream Analytics then estimates the watermark from the arrival clock, so idle windows still close.
   */
  readonly idleUntilMs?: number;
}

export interface ReadReadingsOptions extends OperationOptions {
  /** Keep waiting for new readings after the end instead of finishing. */
  readonly follow?: boolean;
  /** How often a following source looks for new readings. Default 500 ms. */
  readonly pollIntervalInMs?: number;
}

/** Where the aggregator's readings come from: a replayed CSV, the local event log, Event Hubs. */
export interface ReadingSource {
  /** For messages and the default checkpoint name. */
  readonly location: string;
  /**
   * True when the source ends by nature (a file replay): at its end the aggregator closes the open windows.
   * A log keeps them open in the checkpoint, since more readings for them may still come.
   */
  readonly finite: boolean;
  /** Reads from a position given by an earlier batch (undefined: from the beginning). */
  read(from: string | undefined, options?: ReadReadingsOptions): AsyncIterable<ReadingBatch>;
  /** Releases what the source holds open (a database handle). */
  close(): Promise<void>;
}
