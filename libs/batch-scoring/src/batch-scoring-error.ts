import { FleetscoreError } from "@fleetscore/contracts";

export type BatchScoringErrorCode =
  /** The data file does not exist or cannot be opened. */
  | "InputNotFound"
  /** The data file is not a readings CSV (missing columns, broken CSV or gzip). */
  | "InvalidInput"
  /** The model store holds no models (almost always a wrong `--models` path). */
  | "NoModels"
  /** The run's files do not make a run: shard manifests missing, disagreeing or invalid, a run id out of form. */
  | "InvalidRun"
  /** An output file could not be written. */
  | "OutputFailed"
  /** `shard.count` differs from the shard count the run was started with (its shard manifests say). */
  | "ShardMismatch"
  /** Another scorer holds the writer lease of this run (or shard): two writers would lose rows. The message names it. */
  | "RunLeased"
  /** The run reader found no file of the run (or of the one file asked for) under the output location. */
  | "RunNotFound"
  /** The run reader cannot open or list the output location. */
  | "InvalidLocation"
  /** A range of window ends that is missing (SQL input), empty, invalid, or given for a CSV input. */
  | "InvalidRange"
  /** The input's storage or database cannot be reached: a run-time failure, not the caller's. */
  | "InputUnavailable"
  /** A window size that a SQL input does not hold, none chosen from several, or one given for a CSV. */
  | "InvalidWindowSize"
  /** A resumed run was given another input than it started with (location, size, content, models or engine). */
  | "InputChanged";

export class BatchScoringError extends FleetscoreError<BatchScoringErrorCode> {}

export const isBatchScoringError = (e: unknown): e is BatchScoringError => e instanceof BatchScoringError;
