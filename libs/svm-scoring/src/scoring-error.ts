import { FleetscoreError } from "@fleetscore/contracts";

/**
 * - `InvalidModel`: the artifact cannot be read or is inconsistent (unreadable protobuf, missing or
 *   non-finite parameters, sizes that do not match).
 * - `UnsupportedModel`: a readable model outside the family this lib scores
 *   (`Scaler` -> `SVMRegressor` -> `Cast`/`Sign`): other operators, a classifier, `one_class=1`, ...
 * - `ModelMismatch`: a model's `.json` and `.onnx` (or its file name) describe different models.
 * - `FeatureMismatch`: the rows given to `score()` do not fit the model's feature count.
 * - `InvalidInput`: a row holds a value that is not a finite number.
 * - `EngineUnavailable`: the requested engine cannot run here (e.g. onnxruntime's native binding fails to load).
 * - `EngineFailed`: the engine failed on a model that passed validation (the cause says why).
 * - `SessionReleased`: `score()` was called after `release()`.
 */
export type ScoringErrorCode =
  | "InvalidModel"
  | "UnsupportedModel"
  | "ModelMismatch"
  | "FeatureMismatch"
  | "InvalidInput"
  | "EngineUnavailable"
  | "EngineFailed"
  | "SessionReleased";

export interface ScoringErrorOptions extends ErrorOptions {
  /** Id of the model concerned, when there is one. */
  readonly modelId?: string;
  /** Name (or op type) of the ONNX node concerned, when there is one. */
  readonly node?: string;
}

/** The one error class of `@fleetscore/svm-scoring`; `code` says what went wrong. */
export class ScoringError extends FleetscoreError<ScoringErrorCode> {
  readonly modelId?: string;
  readonly node?: string;

  constructor(message: string, code: ScoringErrorCode, options: ScoringErrorOptions = {}) {
    super(message, code, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.modelId !== undefined) this.modelId = options.modelId;
    if (options.node !== undefined) this.node = options.node;
  }
}

/** True for a {@link ScoringError}. */
export const isScoringError = (e: unknown): e is ScoringError => e instanceof ScoringError;
