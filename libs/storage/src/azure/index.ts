export { AzureBlobStore } from "./azure-blob-store.js";
export type { AzureBlobStoreOptions } from "./azure-blob-store.js";
export type { BlockBlobClientLike, ContainerClientLike } from "./container-client-like.js";
export { openBlobStore } from "./open-blob-store.js";
export type { BlobRetryOptions, OpenBlobStoreOptions } from "./open-blob-store.js";
