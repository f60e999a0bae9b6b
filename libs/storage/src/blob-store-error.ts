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
  /** Any other refusal by the store; the original error is the `cause`. */
  | "RequestFailed";

export class BlobStoreError extends Error {
  override name = "BlobStoreError";
  static readonly BlobNotFound = "BlobNotFound";
  static readonly PreconditionFailed = "PreconditionFailed";
  static readonly InvalidName = "InvalidName";
  static readonly InvalidLocation = "InvalidLocation";
  static readonly Unavailable = "Unavailable";
  static readonly AuthenticationFailed = "AuthenticationFailed";
  static readonly RequestFailed = "RequestFailed";
  constructor(
    message: string,
    readonly code: BlobStoreErrorCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isBlobStoreError = (e: unknown): e is BlobStoreError => e instanceof Error && e.name === "BlobStoreError";

/** True for the `AbortError` an aborted `abortSignal` produces (Node, DOM or Azure SDK flavour). */
export const isAbortError = (e: unknown): e is Error => e instanceof Error && e.name === "AbortError";

/** Throws an `AbortError` when the signal has fired (whatever `reason` it was given). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");
}
