import { RUN_MANIFEST_FILE, RunManifest, type OperationOptions } from "@fleetscore/contracts";
import { FolderBlobStore, isBlobStoreError, parseBlobLocation, type BlobItem, type BlobStore } from "@fleetscore/storage";
import { LogMonitorError } from "./log-monitor-error.js";
import type { RunFile, RunState } from "./run-state.js";

/**
 * Reads runs under an output location (`<out>/<run-id>/...`, a folder or a Blob container).
 *
 * Interim: the run-model work adds a run reader to @fleetscore/batch-scoring; once it lands this
 * interface is backed by it and this implementation goes away. Keep it small.
 */
export interface RunReader {
  /** The output location (folder path or container URL, no credentials). */
  readonly location: string;
  /** Run ids under the location, newest activity first. */
  listRunIds(options?: OperationOptions): Promise<string[]>;
  /** @throws LogMonitorError `RunNotFound` when the run has no file; `InvalidRun` for a bad manifest. */
  readRun(runId: string, options?: OperationOptions): Promise<RunState>;
  /** One file of a run (a prediction file), as bytes. */
  readRunFile(runId: string, name: string, options?: OperationOptions): Promise<Uint8Array>;
}

const SHARD_MANIFEST = /^_manifest\.shard-(\d+)-of-(\d+)\.json$/;
const PREDICTION_FILE = /^preds_.+\.csv$/;
const IN_FLIGHT = /\.(partial|tmp)$/;

/** Files that only a scorer run writes: a folder holding none of them is not a run. */
function isRunFile(name: string): boolean {
  return name === RUN_MANIFEST_FILE || SHARD_MANIFEST.test(name) || PREDICTION_FILE.test(name) || IN_FLIGHT.test(name);
}

export class BlobStoreRunReader implements RunReader {
  readonly location: string;
  readonly #store: BlobStore;

  constructor(store: BlobStore) {
    this.#store = store;
    this.location = store.location;
  }

  async listRunIds(options: OperationOptions = {}): Promise<string[]> {
    const newest = new Map<string, number>();
    for await (const item of this.#list("", options)) {
      const slash = item.name.indexOf("/");
      if (slash < 0 || !isRunFile(item.name.slice(slash + 1))) continue;
      const runId = item.name.slice(0, slash);
      newest.set(runId, Math.max(newest.get(runId) ?? 0, item.lastModified.getTime()));
    }
    return [...newest].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).map(([id]) => id);
  }

  async readRun(runId: string, options: OperationOptions = {}): Promise<RunState> {
    const files: RunFile[] = [];
    for await (const item of this.#list(`${runId}/`, options)) {
      const name = item.name.slice(runId.length + 1);
      if (!name.includes("/")) files.push({ name, sizeInBytes: item.sizeInBytes, lastModified: item.lastModified });
    }
    if (!files.some((f) => isRunFile(f.name))) {
      throw new LogMonitorError(
        `No run "${runId}" under ${this.location}: expected ${runId}/${RUN_MANIFEST_FILE}, shard manifests or prediction files there`,
        "RunNotFound",
      );
    }
    const names = new Set(files.map((f) => f.name));
    const manifest = names.has(RUN_MANIFEST_FILE) ? await this.#readManifest(runId, RUN_MANIFEST_FILE, options) : undefined;
    const shardNames = files
      .map((f) => ({ name: f.name, m: SHARD_MANIFEST.exec(f.name) }))
      .filter((x) => x.m !== null)
      .sort((a, b) => Number(a.m![1]) - Number(b.m![1]));
    const shardManifests: RunManifest[] = [];
    for (const s of shardNames) shardManifests.push(await this.#readManifest(runId, s.name, options));
    const counts = [...new Set(shardNames.map((s) => Number(s.m![2])))];
    return {
      runId,
      location: `${this.location.replace(/\/$/, "")}/${runId}`,
      ...(manifest && { manifest }),
      shardManifests,
      ...(counts.length > 0 && { shardCount: Math.max(...counts) }),
      predictionFiles: files.filter((f) => PREDICTION_FILE.test(f.name)).map((f) => f.name),
      partialFiles: files.filter((f) => IN_FLIGHT.test(f.name)).map((f) => f.name),
      lastActivity: new Date(Math.max(...files.map((f) => f.lastModified.getTime()))),
    };
  }

  async readRunFile(runId: string, name: string, options: OperationOptions = {}): Promise<Uint8Array> {
    try {
      return await this.#store.get(`${runId}/${name}`, options);
    } catch (e) {
      if (isBlobStoreError(e) && e.code === "BlobNotFound") {
        throw new LogMonitorError(`Run "${runId}" has no file ${name} under ${this.location}`, "RunNotFound", { cause: e });
      }
      throw e;
    }
  }

  async #readManifest(runId: string, name: string, options: OperationOptions): Promise<RunManifest> {
    const where = `${this.location.replace(/\/$/, "")}/${runId}/${name}`;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(await this.#store.get(`${runId}/${name}`, options)).toString("utf8"));
    } catch (e) {
      if (e instanceof SyntaxError) throw new LogMonitorError(`${where} is not valid JSON: ${e.message}`, "InvalidRun", { cause: e });
      throw e;
    }
    const parsed = RunManifest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new LogMonitorError(`${where} is not a run manifest: ${issue.path.join(".") || "(root)"}: ${issue.message}`, "InvalidRun");
    }
    return parsed.data;
  }

  async *#list(prefix: string, options: OperationOptions): AsyncIterable<BlobItem> {
    try {
      yield* this.#store.list(prefix, options);
    } catch (e) {
      if (isBlobStoreError(e)) throw new LogMonitorError(`Cannot list ${this.location}: ${e.message}`, "InvalidLocation", { cause: e });
      throw e;
    }
  }
}

export interface OpenRunReaderOptions extends OperationOptions {
  /** Where `AZURE_STORAGE_CONNECTION_STRING` is read from for Blob locations (apps pass `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A run reader for `--out`: a folder, or a Blob container URL (`https://<account>.blob.core.windows.net/<container>[/<prefix>]`).
 * @throws LogMonitorError `InvalidLocation` when the location is malformed or does not exist.
 */
export async function openRunReader(location: string, options: OpenRunReaderOptions = {}): Promise<RunReader> {
  try {
    const parsed = parseBlobLocation(location);
    if (parsed.kind === "folder") return new BlobStoreRunReader(await FolderBlobStore.create(parsed.path));
    // The Azure adapter loads only for a URL, so folder users never load the SDK.
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    const store = await openBlobStore(parsed, { ...(options.env && { env: options.env }), ...(options.abortSignal && { abortSignal: options.abortSignal }) });
    return new BlobStoreRunReader(store);
  } catch (e) {
    if (isBlobStoreError(e)) throw new LogMonitorError(`Cannot open output location ${location}: ${e.message}`, "InvalidLocation", { cause: e });
    throw e;
  }
}
