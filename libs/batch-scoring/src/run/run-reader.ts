import { RUN_MANIFEST_FILE, RunManifest, shardManifestFileName, type OperationOptions } from "@fleetscore/contracts";
import { FolderBlobStore, isBlobStoreError, parseBlobLocation, type BlobItem, type BlobStore } from "@fleetscore/storage";
import { BatchScoringError } from "../batch-scoring-error.js";

/** One file of a run, as listed. */
export interface RunFile {
  readonly name: string;
  readonly sizeInBytes: number;
  readonly lastModified: Date;
}

/** The files of one run (`<out>/<run-id>/`), as a run reader found them. */
export interface RunState {
  readonly runId: string;
  /** Where the run lives (folder path or blob URL, no credentials). */
  readonly location: string;
  /** `_manifest.json`, when the run is complete. */
  readonly manifest?: RunManifest;
  /** `_manifest.shard-<i>-of-<n>.json`, in shard order. */
  readonly shardManifests: readonly RunManifest[];
  /** `n` of the shard manifests' names, when there are any. */
  readonly shardCount?: number;
  /** Completed prediction files (`preds_<device>_<sensor>.csv`). */
  readonly predictionFiles: readonly string[];
  /** Files still being written (`*.partial`, `*.tmp`): a writer is (or was) at work. */
  readonly partialFiles: readonly string[];
  /** The newest change to any file of the run (lease files `_lease*` included). */
  readonly lastActivity: Date;
}

/**
 * Where a run stands, from its files alone:
 * - `finished`: `_manifest.json` is there (its `status` says how it ended);
 * - `in progress`: no `_manifest.json`, and some file of the run (a prediction, a partial, a shard manifest, a
 *   lease file's heartbeat) changed within `staleAfterInMs`;
 * - `abandoned`: no `_manifest.json` and nothing changed for longer: a shard died, or never started.
 * Whether a lease's holder is alive is the lease's business; here a lease file counts only by its last change.
 */
export type RunProgress = "finished" | "in progress" | "abandoned";

export interface RunProgressOptions {
  /** Default: now. */
  readonly now?: Date;
  /** Default {@link DEFAULT_STALE_AFTER_IN_MS}. */
  readonly staleAfterInMs?: number;
}

/** 15 minutes: longer than any pause between two writes of a live scorer (a chunk, a heartbeat). */
export const DEFAULT_STALE_AFTER_IN_MS = 15 * 60_000;

export function runProgress(state: RunState, options: RunProgressOptions = {}): RunProgress {
  if (state.manifest) return "finished";
  const now = options.now ?? new Date();
  return now.getTime() - state.lastActivity.getTime() > (options.staleAfterInMs ?? DEFAULT_STALE_AFTER_IN_MS) ? "abandoned" : "in progress";
}

const SHARD_MANIFEST = /^_manifest\.shard-(\d+)-of-(\d+)\.json$/;
const PREDICTION_FILE = /^preds_.+\.csv$/;
const IN_FLIGHT = /\.(partial|tmp)$/;
/** Another writer's lock (`_lease`, `_lease.shard-...`): a run file, never a prediction. */
const LEASE_FILE = /^_lease/;

/** Files that only a scorer run writes: a folder holding none of them is not a run. */
function isRunFile(name: string): boolean {
  return name === RUN_MANIFEST_FILE || SHARD_MANIFEST.test(name) || PREDICTION_FILE.test(name) || IN_FLIGHT.test(name) || LEASE_FILE.test(name);
}

/** Reads the runs under an output location (`<out>/<run-id>/...`, a folder or a Blob container). */
export class RunReader {
  /** The output location (folder path or container URL, no credentials). */
  readonly location: string;
  readonly #store: BlobStore;

  constructor(store: BlobStore) {
    this.#store = store;
    this.location = store.location;
  }

  /** Run ids under the location, newest activity first (ties: the larger id first). */
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

  /** @throws BatchScoringError `RunNotFound` when the run has no file; `InvalidRun` for a bad manifest. */
  async readRun(runId: string, options: OperationOptions = {}): Promise<RunState> {
    const files: RunFile[] = [];
    for await (const item of this.#list(`${runId}/`, options)) {
      const name = item.name.slice(runId.length + 1);
      if (!name.includes("/")) files.push({ name, sizeInBytes: item.sizeInBytes, lastModified: item.lastModified });
    }
    if (!files.some((f) => isRunFile(f.name))) {
      throw new BatchScoringError(
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

  /**
   * The run's merged `_manifest.json`, or shard i's manifest; undefined when it is not there (yet).
   * @throws BatchScoringError `InvalidRun` when it is there but not a run manifest.
   */
  async readManifest(runId: string, options: OperationOptions & { readonly shard?: { index: number; count: number } } = {}): Promise<RunManifest | undefined> {
    const name = options.shard ? shardManifestFileName(options.shard.index, options.shard.count) : RUN_MANIFEST_FILE;
    if (!(await this.#store.exists(`${runId}/${name}`, options))) return undefined;
    return this.#readManifest(runId, name, options);
  }

  /** One file of a run (a prediction file), as bytes. @throws BatchScoringError `RunNotFound`. */
  async readRunFile(runId: string, name: string, options: OperationOptions = {}): Promise<Uint8Array> {
    try {
      return await this.#store.get(`${runId}/${name}`, options);
    } catch (e) {
      if (isBlobStoreError(e) && e.code === "BlobNotFound") {
        throw new BatchScoringError(`Run "${runId}" has no file ${name} under ${this.location}`, "RunNotFound", { cause: e });
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
      if (e instanceof SyntaxError) throw new BatchScoringError(`${where} is not valid JSON: ${e.message}`, "InvalidRun", { cause: e });
      throw e;
    }
    const parsed = RunManifest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BatchScoringError(`${where} is not a run manifest: ${issue.path.join(".") || "(root)"}: ${issue.message}`, "InvalidRun");
    }
    return parsed.data;
  }

  async *#list(prefix: string, options: OperationOptions): AsyncIterable<BlobItem> {
    try {
      yield* this.#store.list(prefix, options);
    } catch (e) {
      if (isBlobStoreError(e)) throw new BatchScoringError(`Cannot list ${this.location}: ${e.message}`, "InvalidLocation", { cause: e });
      throw e;
    }
  }
}

export interface OpenRunReaderOptions extends OperationOptions {
  /** Where `AZURE_STORAGE_CONNECTION_STRING` is read from for Blob locations (apps pass `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A run reader for an output location: a folder, or a Blob container URL
 * (`https://<account>.blob.core.windows.net/<container>[/<prefix>]`).
 * @throws BatchScoringError `InvalidLocation` when the location is malformed or does not exist.
 */
export async function openRunReader(location: string, options: OpenRunReaderOptions = {}): Promise<RunReader> {
  try {
    const parsed = parseBlobLocation(location);
    if (parsed.kind === "folder") return new RunReader(await FolderBlobStore.create(parsed.path));
    // The Azure adapter loads only for a URL, so folder users never load the SDK.
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    const store = await openBlobStore(parsed, { ...(options.env && { env: options.env }), ...(options.abortSignal && { abortSignal: options.abortSignal }) });
    return new RunReader(store);
  } catch (e) {
    if (isBlobStoreError(e)) throw new BatchScoringError(`Cannot open output location ${location}: ${e.message}`, "InvalidLocation", { cause: e });
    throw e;
  }
}
