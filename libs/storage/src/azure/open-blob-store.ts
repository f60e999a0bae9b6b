import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { Pipeline, PipelinePolicy } from "@azure/core-rest-pipeline";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { OperationOptions } from "@fleetscore/contracts";
import type { BlobStore } from "../blob-store.js";
import { BlobStoreError } from "../blob-store-error.js";
import { FolderBlobStore } from "../folder-blob-store.js";
import { formatBlobLocation, parseBlobLocation, type BlobLocation } from "../location.js";
import { logger } from "../log.js";
import { AzureBlobStore } from "./azure-blob-store.js";
import { storageTimeouts } from "./storage-timeouts.js";
import { tryTimeoutPolicy } from "./try-timeout-policy.js";
import { accountKeyFor } from "./connection-string.js";

/** How often and how long the Azure SDK retries a request (its `StorageRetryOptions`). */
export interface BlobRetryOptions {
  readonly maxTries?: number;
  readonly retryDelayInMs?: number;
  readonly maxRetryDelayInMs?: number;
  readonly tryTimeoutInMs?: number;
}

export interface OpenBlobStoreOptions extends OperationOptions {
  /**
   * Where `AZURE_STORAGE_CONNECTION_STRING` is read from (apps pass their parsed config or `process.env`;
   * libs never read `process.env` themselves). Its account key is used only when it names the location's account.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Use this credential instead of DefaultAzureCredential when no matching account key is found. */
  readonly credential?: TokenCredential;
  /** Create the folder or container when missing. Default false. */
  readonly createIfNotExists?: boolean;
  /**
   * Azure SDK retry policy; defaults to the SDK's (4 tries, exponential backoff from 4 s). `tryTimeoutInMs`
   * (default `env.FLEETSCORE_STORAGE_TRY_TIMEOUT_MS`, else 120,000) ends a try that has had no answer in that
   * time, so a hung service fails as `Unavailable` once the tries are spent.
   */
  readonly retryOptions?: BlobRetryOptions;
  /** A warning is logged each time a call has waited this long (default `env.FLEETSCORE_STORAGE_SLOW_CALL_MS`, else 10,000; 0: never). */
  readonly slowCallWarningAfterMs?: number;
  /** Blobs per listing request for Azure; default 5,000. */
  readonly listPageSize?: number;
}

/**
 * Opens a BlobStore for a location: a folder path gives a FolderBlobStore, an http(s) container URL an
 * AzureBlobStore authenticated with the account key of `env.AZURE_STORAGE_CONNECTION_STRING` when that
 * string names the same account (and endpoint), else with `options.credential` or DefaultAzureCredential.
 * @throws BlobStoreError `InvalidLocation` for a bad location, a missing folder, or (with createIfNotExists) errors creating it.
 */
export async function openBlobStore(location: string | BlobLocation, options: OpenBlobStoreOptions = {}): Promise<BlobStore> {
  const parsed = typeof location === "string" ? parseBlobLocation(location) : location;
  if (parsed.kind === "folder") return FolderBlobStore.create(parsed.path, { createIfNotExists: options.createIfNotExists });
  const key = accountKeyFor(parsed, options.env?.["AZURE_STORAGE_CONNECTION_STRING"]);
  const credential = key ? new StorageSharedKeyCredential(key.accountName, key.accountKey) : (options.credential ?? new DefaultAzureCredential());
  const credentialSource = key
    ? "the account key from AZURE_STORAGE_CONNECTION_STRING"
    : options.credential
      ? "the given token credential"
      : "DefaultAzureCredential";
  // The SDK refuses bearer tokens over plain http (with only a message to tell): say so before any request.
  if (!key && parsed.accountUrl.startsWith("http:")) {
    throw new BlobStoreError(
      `Azure Blob Storage at ${formatBlobLocation(parsed)}: ${credentialSource} needs an https URL; use https or an account key (AZURE_STORAGE_CONNECTION_STRING naming this account)`,
      "AuthenticationFailed",
    );
  }
  const timeouts = storageTimeouts(options);
  const container = new ContainerClient(`${parsed.accountUrl}/${parsed.container}`, credential, {
    // tryTimeoutInMs is applied here, client-side: the SDK would only send it to the service as `timeout`.
    ...(options.retryOptions && { retryOptions: { ...options.retryOptions, tryTimeoutInMs: undefined } }),
  });
  addPolicyAfterRetries(container, tryTimeoutPolicy(timeouts.tryTimeoutInMs));
  const store = new AzureBlobStore(container, {
    prefix: parsed.prefix,
    credentialSource,
    listPageSize: options.listPageSize,
    slowCallWarningAfterMs: timeouts.slowCallWarningAfterMs,
  });
  if (options.createIfNotExists) await store.createContainerIfNotExists({ abortSignal: options.abortSignal });
  logger.info("opened Azure blob store", { location: formatBlobLocation(parsed), credential: credentialSource });
  return store;
}

/**
 * Adds a policy below the SDK's retry policy, so it runs once per try. The SDK offers no option for this;
 * its clients expose their core pipeline as `storageClientContext.pipeline`, shared with every blob client
 * the container client makes (`getBlockBlobClient`). A missing pipeline (an SDK change) fails at open.
 */
function addPolicyAfterRetries(container: ContainerClient, policy: PipelinePolicy): void {
  const pipeline = (container as unknown as { storageClientContext?: { pipeline?: Pipeline } }).storageClientContext?.pipeline;
  if (!pipeline) throw new Error("@azure/storage-blob's ContainerClient has no storageClientContext.pipeline: the per-try timeout cannot be added");
  pipeline.addPolicy(policy, { afterPhase: "Retry" });
}
