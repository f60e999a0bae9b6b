import { mapWithConcurrency, predictionFileName, type ModelRunResult, type OperationOptions } from "@fleetscore/contracts";
import type { ModelEntry } from "@fleetscore/model-store";
import type { RunOutput } from "../folder-run-output.js";
import type { ChunkResult, ModelFailure, ModelLoaded } from "./chunk-protocol.js";

/**
 * Prediction bytes a model buffers before appending them to its partial file. With 2,000 models the
 * buffers alone can reach 2,000 x this; 16 KiB kept the synthetic-2k run under 500 MB (32 KiB: ~60 MB
 * more, no faster).
 */
const FLUSH_AT_BYTES = 16 * 1024;

/** Model files committed (renamed, or uploaded whole for Blob outputs) at once at the end of a run. */
const MAX_COMMITS_IN_FLIGHT = 32;

interface ModelState {
  readonly entry: ModelEntry;
  readonly name: string;
  rows: number;
  anomalies: number;
  loaded?: ModelLoaded;
  failure?: ModelFailure;
  /** Lines not yet handed to a write: `buffer[0, filled)`. */
  buffer: Uint8Array | undefined;
  filled: number;
  /** Appends run one after another per model, so the file keeps the input order. */
  writes: Promise<void>;
  started: boolean;
}

/**
 * The prediction files of the models a run scores: buffers each model's lines (bounded per model, so
 * memory does not grow with the data), appends them to the model's partial file in order, and commits
 * or discards the files at the end.
 */
export class ModelOutputs {
  readonly #output: RunOutput;
  readonly #header: Uint8Array;
  readonly #models: ModelState[];
  readonly #opts: OperationOptions;
  /** Set by discardAll: late chunk results (still in flight when the run stopped) write nothing. */
  #closed = false;
  /** The scorers append to the partial files themselves (model affinity): results only count rows here. */
  readonly #writtenByScorers: boolean;

  constructor(output: RunOutput, models: readonly ModelEntry[], header: string, options: OperationOptions & { readonly writtenByScorers?: boolean }) {
    this.#output = output;
    this.#writtenByScorers = options.writtenByScorers ?? false;
    this.#header = Buffer.from(header, "latin1");
    this.#opts = options;
    this.#models = models.map((entry) => ({
      entry,
      name: predictionFileName(entry.deviceId, entry.sensorId),
      rows: 0,
      anomalies: 0,
      buffer: undefined,
      filled: 0,
      writes: Promise.resolve(),
      started: false,
    }));
  }

  loaded(l: ModelLoaded): void {
    this.#models[l.modelIndex]!.loaded ??= l;
  }

  /** Marks a model failed (first failure wins) and drops its output. @returns true when newly failed. */
  fail(f: ModelFailure): boolean {
    const m = this.#models[f.modelIndex]!;
    if (m.failure) return false;
    m.failure = f;
    m.buffer = undefined;
    m.filled = 0;
    m.writes = m.writes.catch(() => undefined).then(() => this.#output.discard(m.name, this.#opts));
    return true;
  }

  /** Takes a chunk's prediction lines; must be called in chunk order. */
  appendFragments(r: ChunkResult): void {
    if (this.#closed) return;
    const f = r.fragments;
    for (let i = 0, k = 0; i < f.length; i += 4, k++) {
      const m = this.#models[f[i]!]!;
      if (m.failure) continue;
      if (this.#writtenByScorers) {
        m.started = true;
        m.rows += f[i + 3]!;
        m.anomalies += r.anomalies[k]!;
        continue;
      }
      if (!m.started) {
        m.started = true;
        this.#put(m, this.#header, 0, this.#header.length);
      }
      // Copied into the model's own buffer: a view would keep the whole chunk's output alive.
      this.#put(m, r.output, f[i + 1]!, f[i + 1]! + f[i + 2]!);
      m.rows += f[i + 3]!;
      m.anomalies += r.anomalies[k]!;
    }
  }

  #put(m: ModelState, src: Uint8Array, start: number, end: number): void {
    let from = start;
    while (from < end) {
      m.buffer ??= new Uint8Array(FLUSH_AT_BYTES);
      const n = Math.min(end - from, FLUSH_AT_BYTES - m.filled);
      m.buffer.set(src.subarray(from, from + n), m.filled);
      m.filled += n;
      from += n;
      if (m.filled === FLUSH_AT_BYTES) this.#flush(m);
    }
  }

  /** The partial file of each model, by model index (for scorers that write them: model affinity). */
  partialFilePaths(): string[] | undefined {
    const path = this.#output.partialFilePath?.bind(this.#output);
    return path && this.#models.map((m) => path(m.name));
  }

  /** Flushes, commits each scored model's file and reports every model's result. */
  async commitAll(onCommitted?: (done: number) => void): Promise<ModelRunResult[]> {
    let done = 0;
    // Bounded: thousands of simultaneous uploads overwhelm a Blob endpoint (and gain nothing on a disk).
    return mapWithConcurrency(this.#models, MAX_COMMITS_IN_FLIGHT, async (m): Promise<ModelRunResult> => {
      const base = { modelId: m.entry.modelId, deviceId: m.entry.deviceId, sensorId: m.entry.sensorId };
      const info = {
        ...(m.loaded && { engine: m.loaded.engine, parameters: m.loaded.parameters }),
        ...(m.loaded?.sha256 && { sha256: m.loaded.sha256 }),
        ...(m.loaded?.paramsSha256 && { paramsSha256: m.loaded.paramsSha256 }),
      };
      if (!m.failure && m.rows > 0) {
        this.#flush(m);
        try {
          await m.writes;
          await this.#output.commit(m.name, this.#opts);
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          this.fail({ modelIndex: this.#models.indexOf(m), code: typeof code === "string" ? code : "OutputFailed", message: (e as Error).message });
        }
      }
      await m.writes.catch(() => undefined);
      if (m.failure && m.started) await this.#output.discard(m.name, this.#opts).catch(() => undefined);
      onCommitted?.(++done);
      if (m.failure) return { ...base, status: "failed", rows: m.rows, anomalies: 0, ...info, error: { code: m.failure.code, message: m.failure.message } };
      if (m.rows === 0) return { ...base, status: "no-data", rows: 0, anomalies: 0 };
      return { ...base, status: "scored", rows: m.rows, anomalies: m.anomalies, ...info, output: m.name };
    });
  }

  /** Removes every partial file this run started (on abort or a fatal error). */
  async discardAll(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#models.map(async (m) => {
        m.buffer = undefined;
        await m.writes.catch(() => undefined);
        if (m.started) await this.#output.discard(m.name).catch(() => undefined);
      }),
    );
  }

  #flush(m: ModelState): void {
    if (!m.buffer || m.filled === 0) return;
    const data = m.filled === m.buffer.length ? m.buffer : m.buffer.subarray(0, m.filled);
    m.buffer = undefined;
    m.filled = 0;
    m.writes = m.writes.then(() => this.#output.append(m.name, data, this.#opts));
    // A failed append fails the model; later appends are skipped by the rejected chain.
    m.writes.catch((e: unknown) => {
      if (!m.failure) {
        const code = (e as { code?: unknown }).code;
        m.failure = { modelIndex: this.#models.indexOf(m), code: typeof code === "string" ? code : "OutputFailed", message: (e as Error).message };
      }
    });
  }
}
