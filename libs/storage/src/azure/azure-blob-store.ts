import { Readable } from "node:stream";
import type { BlobRequestConditions } from "@azure/storage-blob";
import type { AcquireBlobLeaseOptions, BlobBody, BlobLease, BlobExistsOptions, BlobItem, BlobProperties, BlobStore, BreakBlobLeaseOptions, DeleteBlobOptions, GetBlobOptions, GetBlobPropertiesOptions, ListBlobsOptions, PutBlobOptions, PutBlobResult } from "../blob-store.js";
import type { OperationOptions } from "@fleetscore/contracts";
import { BlobStoreError, isBlobStoreError, throwIfAborted } from "../blob-store-error.js";
import { validateBlobName, validateBlobPrefix } from "../blob-name.js";
import { checkDuration } from "../in-process-leases.js";
import { logger } from "../log.js";
import type { BlockBlobClientLike, ContainerClientLike } from "./container-client-like.js";
import { mapAzureError, type AzureErrorContext } from "./map-azure-error.js";
import { startSlowCallWatch, watchSlowCall } from "./slow-call-watch.js";

export interface AzureBlobStoreOptions {
  /** Blob names are stored under this prefix (`models/` or `""`); it must be `""` or end with `/`. */
  readonly prefix?: string;
  /** Blobs per listing request (the service's maximum, 5,000, by default). */
  readonly listPageSize?: number;
  /** Block size for stream uploads; default 4 MiB. */
  readonly uploadBlockSizeInBytes?: number;
  /** Parallel block uploads per put; default 4. */
  readonly maxUploadConcurrency?: number;
  /** How the client authenticates, for messages only (never a secret), e.g. `"DefaultAzureCredential"`. */
  readonly credentialSource?: string;
  /** Log a warning (operation, blob, location) each time a call has waited this long; 0: never. Default 10,000 ms. */
  readonly slowCallWarningAfterMs?: number;
}

/** How long a storage call waits before its first "still waiting" warning, unless configured. */
export const DEFAULT_SLOW_CALL_WARNING_AFTER_MS = 10_000;

/**
 * The signal handed to the SDK for one call: its own, following the caller's. The SDK adds an abort
 * listener per request and removes it only once the response streams end, so sharing the process-wide
 * signal across many concurrent calls piles listeners onto it (MaxListenersExceededWarning);
 * AbortSignal.any follows the caller's signal without adding a listener to it.
 */
function callSignal(abortSignal: AbortSignal | undefined): AbortSignal | undefined {
  return abortSignal ? AbortSignal.any([abortSignal]) : undefined;
}

function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    u.search = "";
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url.split("?")[0]!;
  }
}

async function toBytes(stream: NodeJS.ReadableStream | undefined): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

/** Listing returns ETags bare (`0x8D…`), headers quoted (`"0x8D…"`); we always hand out the quoted form. */
function quotedEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith("W/") ? etag : `"${etag}"`;
}

/**
 * A BlobStore over one Azure Blob container (or Azurite), optionally under a prefix. It takes a narrow
 * `ContainerClientLike` (a `ContainerClient` fits); `openBlobStore` builds one from a location. Puts are
 * atomic (a single Put Blob, or staged blocks committed at once) and honour `ifMatch`/`ifNoneMatch`.
 */
export class AzureBlobStore implements BlobStore {
  readonly location: string;
  readonly prefix: string;
  readonly credentialSource: string;
  private readonly context: AzureErrorContext;

  constructor(
    private readonly container: ContainerClientLike,
    private readonly options: AzureBlobStoreOptions = {},
  ) {
    const prefix = options.prefix ?? "";
    validateBlobPrefix(prefix);
    if (prefix !== "" && !prefix.endsWith("/")) {
      throw new BlobStoreError(`Invalid blob store prefix ${JSON.stringify(prefix)}: it must end with "/"`, "InvalidName");
    }
    this.prefix = prefix;
    this.location = `${withoutQuery(container.url)}${prefix ? `/${prefix}` : ""}`;
    this.credentialSource = options.credentialSource ?? "the container client's credential";
    this.context = { location: this.location, credentialSource: this.credentialSource };
  }

  /** Creates the container if it does not exist yet; true if it was created. */
  async createContainerIfNotExists(options: GetBlobOptions = {}): Promise<boolean> {
    const created = await this.call("createContainer", this.container.containerName, options, (abortSignal) => this.container.createIfNotExists({ abortSignal }));
    return created.succeeded;
  }

  async get(name: string, options: GetBlobOptions = {}): Promise<Uint8Array> {
    const blob = this.blob(name);
    return this.call("get", name, options, async (abortSignal) => toBytes((await blob.download(0, undefined, { abortSignal })).readableStreamBody));
  }

  async getStream(name: string, options: GetBlobOptions = {}): Promise<Readable> {
    const blob = this.blob(name);
    const body = (await this.call("getStream", name, options, (abortSignal) => blob.download(0, undefined, { abortSignal }))).readableStreamBody;
    if (!body) return Readable.from([]);
    return body instanceof Readable ? body : Readable.from(body);
  }

  async put(name: string, body: BlobBody, options: PutBlobOptions = {}): Promise<PutBlobResult> {
    const blob = this.blob(name);
    throwIfAborted(options.abortSignal);
    const conditions: BlobRequestConditions = {
      ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
      ...(options.ifNoneMatch !== undefined ? { ifNoneMatch: options.ifNoneMatch } : {}),
      ...(options.leaseId !== undefined ? { leaseId: options.leaseId } : {}),
    };
    try {
      const blockSize = this.options.uploadBlockSizeInBytes ?? 4 * 1024 * 1024;
      const concurrency = this.options.maxUploadConcurrency ?? 4;
      const abortSignal = callSignal(options.abortSignal);
      const response = await this.watched("put", name, () =>
        body instanceof Uint8Array
          ? blob.uploadData(body, { conditions, abortSignal, blockSize, concurrency })
          : blob.uploadStream(body, blockSize, concurrency, { conditions, abortSignal }),
      );
      if (!response.etag) throw new BlobStoreError(`Azure Blob Storage at ${this.location} returned no ETag for "${name}"`, "RequestFailed");
      logger.verbose("put blob", { location: this.location, name });
      return { etag: quotedEtag(response.etag) };
    } catch (e) {
      throw mapAzureError(e, name, this.context);
    }
  }

  async *list(prefix = "", options: ListBlobsOptions = {}): AsyncGenerator<BlobItem> {
    validateBlobPrefix(prefix);
    throwIfAborted(options.abortSignal);
    const pages = this.container
      .listBlobsFlat({ prefix: this.prefix + prefix, abortSignal: callSignal(options.abortSignal) })
      .byPage({ maxPageSize: this.options.listPageSize ?? 5000 });
    const call = { operation: "list", blob: prefix, location: this.location };
    const iterator = pages[Symbol.asyncIterator]();
    try {
      for (;;) {
        // Watch the wait for each page, not the caller's time between pages.
        const stopWatch = startSlowCallWatch(call, this.slowCallWarningAfterMs);
        const next = await iterator.next().finally(stopWatch);
        if (next.done) break;
        const page = next.value;
        for (const item of page.segment.blobItems) {
          yield {
            name: item.name.slice(this.prefix.length),
            sizeInBytes: item.properties.contentLength ?? 0,
            etag: quotedEtag(item.properties.etag),
            lastModified: item.properties.lastModified,
          };
        }
        throwIfAborted(options.abortSignal);
      }
    } catch (e) {
      throw mapAzureError(e, prefix, this.context);
    }
  }

  async exists(name: string, options: BlobExistsOptions = {}): Promise<boolean> {
    const blob = this.blob(name);
    return this.call("exists", name, options, (abortSignal) => blob.exists({ abortSignal }));
  }

  async delete(name: string, options: DeleteBlobOptions = {}): Promise<boolean> {
    const blob = this.blob(name);
    const deleted = (await this.call("delete", name, options, (abortSignal) => blob.deleteIfExists({ abortSignal }))).succeeded;
    if (deleted) logger.verbose("deleted blob", { location: this.location, name });
    return deleted;
  }

  async getProperties(name: string, options: GetBlobPropertiesOptions = {}): Promise<BlobProperties> {
    const blob = this.blob(name);
    const p = await this.call("getProperties", name, options, (abortSignal) => blob.getProperties({ abortSignal }));
    if (!p.etag || !p.lastModified) {
      throw new BlobStoreError(`Azure Blob Storage at ${this.location} returned no ETag for "${name}"`, "RequestFailed");
    }
    return { leased: p.leaseState === "leased", etag: quotedEtag(p.etag), sizeInBytes: p.contentLength ?? 0, lastModified: p.lastModified };
  }

  async acquireLease(name: string, options: AcquireBlobLeaseOptions): Promise<BlobLease> {
    const blob = this.blob(name);
    checkDuration(options.durationInSeconds);
    throwIfAborted(options.abortSignal);
    const abortSignal = callSignal(options.abortSignal);
    try {
      // A lease needs a blob: create an empty one unless it exists (losing that race is fine).
      await this.watched("acquireLease", name, () => blob.uploadData(new Uint8Array(0), { conditions: { ifNoneMatch: "*" }, abortSignal })).catch((e: unknown) => {
        const mapped = mapAzureError(e, name, this.context);
        if (!isBlobStoreError(mapped) || (mapped.code !== "PreconditionFailed" && mapped.code !== "LeaseAlreadyPresent")) throw mapped;
      });
      const client = blob.getBlobLeaseClient();
      await this.watched("acquireLease", name, () => client.acquireLease(options.durationInSeconds, { abortSignal }));
      const context = this.context;
      const watched = this.watched.bind(this);
      return {
        name,
        leaseId: client.leaseId,
        async renew(o: OperationOptions = {}) {
          await watched("renewLease", name, () => client.renewLease({ abortSignal: callSignal(o.abortSignal) })).catch((e: unknown) => {
            throw mapAzureError(e, name, context);
          });
        },
        async release(o: OperationOptions = {}) {
          await watched("releaseLease", name, () => client.releaseLease({ abortSignal: callSignal(o.abortSignal) })).catch((e: unknown) => {
            const mapped = mapAzureError(e, name, context);
            if (!isBlobStoreError(mapped) || mapped.code !== "LeaseLost") throw mapped;
          });
        },
      };
    } catch (e) {
      throw mapAzureError(e, name, this.context);
    }
  }

  async breakLease(name: string, options: BreakBlobLeaseOptions = {}): Promise<void> {
    const blob = this.blob(name);
    throwIfAborted(options.abortSignal);
    try {
      await this.watched("breakLease", name, () =>
        blob.getBlobLeaseClient().breakLease(0, { abortSignal: callSignal(options.abortSignal), ...(options.ifMatch !== undefined && { conditions: { ifMatch: options.ifMatch } }) }),
      );
    } catch (e) {
      const mapped = mapAzureError(e, name, this.context);
      // Nothing to break: the lease ended meanwhile.
      if (isBlobStoreError(mapped) && mapped.code === "LeaseLost") return;
      throw mapped;
    }
  }

  private get slowCallWarningAfterMs(): number {
    return this.options.slowCallWarningAfterMs ?? DEFAULT_SLOW_CALL_WARNING_AFTER_MS;
  }

  /**
   * One SDK call on a blob (or the container): refused when `options.abortSignal` has already fired, given
   * its own signal (callSignal), watched for slowness, and its failure mapped to a BlobStoreError.
   */
  private async call<T>(operation: string, blob: string, options: OperationOptions, work: (abortSignal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    throwIfAborted(options.abortSignal);
    try {
      return await this.watched(operation, blob, () => work(callSignal(options.abortSignal)));
    } catch (e) {
      throw mapAzureError(e, blob, this.context);
    }
  }

  /** One SDK call, with a warning logged while it waits longer than `slowCallWarningAfterMs`. */
  private watched<T>(operation: string, blob: string, work: () => Promise<T>): Promise<T> {
    return watchSlowCall({ operation, blob, location: this.location }, this.slowCallWarningAfterMs, work);
  }

  private blob(name: string): BlockBlobClientLike {
    const full = this.prefix + validateBlobName(name);
    if (full.length > 1024) validateBlobName(full);
    return this.container.getBlockBlobClient(full);
  }
}
