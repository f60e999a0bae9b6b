import { FolderBlobStore, isBlobStoreError, parseBlobLocation, type BlobStore } from "@fleetscore/storage";
import type { OperationOptions } from "@fleetscore/contracts";
import { ModelStoreError } from "./model-store-error.js";

export interface OpenBlobLocationOptions extends OperationOptions {
  /** Where `AZURE_STORAGE_CONNECTION_STRING` is read from; libs never read `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Create the folder or container when missing (push does). */
  readonly createIfNotExists?: boolean;
}

/**
 * A BlobStore for a folder path or an http(s) container URL. The Azure adapter (and the Azure SDK with it,
 * ~300 ms to load) is imported only for a URL, so folder users and every scorer worker thread never pay
 * for it (eslint.config.mjs lists the exception for Nx's module-boundary rule).
 * @throws ModelStoreError `InvalidLocation`.
 */
export async function openBlobLocation(location: string | BlobStore, options: OpenBlobLocationOptions = {}): Promise<BlobStore> {
  if (typeof location !== "string") return location;
  try {
    const parsed = parseBlobLocation(location);
    if (parsed.kind === "folder") return await FolderBlobStore.create(parsed.path, { createIfNotExists: options.createIfNotExists });
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    return await openBlobStore(parsed, {
      ...(options.env && { env: options.env }),
      ...(options.createIfNotExists !== undefined && { createIfNotExists: options.createIfNotExists }),
      ...(options.abortSignal && { abortSignal: options.abortSignal }),
    });
  } catch (e) {
    throw asModelStoreError(e, `Model store ${location}`);
  }
}

/** Storage errors as ModelStoreErrors (AbortError and ModelStoreErrors unchanged). */
export function asModelStoreError(e: unknown, what: string): unknown {
  if (!isBlobStoreError(e)) return e;
  const code = e.code === "InvalidLocation" ? "InvalidLocation" : e.code === "BlobNotFound" ? "ModelNotFound" : "Unreadable";
  return new ModelStoreError(`${what}: ${e.message}`, code, { cause: e });
}
