import { createReadStream } from "node:fs";
import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAbortError, withRetries, type OperationOptions } from "@fleetscore/contracts";
import { isBlobStoreError, type BlobStore } from "@fleetscore/storage";
import { BatchScoringError } from "./batch-scoring-error.js";
import type { RunOutput, RunOutputOptions } from "./folder-run-output.js";
import { acquireBlobLease, findLiveBlobLease } from "./lease/blob-writer-lease.js";
import { describeShard, leaseBaseName, overlapsShard, runLeasedError, type WriterLease } from "./lease/writer-lease.js";
import type { ShardSpec } from "./run/shard-plan.js";

export interface BlobRunOutputOptions extends RunOutputOptions {
  /** Local folder for prediction files being built. Default: a new folder under the OS temp dir. */
  readonly stagingDir?: string;
}

/**
 * The files of one run as blobs `<runId>/<name>` in a BlobStore (a folder or an Azure container).
 * Prediction files are built in a local staging file and uploaded whole on `commit`, so a blob only ever
 * appears complete; a killed run leaves nothing visible (its local staging files are simply lost), and
 * `resume` re-scores every model without a committed blob. Uploads are retried with exponential backoff
 * while the service is `Unavailable`.
 */
export class BlobRunOutput implements RunOutput {
  readonly location: string;
  readonly #store: BlobStore;
  readonly #prefix: string;
  readonly #staging: string;
  readonly #retry: { retries: number; initialDelayInMs: number };
  readonly #runId: string;
  #lease: WriterLease | undefined;

  private constructor(store: BlobStore, runId: string, staging: string, options: BlobRunOutputOptions) {
    this.#store = store;
    this.#prefix = `${runId}/`;
    this.#runId = runId;
    this.#staging = staging;
    this.location = `${store.location.replace(/\/$/, "")}/${runId}`;
    this.#retry = { retries: options.retries ?? 3, initialDelayInMs: options.retryDelayInMs ?? 200 };
  }

  static async create(store: BlobStore, runId: string, options: BlobRunOutputOptions = {}): Promise<BlobRunOutput> {
    const staging = options.stagingDir ?? (await mkdtemp(join(tmpdir(), `fleetscore-run-${runId}-`)));
    await mkdir(staging, { recursive: true });
    return new BlobRunOutput(store, runId, staging, options);
  }

  /** A blob lease on `<runId>/_lease[-shard-i-of-n].json` (see `acquireBlobLease`). */
  async acquireWriterLease(shard: ShardSpec | undefined, options: OperationOptions = {}): Promise<WriterLease> {
    options.abortSignal?.throwIfAborted();
    const name = `${leaseBaseName(shard)}.json`;
    const what = describeShard(this.#runId, shard);
    const lease = await acquireBlobLease(this.#store, this.#prefix + name, this.#blob(name), what);
    // Taken first, checked second: of two overlapping writers starting at once, at least one sees the other.
    const overlapping = await findLiveBlobLease(this.#store, this.#prefix, (base) => overlapsShard(base, shard)).catch(async (e: unknown) => {
      await lease.release();
      throw e;
    });
    if (overlapping) {
      await lease.release();
      throw runLeasedError(what, overlapping.holder, this.#blob(overlapping.name.slice(this.#prefix.length)), "a run is written unsharded or split into one count of shards, not both");
    }
    this.#lease = lease;
    return lease;
  }

  async assertNoWriter(options: OperationOptions = {}): Promise<void> {
    const live = await this.#io("list", this.location, () => findLiveBlobLease(this.#store, this.#prefix));
    options.abortSignal?.throwIfAborted();
    if (live) throw runLeasedError(`run ${this.#runId}`, live.holder, this.#blob(live.name.slice(this.#prefix.length)), "finalize once every shard has finished");
  }

  async list(options: OperationOptions = {}): Promise<string[]> {
    return this.#io("list", this.location, async () => {
      const names: string[] = [];
      for await (const item of this.#store.list(this.#prefix, options)) {
        const name = item.name.slice(this.#prefix.length);
        if (!name.startsWith("_lease")) names.push(name);
      }
      return names;
    });
  }

  async listPartials(): Promise<string[]> {
    return []; // partial files never reach the store
  }

  async readFile(name: string, options: OperationOptions = {}): Promise<Uint8Array> {
    return this.#io("read", this.#blob(name), () => this.#store.get(this.#prefix + name, options));
  }

  async writeFile(name: string, content: string | Uint8Array, options: OperationOptions = {}): Promise<void> {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    await this.#io("upload", this.#blob(name), () => this.#store.put(this.#prefix + name, bytes, options));
  }

  async append(name: string, content: Uint8Array): Promise<void> {
    this.#lease?.throwIfLost();
    await appendFile(this.#stagingPath(name), content);
  }

  async commit(name: string, options: OperationOptions = {}): Promise<void> {
    const path = this.#stagingPath(name);
    // A fresh stream per attempt: a failed upload may have consumed part of the last one.
    await this.#io("upload", this.#blob(name), () => this.#store.put(this.#prefix + name, createReadStream(path), options));
    await rm(path, { force: true });
  }

  async discard(name: string): Promise<void> {
    await rm(this.#stagingPath(name), { force: true });
  }

  #stagingPath(name: string): string {
    return join(this.#staging, name);
  }

  #blob(name: string): string {
    return `${this.location}/${name}`;
  }

  async #io<T>(verb: string, what: string, fn: () => Promise<T>): Promise<T> {
    this.#lease?.throwIfLost();
    try {
      return await withRetries(fn, { ...this.#retry, isTransient: (e) => isBlobStoreError(e) && e.code === "Unavailable" });
    } catch (e) {
      if (isAbortError(e)) throw e;
      throw new BatchScoringError(`Cannot ${verb} ${what}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
  }
}
