import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

export type SchedulingErrorCode = "InvalidConfig" | "UnknownPipeline" | "RunNotFound" | "RunStoreUnavailable" | "InvalidArgument";

/** The one error class of @fleetscore/scheduling; `code` says what kind of failure it is. */
export class SchedulingError extends FleetscoreError<SchedulingErrorCode> {}

export const isSchedulingError = errorGuard(SchedulingError);
