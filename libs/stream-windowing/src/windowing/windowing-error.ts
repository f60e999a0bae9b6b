import { FleetscoreError } from "@fleetscore/contracts";

export type WindowingErrorCode =
  /** An option is out of range or of the wrong type (the message names the option and the value). */
  | "InvalidOption"
  /** A reading with an empty id, a time that is not whole epoch milliseconds or a non-finite value (or such an arrival time). */
  | "InvalidInput"
  /** A snapshot is not JSON of this engine's format (or of a newer version of it). */
  | "InvalidSnapshot"
  /** A snapshot was made with different windows (another window size) than the engine restoring it. */
  | "SnapshotMismatch";

/** Raised by the windowing engine and the Stream Analytics generator; `code` says which case. */
export class WindowingError extends FleetscoreError<WindowingErrorCode> {}

export const isWindowingError = (e: unknown): e is WindowingError => e instanceof WindowingError;
