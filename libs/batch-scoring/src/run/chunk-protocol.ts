import type { EngineChoice, EngineName } from "@fleetscore/contracts";
import type { OpenModelStoreOptions } from "@fleetscore/model-store";

/** What a chunk scorer (worker) needs to start; plain data so it crosses a worker boundary. */
export interface ChunkScorerInit {
  /** Location of the model store, pinned to the version the run resolved. */
  readonly modelsLocation: string;
  /** Passed to `openModelStore` (env for credentials, cache folder). */
  readonly modelStoreOptions: Pick<OpenModelStoreOptions, "env" | "cacheDir" | "cacheMaxSizeInBytes" | "maxConcurrency">;
  readonly engine: EngineChoice;
  /** Models to score, by global index: `modelIds[i]` is `"<device>_<sensor>"`. */
  readonly modelIds: readonly string[];
  /** Model ids the store has but this process must not score (other shards, or complete on resume). */
  readonly skipModelIds: readonly string[];
  /** Column indexes of TS, Device, Sensor, Value in the data file. */
  readonly columns: Int32Array;
  /** Attempts after the first for transient model-load errors. */
  readonly retries: number;
  readonly retryDelayInMs: number;
  /** How many malformed rows per chunk to describe (all are counted). */
  readonly maxMalformedSamples: number;
  /** Set when every scorer sees every chunk and writes the files of the models it owns (see ModelAffinity). */
  readonly affinity?: ModelAffinity;
}

/**
 * Model affinity: of `count` scorers that each see every chunk, this one (`index`) owns the models with
 * `modelIndex % count === index`: it loads them (once in the run), scores their rows, and appends their lines
 * to `partialPaths[modelIndex]` (the header first) itself, so no prediction bytes travel back to the
 * main thread. The rows of models it does not own are skipped; every scorer counts the chunk's lines,
 * malformed rows and unmodelled pairs alike, and the pool keeps one scorer's counts.
 */
export interface ModelAffinity {
  readonly index: number;
  readonly count: number;
  readonly partialPaths: readonly string[];
  readonly header: string;
}

/** The model of index `modelIndex` could not be loaded or scored; its rows in this and later chunks are dropped. */
export interface ModelFailure {
  readonly modelIndex: number;
  readonly code: string;
  readonly message: string;
}

/** First load of a model in this scorer: what the manifest records about it. */
export interface ModelLoaded {
  readonly modelIndex: number;
  readonly engine: EngineName;
  readonly parameters: "float64-json" | "onnx";
  readonly sha256?: string;
  readonly paramsSha256?: string;
}

/**
 * The scored rows of one chunk. `output` holds, model after model, the prediction lines
 * (`TS,Device,Sensor,Val,Score,Prediction\n`, no header) of that model's rows in input order;
 * `fragments` indexes it as 4 ints per model: modelIndex, byte offset, byte length, rows; `anomalies`
 * has one count per fragment.
 */
export interface ChunkResult {
  readonly seq: number;
  /** Lines in the chunk (data, malformed and blank). */
  readonly lines: number;
  readonly rows: number;
  readonly output: Uint8Array;
  readonly fragments: Int32Array;
  readonly anomalies: Int32Array;
  readonly malformedRows: number;
  /** 1-based line numbers within the chunk. */
  readonly malformedSamples: ReadonlyArray<{ readonly lineInChunk: number; readonly message: string }>;
  /** Rows of pairs that have no model in the store: `"<device>_<sensor>"` -> rows. */
  readonly noModelRows: ReadonlyArray<readonly [string, number]>;
  /** Rows of models this scorer skips (other shards, resumed). */
  readonly skippedRows: ReadonlyArray<readonly [string, number]>;
  readonly loaded: readonly ModelLoaded[];
  readonly failures: readonly ModelFailure[];
}

/** Whole lines of a readings CSV (after its header), as read from the file. */
export interface LinesChunk {
  readonly kind: "lines";
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/**
 * Rows that are values already (window means read from SQL): no CSV text to write and parse again. Row `i`
 * is pair `pairOfRow[i]` (`deviceIds[p]`, `sensorIds[p]`, chunk-local), at time `times[timeOfRow[i]]`
 * (epoch ms; the prediction file's TS is written `YYYY-MM-DD HH:MM:SS.fff` UTC, as the reference data
 * writes it) with value `values[i]` (written `String(value)`, the shortest text that reads back the same).
 * The typed arrays are transferred to the worker, not copied.
 */
export interface ValuesChunk {
  readonly kind: "values";
  readonly seq: number;
  readonly deviceIds: readonly string[];
  readonly sensorIds: readonly string[];
  readonly pairOfRow: Int32Array;
  readonly times: Float64Array;
  readonly timeOfRow: Int32Array;
  readonly values: Float64Array;
}

export type ScoringChunk = LinesChunk | ValuesChunk;

/** The buffers a chunk hands over to a worker thread. */
export function chunkTransferList(chunk: ScoringChunk): ArrayBuffer[] {
  if (chunk.kind === "lines") return [chunk.bytes.buffer as ArrayBuffer];
  return [chunk.pairOfRow.buffer as ArrayBuffer, chunk.times.buffer as ArrayBuffer, chunk.timeOfRow.buffer as ArrayBuffer, chunk.values.buffer as ArrayBuffer];
}

export type WorkerRequest =
  | { readonly type: "init"; readonly init: ChunkScorerInit }
  | { readonly type: "chunk"; readonly chunk: ScoringChunk }
  | { readonly type: "finish" }
  | { readonly type: "close" };

export type WorkerResponse =
  | { readonly type: "ready" }
  | { readonly type: "result"; readonly result: ChunkResult }
  /** After `finish`: the owned files are written and closed; the models whose last write failed. */
  | { readonly type: "finished"; readonly failures: readonly ModelFailure[] }
  | { readonly type: "closed" }
  | { readonly type: "error"; readonly seq?: number; readonly message: string; readonly stack?: string };
