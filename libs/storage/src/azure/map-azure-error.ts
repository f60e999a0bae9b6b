import { BlobStoreError, isAbortError, isBlobStoreError } from "../blob-store-error.js";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "REQUEST_SEND_ERROR",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);
/** The service's codes for a lease id that no longer holds (expired and taken, broken, released). */
const LEASE_LOST_CODES = new Set(["LeaseIdMismatchWithBlobOperation", "LeaseIdMismatchWithLeaseOperation", "LeaseNotPresentWithBlobOperation", "LeaseNotPresentWithLeaseOperation", "LeaseLost", "LeaseIsBrokenAndCannotBeRenewed", "LeaseIsBreakingAndCannotBeAcquired"]);
const IDENTITY_ERRORS = new Set(["CredentialUnavailableError", "AuthenticationError", "AggregateAuthenticationError", "AuthenticationRequiredError"]);

interface ErrorFields {
  readonly statusCode?: number;
  readonly code?: string;
}

function fieldsOf(e: unknown): ErrorFields {
  if (typeof e !== "object" || e === null) return {};
  const { statusCode, code } = e as { statusCode?: unknown; code?: unknown };
  const nested = (e as { cause?: { code?: unknown } }).cause?.code;
  return {
    statusCode: typeof statusCode === "number" ? statusCode : undefined,
    code: typeof code === "string" ? code : typeof nested === "string" ? nested : undefined,
  };
}

/** What the mapping needs to name things: the store (URL without credentials) and how it authenticates. */
export interface AzureErrorContext {
  readonly location: string;
  readonly credentialSource: string;
}

/**
 * Turns whatever the Azure SDK threw into a BlobStoreError (the original as `cause`); an `AbortError` or a
 * BlobStoreError is returned unchanged. `RestError` never leaves the adapter.
 */
export function mapAzureError(e: unknown, subject: string, context: AzureErrorContext): Error {
  if (isAbortError(e) || isBlobStoreError(e)) return e;
  const { statusCode, code } = fieldsOf(e);
  const where = `Azure Blob Storage at ${context.location}`;
  const cause = { cause: e };
  if (e instanceof Error && IDENTITY_ERRORS.has(e.name)) {
    return new BlobStoreError(`${where}: no usable credential (${context.credentialSource}: ${e.name}); sign in (az login, managed identity) or set AZURE_STORAGE_CONNECTION_STRING for this account`, "AuthenticationFailed", cause);
  }
  if (statusCode === 404) {
    if (code === "ContainerNotFound") {
      return new BlobStoreError(`${where}: the container does not exist; create it or open the store with createIfNotExists`, "InvalidLocation", cause);
    }
    return new BlobStoreError(`Blob "${subject}" not found in ${context.location}`, "BlobNotFound", cause);
  }
  if (code === "LeaseAlreadyPresent" || code === "LeaseIdMissing") {
    return new BlobStoreError(`Blob "${subject}" in ${context.location} is leased by another holder`, "LeaseAlreadyPresent", cause);
  }
  if (code !== undefined && LEASE_LOST_CODES.has(code)) {
    return new BlobStoreError(`The lease on blob "${subject}" in ${context.location} is no longer held (${code}): it expired and was taken, or was broken`, "LeaseLost", cause);
  }
  if (statusCode === 412 || (statusCode === 409 && code === "BlobAlreadyExists")) {
    const why = statusCode === 409 ? "already exists" : "changed since that ETag (or does not exist)";
    return new BlobStoreError(`Blob "${subject}" in ${context.location} ${why}: the conditional put lost to another writer`, "PreconditionFailed", cause);
  }
  if (statusCode === 401 || statusCode === 403) {
    return new BlobStoreError(
      `${where} refused the request on "${subject}" (HTTP ${statusCode}${code ? ` ${code}` : ""}) with ${context.credentialSource}; check that this credential is for this account and has a Storage Blob Data role`,
      "AuthenticationFailed",
      cause,
    );
  }
  if (statusCode !== undefined && (statusCode >= 500 || statusCode === 408 || statusCode === 429)) {
    return new BlobStoreError(`${where} is unavailable (HTTP ${statusCode}${code ? ` ${code}` : ""}) on "${subject}" after retries; try again later`, "Unavailable", cause);
  }
  if (statusCode === undefined && code !== undefined && NETWORK_CODES.has(code)) {
    // A timeout says what timed out: our per-try timeout (try-timeout-policy.ts) how long each try waited,
    // a socket's which address. (The SDK re-creates the error on its way out, so its class is not ours.)
    const detail = code === "ETIMEDOUT" && e instanceof Error ? `${code}: ${e.message}` : code;
    return new BlobStoreError(`${where} is unreachable (${detail}) on "${subject}"; is the service running and the host and port right?`, "Unavailable", cause);
  }
  const detail = statusCode !== undefined ? `HTTP ${statusCode}${code ? ` ${code}` : ""}` : code ?? (e instanceof Error ? e.name : "unknown error");
  return new BlobStoreError(`${where} failed on "${subject}" (${detail})`, "RequestFailed", cause);
}
