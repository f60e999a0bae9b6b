export type { ModelStore, ModelEntry, ListModelsOptions, GetModelOptions } from "./model-store.js";
export { ModelStoreError, isModelStoreError } from "./model-store-error.js";
export type { ModelStoreErrorCode } from "./model-store-error.js";
export { FolderModelStore, compareKeys } from "./folder-model-store.js";
export type { CreateFolderModelStoreOptions } from "./folder-model-store.js";
export { parseModelParams } from "./parse-model-params.js";
export { sha256Hex } from "./sha256.js";
export { openModelStore, isTransientModelStoreError } from "./open-model-store.js";
export type { OpenModelStoreOptions } from "./open-model-store.js";
