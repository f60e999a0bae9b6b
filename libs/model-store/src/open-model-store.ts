import type { OperationOptions } from "@fleetscore/contracts";
import { FolderModelStore } from "./folder-model-store.js";
import type { ModelStore } from "./model-store.js";

export interface OpenModelStoreOptions extends OperationOptions {}

/**
 * Opens the model store at a location string, so that a location can cross process and thread
 * boundaries (worker threads, cluster nodes) and be opened again there. Today a location is a folder
 * path; Blob container URLs join here.
 * @throws ModelStoreError `InvalidLocation`.
 */
export async function openModelStore(location: string, options: OpenModelStoreOptions = {}): Promise<ModelStore> {
  return FolderModelStore.create(location, options);
}

/** True for errors worth retrying (I/O), false for bad models, which fail the same way every time. */
export function isTransientModelStoreError(e: unknown): boolean {
  return e instanceof Error && e.name === "ModelStoreError" && (e as { code?: string }).code === "Unreadable";
}
