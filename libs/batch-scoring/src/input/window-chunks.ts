import type { Hash } from "node:crypto";
import type { ValuesChunk } from "../run/chunk-protocol.js";

/** What the scorer needs of a window aggregate: its pair, its end and its mean. */
export interface WindowMean {
  readonly deviceId: string;
  readonly sensorId: string;
  readonly windowEndMs: number;
  readonly mean: number;
}

/** Rows per chunk: about what a 2 MiB chunk of CSV lines holds. */
export const DEFAULT_ROWS_PER_CHUNK = 65_536;

/**
 * Cuts pages of window means (ordered by window end, as the stores read them) into {@link ValuesChunk}s for
 * the workers: typed arrays, no text. Each chunk's rows feed `hash` (pair ids, end, mean), which is the
 * input's content hash once the pages end.
 */
export async function* windowChunks(pages: AsyncIterable<readonly WindowMean[]>, hash: Hash, rowsPerChunk = DEFAULT_ROWS_PER_CHUNK): AsyncGenerator<ValuesChunk> {
  let builder = new ChunkBuilder(rowsPerChunk);
  let seq = 0;
  for await (const page of pages) {
    for (const w of page) {
      builder.add(w);
      if (builder.full) {
        yield builder.finish(seq++, hash);
        builder = new ChunkBuilder(rowsPerChunk);
      }
    }
  }
  if (builder.count > 0) yield builder.finish(seq, hash);
}

class ChunkBuilder {
  count = 0;
  readonly #values: Float64Array;
  readonly #pairOfRow: Int32Array;
  readonly #timeOfRow: Int32Array;
  readonly #times: number[] = [];
  readonly #deviceIds: string[] = [];
  readonly #sensorIds: string[] = [];
  /** Chunk-local pair index by device, then sensor: two lookups, no string built per row. */
  readonly #pairs = new Map<string, Map<string, number>>();
  #lastEnd = Number.NaN;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
    this.#pairOfRow = new Int32Array(capacity);
    this.#timeOfRow = new Int32Array(capacity);
  }

  get full(): boolean {
    return this.count === this.#values.length;
  }

  add(w: WindowMean): void {
    let sensors = this.#pairs.get(w.deviceId);
    if (!sensors) this.#pairs.set(w.deviceId, (sensors = new Map()));
    let pair = sensors.get(w.sensorId);
    if (pair === undefined) {
      pair = this.#deviceIds.length;
      sensors.set(w.sensorId, pair);
      this.#deviceIds.push(w.deviceId);
      this.#sensorIds.push(w.sensorId);
    }
    // Pages are ordered by window end: a new end is a new time.
    if (w.windowEndMs !== this.#lastEnd) {
      this.#lastEnd = w.windowEndMs;
      this.#times.push(w.windowEndMs);
    }
    const i = this.count++;
    this.#values[i] = w.mean;
    this.#pairOfRow[i] = pair;
    this.#timeOfRow[i] = this.#times.length - 1;
  }

  finish(seq: number, hash: Hash): ValuesChunk {
    const n = this.count;
    const chunk: ValuesChunk = {
      kind: "values",
      seq,
      deviceIds: this.#deviceIds,
      sensorIds: this.#sensorIds,
      // Copies in their own buffers (transferred to a worker), sized to the rows.
      pairOfRow: this.#pairOfRow.slice(0, n),
      times: Float64Array.from(this.#times),
      timeOfRow: this.#timeOfRow.slice(0, n),
      values: this.#values.slice(0, n),
    };
    hash.update(JSON.stringify([chunk.deviceIds, chunk.sensorIds]));
    for (const a of [chunk.pairOfRow, chunk.times, chunk.timeOfRow, chunk.values]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return chunk;
  }
}
