import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * - `BlobNotFound`: No blob by that name (or, for a folder, no file).
 * - `PreconditionFailed`: A conditional put lost: the blob exists (`ifNoneMatch: "*"`) or changed since that ETag (`ifMatch`).
 * - `InvalidName`: The blob name or prefix is not allowed (`..`, leading `/`, backslash, control characters, ...).
 * - `InvalidLocation`: The location is not a folder or container URL we can use (bad URL, missing folder or container).
 * - `Unavailable`: The storage service cannot be reached or keeps failing (connection refused, DNS, 5xx after retries).
 * - `AuthenticationFailed`: The credentials were refused or are missing (HTTP 401/403, no Azure credential; EACCES for a folder).
 * - `LeaseAlreadyPresent`: Another holder has the blob's lease (`acquireLease`).
 * - `LeaseLost`: The lease given (`put` with `leaseId`, `renew`) is no longer held: it expired or was broken.
 * - `RequestFailed`: Any other refusal by the store; the original error is the `cause`.
 */
export type BlobStoreErrorCode = "BlobNotFound" | "PreconditionFailed" | "InvalidName" | "InvalidLocation" | "Unavailable" | "AuthenticationFailed" | "LeaseAlreadyPresent" | "LeaseLost" | "RequestFailed";

export class BlobStoreError extends FleetscoreError<BlobStoreErrorCode> {}

export const isBlobStoreError = errorGuard(BlobStoreError);

export { isAbortError, throwIfAborted } from "@fleetscore/contracts";
