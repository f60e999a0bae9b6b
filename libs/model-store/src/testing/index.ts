export { describeModelStore, readSeedFiles } from "./describe-model-store.js";
export type { DescribeModelStoreOptions, SeedFile, TestFramework } from "./describe-model-store.js";
