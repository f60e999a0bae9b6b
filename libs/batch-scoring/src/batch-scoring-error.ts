import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * - `InputNotFound`: The data file does not exist or cannot be opened.
 * - `InvalidInput`: The data file is not a readings CSV (missing columns, broken CSV or gzip).
 * - `NoModels`: The model store holds no models (almost always a wrong `--models` path).
 * - `InvalidRun`: The run's files do not make a run: shard manifests missing, disagreeing or invalid, a run id out of form.
 * - `OutputFailed`: An output file could not be written.
 * - `ShardMismatch`: `shard.count` differs from the shard count the run was started with (its shard manifests say).
 * - `RunLeased`: Another scorer holds the writer lease of this run (or shard): two writers would lose rows. The message names it.
 * - `RunNotFound`: The run reader found no file of the run (or of the one file asked for) under the output location.
 * - `InvalidLocation`: The run reader cannot open or list the output location.
 * - `InvalidRange`: A range of window ends that is missing (SQL input), empty, invalid, or given for a CSV input.
 * - `InputUnavailable`: The input's storage or database cannot be reached: a run-time failure, not the caller's.
 * - `InvalidWindowSize`: A window size that a SQL input does not hold, none chosen from several, or one given for a CSV.
 * - `InputChanged`: A resumed run was given another input than it started with (location, size, content, models or engine).
 */
export type BatchScoringErrorCode = "InputNotFound" | "InvalidInput" | "NoModels" | "InvalidRun" | "OutputFailed" | "ShardMismatch" | "RunLeased" | "RunNotFound" | "InvalidLocation" | "InvalidRange" | "InputUnavailable" | "InvalidWindowSize" | "InputChanged";

export class BatchScoringError extends FleetscoreError<BatchScoringErrorCode> {}

export const isBatchScoringError = errorGuard(BatchScoringError);
