export type SchedulingErrorCode = "InvalidConfig" | "UnknownPipeline" | "RunNotFound" | "RunStoreUnavailable" | "InvalidArgument";

/** The one error class of @fleetscore/scheduling; `code` says what kind of failure it is. */
export class SchedulingError extends Error {
  override name = "SchedulingError";
  constructor(
    message: string,
    readonly code: SchedulingErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isSchedulingError = (e: unknown): e is SchedulingError => e instanceof Error && e.name === "SchedulingError";
