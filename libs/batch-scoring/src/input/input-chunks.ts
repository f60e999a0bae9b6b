import { createHash } from "node:crypto";
import type { ModelKey, OperationOptions } from "@fleetscore/contracts";
import { isReadingsCsvError, readLineChunks, type LineSource } from "@fleetscore/readings-csv";
import { BatchScoringError } from "../batch-scoring-error.js";
import type { ScoringChunk } from "../run/chunk-protocol.js";
import type { ScoringInput } from "./scoring-input.js";
import { windowChunks } from "./window-chunks.js";

/** A chunk for a worker and the progress it stands for once scored. */
export interface InputChunk {
  readonly chunk: ScoringChunk;
  /** Bytes of the file (compressed, for gzip) read when this chunk was cut; 0 when unknown (SQL). */
  readonly fileBytesRead: number;
}

export interface InputChunks {
  /** The input's location for manifests and messages (no credentials). */
  readonly location: string;
  /** Size as stored, when known (files). */
  readonly sizeInBytes: number | undefined;
  /** Column indexes of TS, Device, Sensor, Value for lines chunks. */
  readonly columns: Int32Array;
  /** Lines before the first data line (the header and blank lines before it). */
  readonly headerLines: number;
  readonly chunks: AsyncIterable<InputChunk>;
  /** sha256 of every chunk's content, in order: complete once `chunks` has ended. */
  contentSha256(): string;
}

export interface ReadInputChunksOptions extends OperationOptions {
  readonly chunkSizeInBytes?: number;
}

/** TS, Device, Sensor, Value: the column order of values chunks (unused by them, required by the scorer). */
const VALUES_COLUMNS = Int32Array.of(0, 1, 2, 3);

/**
 * The input cut into chunks for the workers: a CSV as chunks of whole lines, SQL windows as chunks of
 * values (see `ValuesChunk`), hashing each chunk as it passes (before it is transferred away).
 * `models`: for SQL, read only these models' windows (a shard); undefined reads all.
 * @throws BatchScoringError `InputNotFound`, `InvalidInput`.
 */
export async function readInputChunks(
  data: string | LineSource | ScoringInput,
  models: readonly ModelKey[] | undefined,
  options: ReadInputChunksOptions = {},
): Promise<InputChunks> {
  const hash = createHash("sha256");
  const signal = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  if (typeof data === "object" && "kind" in data && data.kind === "windows") {
    const windows = windowChunks(data.readWindows(models, signal), hash);
    return {
      location: data.location,
      sizeInBytes: undefined,
      columns: VALUES_COLUMNS,
      headerLines: 0,
      chunks: mapChunks(windows, (chunk) => ({ chunk, fileBytesRead: 0 })),
      contentSha256: () => hash.copy().digest("hex"),
    };
  }
  const source = typeof data === "object" && "kind" in data ? data.path : data;
  let sizeInBytes: number | undefined;
  const { header, chunks } = await readLineChunks(source, {
    ...signal,
    ...(options.chunkSizeInBytes && { chunkSizeInBytes: options.chunkSizeInBytes }),
    onFileSize: (total) => (sizeInBytes = total),
  }).catch((e: unknown) => {
    throw asBatchScoringError(e);
  });
  const location = typeof data === "string" ? data : data.location;
  const lines = mapChunks(chunks, (c): InputChunk => {
    hash.update(c.bytes);
    return { chunk: { kind: "lines", seq: c.seq, bytes: c.bytes }, fileBytesRead: c.fileBytesRead };
  });
  return {
    location,
    sizeInBytes: typeof data === "object" && "kind" in data ? data.sizeInBytes : typeof data === "string" ? sizeInBytes : data.size,
    columns: header.columns,
    headerLines: header.lines,
    chunks: lines,
    contentSha256: () => hash.copy().digest("hex"),
  };
}

async function* mapChunks<T, U>(items: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  try {
    for await (const item of items) yield map(item);
  } catch (e) {
    throw asBatchScoringError(e);
  }
}

/** The data reader's errors keep their code (InputNotFound, InvalidInput) as this lib's error type. */
export function asBatchScoringError(e: unknown): unknown {
  return isReadingsCsvError(e) ? new BatchScoringError(e.message, e.code, { cause: e }) : e;
}
