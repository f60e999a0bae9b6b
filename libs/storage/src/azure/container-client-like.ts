import type { BlockBlobClient, ContainerClient } from "@azure/storage-blob";

/**
 * The part of `BlockBlobClient` that AzureBlobStore uses; `containerClient.getBlockBlobClient(name)` fits,
 * and so does any stand-in with these methods.
 */
export interface BlockBlobClientLike
  extends Pick<BlockBlobClient, "download" | "getProperties" | "exists" | "deleteIfExists" | "uploadData" | "uploadStream" | "getBlobLeaseClient"> {}

/** The part of `ContainerClient` that AzureBlobStore uses (as eventhubs-checkpointstore-blob's `ContainerClientLike`). */
export interface ContainerClientLike extends Pick<ContainerClient, "url" | "containerName" | "listBlobsFlat" | "createIfNotExists"> {
  getBlockBlobClient(blobName: string): BlockBlobClientLike;
}
