import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * Why a publisher operation failed. `ArmError` carries ARM's own `armCode` (e.g. `AuthorizationFailed`);
 * `Conflict` is a 409 (another deployment, or a changed body for an immutable asset version).
 */
export type PublisherErrorCode = "InvalidConfig" | "ArmError" | "Conflict" | "NotFound" | "Unavailable";

export interface PublisherErrorOptions extends ErrorOptions {
  /** The ARM resource path the failed request was for. */
  readonly resource?: string;
  readonly statusCode?: number;
  /** ARM's `error.code` from the response body. */
  readonly armCode?: string;
}

export class PublisherError extends FleetscoreError<PublisherErrorCode> {
  readonly resource: string | undefined;
  readonly statusCode: number | undefined;
  readonly armCode: string | undefined;

  constructor(
    message: string,
    code: PublisherErrorCode,
    options: PublisherErrorOptions = {},
  ) {
    super(message, code, options);
    this.resource = options.resource;
    this.statusCode = options.statusCode;
    this.armCode = options.armCode;
  }
}

export const isPublisherError = errorGuard(PublisherError);
