import { FleetscoreError } from "@fleetscore/contracts";

export type ReadingsCsvErrorCode =
  /** The data file does not exist or cannot be opened. */
  | "InputNotFound"
  /** The data is not a readings CSV (no header, missing columns, broken gzip). */
  | "InvalidInput";

/** A readings CSV that cannot be read; the message names the file or source. */
export class ReadingsCsvError extends FleetscoreError<ReadingsCsvErrorCode> {}

export const isReadingsCsvError = (e: unknown): e is ReadingsCsvError => e instanceof ReadingsCsvError;
