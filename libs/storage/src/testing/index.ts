export { describeBlobStore } from "./describe-blob-store.js";
export type { DescribeBlobStoreOptions, TestFramework } from "./describe-blob-store.js";
export { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite } from "./start-azurite.js";
export type { RunningAzurite } from "./start-azurite.js";
