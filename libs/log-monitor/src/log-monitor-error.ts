import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * - `RunNotFound`: no file of the run under the output location (or no run at all for `listRuns`).
 * - `InvalidLocation`: the output, logs or labels location cannot be opened.
 * - `InvalidRun`: a manifest of the run is not valid JSON or does not match the RunManifest schema.
 * - `InvalidLabels`: the labels CSV lacks a column or has a bad row (the message names the line).
 * - `ExportFailed`: Application Insights rejected or could not receive the export.
 */
export type LogMonitorErrorCode = "RunNotFound" | "InvalidLocation" | "InvalidRun" | "InvalidLabels" | "ExportFailed";

export class LogMonitorError extends FleetscoreError<LogMonitorErrorCode> {}

export const isLogMonitorError = errorGuard(LogMonitorError);
