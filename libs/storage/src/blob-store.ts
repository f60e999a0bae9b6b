import type { Readable } from "node:stream";
import type { OperationOptions } from "@fleetscore/contracts";

/** One blob as listed: its name relative to the store, size, ETag and last write. */
export interface BlobItem {
  readonly name: string;
  readonly sizeInBytes: number;
  readonly etag: string;
  readonly lastModified: Date;
}

/** What `getProperties` returns. */
export interface BlobProperties {
  /** Whether someone holds a lease on the blob now (`acquireLease`). */
  readonly leased: boolean;
  readonly etag: string;
  readonly sizeInBytes: number;
  readonly lastModified: Date;
}

/** What a successful `put` returns: the ETag of the version just written. */
export interface PutBlobResult {
  readonly etag: string;
}

export interface GetBlobOptions extends OperationOptions {}
export interface GetBlobPropertiesOptions extends OperationOptions {}
export interface BlobExistsOptions extends OperationOptions {}
export interface DeleteBlobOptions extends OperationOptions {}
export interface ListBlobsOptions extends OperationOptions {}

export interface PutBlobOptions extends OperationOptions {
  /** Write only if the blob's current ETag is this one (optimistic concurrency); else `PreconditionFailed`. */
  readonly ifMatch?: string;
  /** `"*"`: write only if the blob does not exist yet (create-only); else `PreconditionFailed`. */
  readonly ifNoneMatch?: "*";
  /** Write a blob that is under lease: the holder's lease id; else `LeaseLost`. */
  readonly leaseId?: string;
}

export interface AcquireBlobLeaseOptions extends OperationOptions {
  /** How long the lease lasts unless renewed: 15 to 60 seconds (Azure's bounds). */
  readonly durationInSeconds: number;
}

export interface BreakBlobLeaseOptions extends OperationOptions {
  /** Break only if the blob's ETag is still this one (the holder seen is the holder broken); else `PreconditionFailed`. */
  readonly ifMatch?: string;
}

/**
 * An exclusive, time-limited lease on one blob (Azure's Lease Blob): while it lasts, only its holder can
 * write the blob (`put` with `leaseId`) and nobody else can acquire it. It expires unless renewed, so a
 * killed holder cannot keep it forever.
 */
export interface BlobLease {
  readonly name: string;
  readonly leaseId: string;
  /** Extends the lease by its duration. @throws BlobStoreError `LeaseLost` when it expired and was taken. */
  renew(options?: OperationOptions): Promise<void>;
  /** Ends the lease now; a lease already lost is not an error. */
  release(options?: OperationOptions): Promise<void>;
}

/** The bytes of a `put`: a buffer, or a Node stream (consumed once). */
export type BlobBody = Uint8Array | Readable;

/**
 * A flat namespace of blobs (`models/v3/model_1_4.onnx`) over a folder or an Azure Blob container.
 * Names are `/`-separated and validated (see `validateBlobName`). Every method takes `{ abortSignal }`
 * and then rejects with an `AbortError`; every other failure is a `BlobStoreError`.
 */
export interface BlobStore {
  /** Where the blobs live: an absolute folder path or a container URL with prefix, never with credentials. */
  readonly location: string;
  /** The whole blob as bytes. @throws BlobStoreError `BlobNotFound`, `InvalidName`, ... */
  get(name: string, options?: GetBlobOptions): Promise<Uint8Array>;
  /** The blob as a Node stream; resolves once the blob is found. @throws BlobStoreError `BlobNotFound`, ... */
  getStream(name: string, options?: GetBlobOptions): Promise<Readable>;
  /**
   * Writes the whole blob; readers see the old or the new content, never a part.
   * @throws BlobStoreError `PreconditionFailed` when `ifMatch`/`ifNoneMatch` does not hold.
   */
  put(name: string, body: BlobBody, options?: PutBlobOptions): Promise<PutBlobResult>;
  /** Every blob whose name starts with `prefix` (a plain string prefix, `""` for all), sorted by name. */
  list(prefix?: string, options?: ListBlobsOptions): AsyncIterable<BlobItem>;
  exists(name: string, options?: BlobExistsOptions): Promise<boolean>;
  /** Deletes the blob; `true` if it existed, `false` if there was nothing to delete. */
  delete(name: string, options?: DeleteBlobOptions): Promise<boolean>;
  /** @throws BlobStoreError `BlobNotFound` */
  getProperties(name: string, options?: GetBlobPropertiesOptions): Promise<BlobProperties>;
  /**
   * Takes the lease on a blob, creating the blob (empty) when missing.
   * @throws BlobStoreError `LeaseAlreadyPresent` while another holder's lease lasts.
   */
  acquireLease(name: string, options: AcquireBlobLeaseOptions): Promise<BlobLease>;
  /** Ends whoever's lease is on the blob now (for a holder known to be gone). */
  breakLease(name: string, options?: BreakBlobLeaseOptions): Promise<void>;
}
