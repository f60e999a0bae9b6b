import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { OperationOptions } from "@fleetscore/contracts";
import type { BlobStore } from "../blob-store.js";
import { BlobStoreError } from "../blob-store-error.js";
import { FolderBlobStore } from "../folder-blob-store.js";
import { formatBlobLocation, parseBlobLocation, type BlobLocation } from "../location.js";
import { logger } from "../log.js";
import { AzureBlobStore } from "./azure-blob-store.js";
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
  /** Azure SDK retry policy; defaults to the SDK's (4 tries, exponential backoff from 4 s). */
  readonly retryOptions?: BlobRetryOptions;
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
  const container = new ContainerClient(`${parsed.accountUrl}/${parsed.container}`, credential, {
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  });
  const store = new AzureBlobStore(container, { prefix: parsed.prefix, credentialSource, listPageSize: options.listPageSize });
  if (options.createIfNotExists) await store.createContainerIfNotExists({ abortSignal: options.abortSignal });
  logger.info("opened Azure blob store", { location: formatBlobLocation(parsed), credential: credentialSource });
  return store;
}
