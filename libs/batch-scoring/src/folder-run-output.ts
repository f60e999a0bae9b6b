import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isAbortError, isTransientIoError, withRetries, type OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "./batch-scoring-error.js";

export interface RunOutputOptions extends OperationOptions {
  /** Attempts after the first for transient I/O errors. Default 3. */
  readonly retries?: number;
  /** First backoff delay. Default 100 ms. */
  readonly retryDelayInMs?: number;
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
  /** Makes the partial file of `name` visible as `name`, replacing any older one. */
  commit(name: string, options?: OperationOptions): Promise<void>;
  /** Deletes the partial file of `name`, if any. */
  discard(name: string, options?: OperationOptions): Promise<void>;
}

const PARTIAL_SUFFIX = ".partial";

export class FolderRunOutput implements RunOutput {
  readonly location: string;
  readonly #retry: { retries: number; initialDelayInMs: number };

  private constructor(dir: string, options: RunOutputOptions) {
    this.location = dir;
    this.#retry = { retries: options.retries ?? 3, initialDelayInMs: options.retryDelayInMs ?? 100 };
  }

  /** @throws BatchScoringError `OutputFailed` when the folder cannot be created. */
  static async create(outDir: string, runId: string, options: RunOutputOptions = {}): Promise<FolderRunOutput> {
    options.abortSignal?.throwIfAborted();
    const dir = join(resolve(outDir), runId);
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new BatchScoringError(`Cannot create run folder ${dir}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
    return new FolderRunOutput(dir, options);
  }

  async list(): Promise<string[]> {
    return (await this.#io("list", this.location, () => readdir(this.location))).filter((n) => !n.endsWith(PARTIAL_SUFFIX) && !n.endsWith(".tmp"));
  }

  async listPartials(): Promise<string[]> {
    return (await this.#io("list", this.location, () => readdir(this.location)))
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
    await this.#io("append to", path, () => appendFile(path, content));
  }

  async commit(name: string): Promise<void> {
    const target = join(this.location, name);
    await this.#io("commit", target, () => rename(target + PARTIAL_SUFFIX, target));
  }

  async discard(name: string): Promise<void> {
    const path = join(this.location, name + PARTIAL_SUFFIX);
    await this.#io("delete", path, () => rm(path, { force: true }));
  }

  /** Runs one file operation, retrying transient I/O errors, and names the file when it fails. */
  async #io<T>(verb: string, path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(fn, { ...this.#retry, isTransient: isTransientIoError });
    } catch (e) {
      if (isAbortError(e)) throw e;
      throw new BatchScoringError(`Cannot ${verb} ${path}: ${(e as Error).message}`, "OutputFailed", { cause: e });
    }
  }
}
