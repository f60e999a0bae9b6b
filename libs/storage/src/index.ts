// Every type of the BlobStore interface (BlobStore, BlobItem, the options bags, BlobLease ...).
export type * from "./blob-store.js";
export { BlobStoreError, isBlobStoreError, isAbortError } from "./blob-store-error.js";
export type { BlobStoreErrorCode } from "./blob-store-error.js";
export { validateBlobName, validateBlobPrefix, MAX_BLOB_NAME_LENGTH } from "./blob-name.js";
export { FolderBlobStore } from "./folder-blob-store.js";
export type { CreateFolderBlobStoreOptions } from "./folder-blob-store.js";
export { parseBlobLocation, formatBlobLocation } from "./location.js";
export type { BlobLocation, FolderBlobLocation, AzureBlobLocation } from "./location.js";
export { locationContains } from "./location-contains.js";
