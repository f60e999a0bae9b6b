import { FleetscoreError } from "@fleetscore/contracts";

export type BlobStoreErrorCode =
  /** No blob by that name (or, for a folder, no file). */
  | "BlobNotFound"
  /** A conditional put lost: the blob exists (`ifNoneMatch: "*"`) or changed since that ETag (`ifMatch`). */
  | "PreconditionFailed"
  /** The blob name or prefix is not allowed (`..`, leading `/`, backslash, control characters, ...). */
  | "InvalidName"
  /** The location is not a folder or container URL we can use (bad URL, missing folder or container). */
  | "InvalidLocation"
  /** The storage service cannot be reached or keeps failing (connection refused, DNS, 5xx after retries). */
  | "Unavailable"
  /** The credentials were refused or are missing (HTTP 401/403, no Azure credential; EACCES for a folder). */
  | "AuthenticationFailed"
  /** Another holder has the blob's lease (`acquireLease`). */
  | "LeaseAlreadyPresent"
  /** The lease given (`put` with `leaseId`, `renew`) is no longer held: it expired or was broken. */
  | "LeaseLost"
  /** Any other refusal by the store; the original error is the `cause`. */
  | "RequestFailed";

export class BlobStoreError extends FleetscoreError<BlobStoreErrorCode> {}

export const isBlobStoreError = (e: unknown): e is BlobStoreError => e instanceof BlobStoreError;

export { isAbortError, throwIfAborted } from "@fleetscore/contracts";
