import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

export type AggregationErrorCode =
  /** The source cannot be read as given (missing file, gzip with --follow, position that does not fit it). */
  | "InvalidSource"
  /** The checkpoint was made with other windowing options (window size, tolerances). */
  | "CheckpointMismatch";

export class AggregationError extends FleetscoreError<AggregationErrorCode> {}

export const isAggregationError = errorGuard(AggregationError);
