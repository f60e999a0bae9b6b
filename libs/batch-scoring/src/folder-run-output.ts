import { appendFile, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { isAbortError, isTransientIoError, withRetries, type OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "./batch-scoring-error.js";
import { acquireFolderLease, findLiveFolderLease } from "./lease/folder-writer-lease.js";
import { describeShard, leaseBaseName, overlapsShard, runLeasedError, type WriterLease } from "./lease/writer-lease.js";
import type { ShardSpec } from "./run/shard-plan.js";

export interface RunOutputOptions extends OperationOptions {
  /** Attempts after the first for transient I/O errors. Default 3. */
  readonly retries?: number;
  /** First backoff delay. Default 100 ms. */
  readonly retryDelayInMs?: number;
  /** A folder writer lease whose heartbeat is older than this may be taken over. Default 30 s. */
  readonly leaseStaleAfterMs?: number;
}

/**
 * The files of one run, `<out>/<run-id>/`. Prediction files are built with `append` under a partial
 * name and only appear under their final name on `commit`, complete; other files (manifests) are
 * written whole, also atomically. Folder today; Blob storage joins behind the same interface.
 */
export interface RunOutput {
  /** Human-readable location of the run (path or URL, no credentials). */
  readonly location: string;
  /** Names of the complete files of the run (partials excluded). */
  list(options?: OperationOptions): Promise<string[]>;
  /** Names of partial files left by an interrupted run, as the final names they were building. */
  listPartials(options?: OperationOptions): Promise<string[]>;
  readFile(name: string, options?: OperationOptions): Promise<Uint8Array>;
  /** Writes a whole file atomically (readers see the old file or the new one, never a part). */
  writeFile(name: string, content: string | Uint8Array, options?: OperationOptions): Promise<void>;
  /** Appends to the partial file of `name`, creating it. */
  append(name: string, content: Uint8Array, options?: OperationOptions): Promise<void>;
  /**
   * The local path of the partial file of `name`, for writers on other threads (the scoring workers append
   * to it directly; `commit` and `discard` work as after `append`). Absent where files are not local (Blob).
   */
  partialFilePath?(name: string): string;
  /** Makes the partial file of `name` visible as `name`, replacing any older one. */
  commit(name: string, options?: OperationOptions): Promise<void>;
  /** Deletes the partial file of `name`, if any. */
  discard(name: string, options?: OperationOptions): Promise<void>;
  /**
   * Makes this process the one writer of the run (or of `shard` of it) until the lease is released:
   * take it before touching any file. After a lost lease, every write fails with `RunLeased`.
   * @throws BatchScoringError `RunLeased` naming the holder while another scorer writes it.
   */
  acquireWriterLease(shard: ShardSpec | undefined, options?: OperationOptions): Promise<WriterLease>;
  /**
   * For commands that must not meet a writer (`finalize`).
   * @throws BatchScoringError `RunLeased` naming the holder while a writer of the run or of any shard holds its lease.
   */
  assertNoWriter(options?: OperationOptions): Promise<void>;
}

const PARTIAL_SUFFIX = ".partial";

const LEASE_PREFIX = "_lease";

export class FolderRunOutput implements RunOutput {
  readonly location: string;
  readonly #runId: string;
  readonly #retry: { retries: number; initialDelayInMs: number };
  readonly #leaseStaleAfterMs: number | undefined;
  #lease: WriterLease | undefined;
  /** The first folder this output created (the run folder or a parent), removed again if the run wrote nothing. */
  #created: string | undefined;
  #folderReady = false;

  private constructor(dir: string, runId: string, options: RunOutputOptions) {
    this.location = dir;
    this.#runId = runId;
    this.#retry = { retries: options.retries ?? 3, initialDelayInMs: options.retryDelayInMs ?? 100 };
    this.#leaseStaleAfterMs = options.leaseStaleAfterMs;
  }

  /** The run folder `<outDir>/<runId>`; it is created on the first write (or lease), not here. */
  static async create(outDir: string, runId: string, options: RunOutputOptions = {}): Promise<FolderRunOutput> {
    options.abortSignal?.throwIfAborted();
    return new FolderRunOutput(join(resolve(outDir), runId), runId, options);
  }

  async acquireWriterLease(shard: ShardSpec | undefined, options: OperationOptions = {}): Promise<WriterLease> {
    await this.#ensureFolder();
    const lease = await acquireFolderLease(this.location, leaseBaseName(shard), describeShard(this.#runId, shard), {
      ...options,
      ...(this.#leaseStaleAfterMs !== undefined && { staleAfterMs: this.#leaseStaleAfterMs }),
    }).catch(async (e: unknown) => {
      await this.#removeIfUnused();
      throw e;
    });
    const release = async (): Promise<void> => {
      await lease.release();
      await this.#removeIfUnused();
    };
    // Taken first, checked second: of two overlapping writers starting at once, at least one sees the other.
    const overlapping = await findLiveFolderLease(this.location, (base) => overlapsShard(base, shard));
    if (overlapping) {
      await release();
      throw runLeasedError(describeShard(this.#runId, shard), overlapping.holder, overlapping.path, "a run is written unsharded or split into one count of shards, not both");
    }
    this.#lease = lease;
    return { ...lease, release, [Symbol.asyncDispose]: release };
  }

  async assertNoWriter(): Promise<void> {
    const live = await findLiveFolderLease(this.location);
    if (live) throw runLeasedError(`run ${this.#runId}`, live.holder, live.path, "finalize once every shard has finished");
  }

  /** A run (a missing folder is a run with no files yet). */
  async list(): Promise<string[]> {
    return (await this.#names()).filter((n) => !n.endsWith(PARTIAL_SUFFIX) && !n.endsWith(".tmp") && !n.startsWith(LEASE_PREFIX));
  }

  async listPartials(): Promise<string[]> {
    return (await this.#names())
      .filter((n) => n.endsWith(PARTIAL_SUFFIX))
      .map((n) => n.slice(0, -PARTIAL_SUFFIX.length));
  }

  async readFile(name: string): Promise<Uint8Array> {
    const path = join(this.location, name);
    return this.#io("read", path, () => readFile(path));
  }

  async writeFile(name: string, content: string | Uint8Array, options: OperationOptions = {}): Promise<void> {
    const target = join(this.location, name);
    const temp = `${target}.${process.pid}.tmp`;
    await this.#ensureFolder();
    await this.#io("write", target, async () => {
      options.abortSignal?.throwIfAborted();
      try {
        await writeFile(temp, content);
        await rename(temp, target);
      } catch (e) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw e;
      }
    });
  }

  async append(name: string, content: Uint8Array): Promise<void> {
    const path = join(this.location, name + PARTIAL_SUFFIX);
    await this.#ensureFolder();
    await this.#io("append to", path, () => appendFile(path, content));
  }

  partialFilePath(name: string): string {
    return join(this.location, name + PARTIAL_SUFFIX);
  }

  async commit(name: string): Promise<void> {
    const target = join(this.location, name);
    await this.#io("commit", target, () => rename(target + PARTIAL_SUFFIX, target));
  }

  async discard(name: string): Promise<void> {
    const path = join(this.location, name + PARTIAL_SUFFIX);
    await this.#io("delete", path, () => rm(path, { force: true }));
  }

  async #names(): Promise<string[]> {
    return this.#io("list", this.location, () =>
      readdir(this.location).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
      }),
    );
  }

  async #ensureFolder(): Promise<void> {
    if (this.#folderReady) return;
    try {
      const first = await mkdir(this.location, { recursive: true });
      this.#created ??= first;
      this.#folderReady = true;
    } catch (e) {
      throw new BatchScoringError(`Cannot create run folder ${this.location}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
  }

  /** A command that failed before writing anything leaves no folder behind (rmdir only removes an empty one). */
  async #removeIfUnused(): Promise<void> {
    if (!this.#created) return;
    const stop = dirname(this.#created);
    for (let dir = this.location; dir !== stop && dir.startsWith(this.#created); dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) return;
    }
    this.#created = undefined;
    this.#folderReady = false;
  }

  /** Runs one file operation, retrying transient I/O errors, and names the file when it fails. */
  async #io<T>(verb: string, path: string, fn: () => Promise<T>): Promise<T> {
    this.#lease?.throwIfLost();
    try {
      return await withRetries(fn, { ...this.#retry, isTransient: isTransientIoError });
    } catch (e) {
      if (isAbortError(e)) throw e;
      throw new BatchScoringError(`Cannot ${verb} ${path}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
  }
}
