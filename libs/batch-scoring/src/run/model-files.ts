import { closeSync, openSync, writeSync } from "node:fs";
import type { ModelFailure } from "./chunk-protocol.js";

/**
 * Prediction bytes a model buffers before they are written to its partial file. Each buffer is reused after
 * its (synchronous) write, so there is no garbage per flush; 16 KiB x 5,000 models is 80 MB for a run.
 */
const FLUSH_AT_BYTES = 16 * 1024;

/**
 * The partial prediction files of the models one scoring worker owns (model affinity: every model has one
 * writer for the whole run, so its lines stay in input order whatever the worker count). Lines are buffered
 * per model and appended with one synchronous write per buffer, on a descriptor kept open for the run: on a
 * worker thread a blocking write costs that thread only, and it saves the open/close per append that
 * `fs.promises.appendFile` makes (measured: 0.7 s of system time for 5,000 files on the main thread).
 * When the process runs out of descriptors (EMFILE), the least recently used quarter is closed and later
 * opens evict in that order.
 */
export class ModelFiles {
  readonly #paths: readonly string[];
  readonly #header: Uint8Array;
  readonly #buffers: Array<Uint8Array | undefined> = [];
  readonly #filled: Int32Array;
  readonly #started: Uint8Array;
  readonly #dropped: Uint8Array;
  /** Open descriptors by model index, least recently used first. */
  readonly #fds = new Map<number, number>();
  #maxOpen = Number.POSITIVE_INFINITY;

  /** @param paths the partial file of each model, by model index. */
  constructor(paths: readonly string[], header: Uint8Array) {
    this.#paths = paths;
    this.#header = header;
    this.#filled = new Int32Array(paths.length);
    this.#started = new Uint8Array(paths.length);
    this.#dropped = new Uint8Array(paths.length);
  }

  /**
   * Appends `src[start, end)`, the model's next prediction lines (the header first, once).
   * @throws the write's error (the caller fails the model and calls {@link drop}).
   */
  append(modelIndex: number, src: Uint8Array, start: number, end: number): void {
    if (this.#dropped[modelIndex]) return;
    if (!this.#started[modelIndex]) {
      this.#started[modelIndex] = 1;
      this.#put(modelIndex, this.#header, 0, this.#header.length);
    }
    this.#put(modelIndex, src, start, end);
  }

  /** Forgets a failed model: its buffer is dropped and its file closed (the run deletes it). */
  drop(modelIndex: number): void {
    this.#dropped[modelIndex] = 1;
    this.#buffers[modelIndex] = undefined;
    this.#filled[modelIndex] = 0;
    this.#close(modelIndex);
  }

  /** Writes what is buffered and closes every file. @returns the models whose last write failed. */
  finish(): ModelFailure[] {
    const failures: ModelFailure[] = [];
    for (let m = 0; m < this.#paths.length; m++) {
      if (this.#filled[m] === 0 || this.#dropped[m]) continue;
      try {
        this.#flush(m);
      } catch (e) {
        failures.push({ modelIndex: m, code: "OutputFailed", message: `Cannot append to ${this.#paths[m]}: ${(e as Error).message}` });
        this.drop(m);
      }
    }
    this.closeAll();
    return failures;
  }

  /** Closes every file without writing what is buffered (the run failed or was aborted). */
  closeAll(): void {
    for (const fd of this.#fds.values()) closeSync(fd);
    this.#fds.clear();
  }

  #put(m: number, src: Uint8Array, start: number, end: number): void {
    let from = start;
    while (from < end) {
      let buffer = this.#buffers[m];
      if (!buffer) this.#buffers[m] = buffer = new Uint8Array(FLUSH_AT_BYTES);
      const filled = this.#filled[m]!;
      const n = Math.min(end - from, FLUSH_AT_BYTES - filled);
      buffer.set(src.subarray(from, from + n), filled);
      this.#filled[m] = filled + n;
      from += n;
      if (filled + n === FLUSH_AT_BYTES) this.#flush(m);
    }
  }

  #flush(m: number): void {
    const buffer = this.#buffers[m]!;
    const length = this.#filled[m]!;
    const fd = this.#fd(m);
    for (let done = 0; done < length; ) done += writeSync(fd, buffer, done, length - done);
    this.#filled[m] = 0;
  }

  #fd(m: number): number {
    let fd = this.#fds.get(m);
    if (fd !== undefined) {
      this.#fds.delete(m);
      this.#fds.set(m, fd);
      return fd;
    }
    if (this.#fds.size >= this.#maxOpen) this.#evict(1);
    try {
      fd = openSync(this.#paths[m]!, "a");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EMFILE" || this.#fds.size === 0) throw e;
      this.#maxOpen = Math.max(1, Math.floor((this.#fds.size * 3) / 4));
      this.#evict(this.#fds.size - this.#maxOpen + 1);
      fd = openSync(this.#paths[m]!, "a");
    }
    this.#fds.set(m, fd);
    return fd;
  }

  #evict(count: number): void {
    for (const [m, fd] of this.#fds) {
      if (count-- <= 0) return;
      this.#fds.delete(m);
      closeSync(fd);
    }
  }

  #close(m: number): void {
    const fd = this.#fds.get(m);
    if (fd === undefined) return;
    this.#fds.delete(m);
    closeSync(fd);
  }
}
