export { describeBlobStore } from "./describe-blob-store.js";
export type { DescribeBlobStoreOptions, TestFramework } from "./describe-blob-store.js";
