import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { OperationOptions } from "@fleetscore/contracts";
import { parseBlobLocation } from "@fleetscore/storage";
import { BlobModelStore } from "./blob-model-store.js";
import { FolderModelStore } from "./folder-model-store.js";
import { ModelCache } from "./model-cache.js";
import type { ModelStore } from "./model-store.js";
import { CURRENT_BLOB, ModelVersionId } from "./model-version.js";
import { asModelStoreError, openBlobLocation } from "./open-blob-location.js";
import { isModelStoreError } from "./model-store-error.js";

export interface OpenModelStoreOptions extends OperationOptions {
  /** Where `AZURE_STORAGE_CONNECTION_STRING` is read from (apps pass it; libs never read `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A local folder caching downloaded files by sha256, so a second run downloads nothing. */
  readonly cacheDir?: string;
  /** Size bound of `cacheDir`; default 1 GiB. */
  readonly cacheMaxSizeInBytes?: number;
  /** Downloads in flight at once for a versioned store. Default 8. */
  readonly maxConcurrency?: number;
}

/** A store opened by `openModelStore`: `version` is set for versioned stores. */
export type OpenedModelStore = ModelStore & { readonly version?: string };

/** Splits `<location>@<version>`; a location without a valid version suffix is returned whole. */
export function splitModelLocation(location: string): { readonly base: string; readonly version?: string } {
  const at = location.lastIndexOf("@");
  if (at <= 0 || location.indexOf("/", at) !== -1 || location.indexOf("\\", at) !== -1) return { base: location };
  const version = location.slice(at + 1);
  return ModelVersionId.safeParse(version).success ? { base: location.slice(0, at), version } : { base: location };
}

/**
 * Opens the model store at a location string, so that a location can cross process and thread
 * boundaries (worker threads, cluster nodes) and be opened again there:
 * - a folder in the seed naming (no `current.json`): a FolderModelStore, as before;
 * - a folder or an http(s) container URL holding `current.json` (see `pushModelVersion`): a BlobModelStore
 *   of the current version; `<location>@<version>` pins a version. Its `location` carries `@<version>`.
 * @throws ModelStoreError `InvalidLocation`.
 */
export async function openModelStore(location: string, options: OpenModelStoreOptions = {}): Promise<OpenedModelStore> {
  options.abortSignal?.throwIfAborted();
  const { base, version } = splitModelLocation(location);
  let parsed;
  try {
    parsed = parseBlobLocation(base);
  } catch (e) {
    throw asModelStoreError(e, "Model store");
  }
  if (parsed.kind === "folder" && version === undefined && !(await isFile(join(parsed.path, CURRENT_BLOB)))) {
    return FolderModelStore.create(parsed.path, options);
  }
  const blobs = await openBlobLocation(base, options);
  const cache = options.cacheDir ? await ModelCache.create(options.cacheDir, { maxSizeInBytes: options.cacheMaxSizeInBytes }) : undefined;
  return BlobModelStore.create(blobs, { version, cache, maxConcurrency: options.maxConcurrency, abortSignal: options.abortSignal });
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** True for errors worth retrying (I/O), false for bad models, which fail the same way every time. */
export function isTransientModelStoreError(e: unknown): boolean {
  return isModelStoreError(e) && e.code === "Unreadable";
}
