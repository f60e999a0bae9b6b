export type BatchScoringErrorCode =
  /** The data file does not exist or cannot be opened. */
  | "InputNotFound"
  /** The data file is not a readings CSV (missing columns, broken CSV or gzip). */
  | "InvalidInput"
  /** An output file could not be written. */
  | "OutputFailed"
  /** `shard.count` differs from the shard count the run was started with (its shard manifests say). */
  | "ShardMismatch";

export class BatchScoringError extends Error {
  override name = "BatchScoringError";
  constructor(
    message: string,
    readonly code: BatchScoringErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isBatchScoringError = (e: unknown): e is BatchScoringError =>
  e instanceof Error && e.name === "BatchScoringError";
