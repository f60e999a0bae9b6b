export type AggregationErrorCode =
  /** The source cannot be read as given (missing file, gzip with --follow, position that does not fit it). */
  | "InvalidSource"
  /** The checkpoint was made with other windowing options (window size, tolerances). */
  | "CheckpointMismatch";

export class AggregationError extends Error {
  override name = "AggregationError";
  constructor(
    message: string,
    readonly code: AggregationErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isAggregationError = (e: unknown): e is AggregationError => e instanceof Error && e.name === "AggregationError";
