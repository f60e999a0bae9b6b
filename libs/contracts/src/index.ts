export { DeviceId, SensorId, RunId, modelId, parseModelId, seedModelFileName, parseSeedModelFileName } from "./ids.js";
export type { ModelKey } from "./ids.js";
export { Reading, WindowAggregate } from "./reading.js";
export { KernelType, ModelParams } from "./model-params.js";
export { PREDICTION_CSV_HEADER, PredictionRow, isAnomaly, predictionFileName } from "./prediction.js";
export {
  EngineName,
  EngineChoice,
  ModelRunStatus,
  RunError,
  ModelRunResult,
  MalformedRowSample,
  RunManifest,
  RunManifestStatus,
  RUN_MANIFEST_FILE,
  shardManifestFileName,
} from "./run-manifest.js";
export type { OperationOptions } from "./operation-options.js";
export type { ModelArtifact } from "./model-artifact.js";
export { READING_CSV_COLUMNS, ReadingCsvRecord, parseReadingTimestamp } from "./reading-csv.js";
export { FleetscoreError, isFleetscoreError, errorGuard } from "./fleetscore-error.js";
export { isAbortError, abortError, throwIfAborted } from "./abort.js";
export { withRetries, isTransientIoError } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { mapWithConcurrency, Semaphore } from "./map-with-concurrency.js";
export { MAX_QUOTED_INPUT_CHARACTERS, quoteInput } from "./quote-input.js";
export { credentialInLocation, redactCredentials } from "./redact.js";
export { describeConfigIssues, valueAt } from "./config-issues.js";
