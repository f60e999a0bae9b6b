import { isBlobStoreError, parseBlobLocation } from "@fleetscore/storage";
import type { OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "./batch-scoring-error.js";
import { BlobRunOutput } from "./blob-run-output.js";
import { FolderRunOutput, type RunOutput } from "./folder-run-output.js";

export interface OpenRunOutputOptions extends OperationOptions {
  /** Attempts after the first for transient I/O errors. Default 3. */
  readonly retries?: number;
  /** Credentials for a Blob container (`AZURE_STORAGE_CONNECTION_STRING`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Make a missing container (a new run); `false` only opens an existing one (finalize). Default true. */
  readonly create?: boolean;
  /** How long a silent folder writer keeps its lease before another may take the run over. Default 30 s. */
  readonly leaseStaleAfterMs?: number;
}

/**
 * The run `<location>/<runId>/`: `location` is a folder or an http(s) Blob container URL (the run's files
 * become blobs `<run-id>/...`).
 * @throws BatchScoringError `InvalidRun` naming the location (unusable location, container unreachable).
 */
export async function openRunOutput(location: string, runId: string, options: OpenRunOutputOptions = {}): Promise<RunOutput> {
  const retries = options.retries ?? 3;
  let parsed;
  try {
    parsed = parseBlobLocation(location);
  } catch (e) {
    throw new BatchScoringError((e as Error).message, "InvalidRun", { cause: e });
  }
  if (parsed.kind === "folder") {
    return FolderRunOutput.create(parsed.path, runId, {
      ...(options.abortSignal && { abortSignal: options.abortSignal }),
      retries,
      ...(options.leaseStaleAfterMs !== undefined && { leaseStaleAfterMs: options.leaseStaleAfterMs }),
    });
  }
  try {
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    // One try per SDK call: BlobRunOutput retries with backoff itself (retries), so an outage fails in
    // seconds with a clear error instead of hiding behind the SDK's own minute-long retry policy.
    const store = await openBlobStore(parsed, {
      ...(options.env && { env: options.env }),
      createIfNotExists: options.create ?? true,
      ...(options.abortSignal && { abortSignal: options.abortSignal }),
      retryOptions: { maxTries: 1 },
    });
    return await BlobRunOutput.create(store, runId, { retries });
  } catch (e) {
    if (isBlobStoreError(e)) throw new BatchScoringError(e.message, "InvalidRun", { cause: e });
    throw e;
  }
}
