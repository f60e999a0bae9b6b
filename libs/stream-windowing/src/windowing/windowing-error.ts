import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * - `InvalidOption`: An option is out of range or of the wrong type (the message names the option and the value).
 * - `InvalidInput`: A reading with an empty id, a time that is not whole epoch milliseconds or a non-finite value (or such an arrival time).
 * - `InvalidSnapshot`: A snapshot is not JSON of this engine's format (or of a newer version of it).
 * - `SnapshotMismatch`: A snapshot was made with different windows (another window size) than the engine restoring it.
 */
export type WindowingErrorCode = "InvalidOption" | "InvalidInput" | "InvalidSnapshot" | "SnapshotMismatch";

/** Raised by the windowing engine and the Stream Analytics generator; `code` says which case. */
export class WindowingError extends FleetscoreError<WindowingErrorCode> {}

export const isWindowingError = errorGuard(WindowingError);
