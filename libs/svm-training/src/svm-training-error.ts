import { FleetscoreError } from "@fleetscore/contracts";

export type SvmTrainingErrorCode =
  /** Training options out of their domain: nu outside (0, 1], a negative or non-numeric gamma, tol <= 0, a degree that is not a non-negative integer. */
  | "InvalidOption"
  /** A model's data has fewer rows than training needs (`minRows`, at least 1). */
  | "TooFewRows"
  /** Every value of a model's data is the same: the scaler has no spread to learn and the SVM no shape. */
  | "ConstantValues"
  /** A value that is not finite (NaN, Infinity) in a model's data. */
  | "InvalidValues"
  /** The input cannot be used: no readings, or a location that cannot be read (the message names it). */
  | "InvalidInput"
  /** The output folder cannot be created or is not a folder. */
  | "InvalidLocation";

/** Why a model (or a whole training run) could not be trained; `code` says what to do about it. */
export class SvmTrainingError extends FleetscoreError<SvmTrainingErrorCode> {}

export const isSvmTrainingError = (e: unknown): e is SvmTrainingError => e instanceof SvmTrainingError;
