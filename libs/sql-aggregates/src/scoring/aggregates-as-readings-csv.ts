import type { ModelKey, OperationOptions } from "@fleetscore/contracts";
import type { LineSource } from "@fleetscore/readings-csv";
import type { AggregateStore } from "../store/aggregate-store.js";

export interface AggregatesAsReadingsCsvOptions extends OperationOptions {
  /** Exclusive, epoch ms (like a window, a range excludes its start) ... */
  readonly fromMs: number;
  /** ... and includes its end: windows with fromMs < windowEnd <= toMs. */
  readonly toMs: number;
  /** Only these models. Default: all. */
  readonly models?: readonly ModelKey[];
  /** Only windows of this size (ms). Default: the database's only size (several: `AmbiguousWindowSize`). */
  readonly windowMs?: number;
  /** Bytes of CSV text per piece of the stream. Default 1 MiB. */
  readonly pieceSizeInBytes?: number;
}

/** `YYYY-MM-DD HH:MM:SS.fff`, UTC: how the reference data writes TS. */
export function formatReferenceTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/**
 * The window means of a time range as a readings CSV (`TS,Device,Sensor,Value` with TS = the window's
 * end, written like the reference data, and Value = the mean), streamed from the store a page at a time:
 * the scorer scores it exactly as it scores a CSV file, with the same outputs.
 */
export function aggregatesAsReadingsCsv(store: AggregateStore, options: AggregatesAsReadingsCsvOptions): LineSource {
  return { location: aggregatesRangeLocation(store, options.fromMs, options.toMs), stream: csvText(store, options) };
}

/** How a range of a store's windows is named in messages and manifests: `<store> windows (<from>, <to>]`. */
export function aggregatesRangeLocation(store: AggregateStore, fromMs: number, toMs: number): string {
  return `${store.location} windows (${new Date(fromMs).toISOString()}, ${new Date(toMs).toISOString()}]`;
}

async function* csvText(store: AggregateStore, options: AggregatesAsReadingsCsvOptions): AsyncIterable<Uint8Array> {
  const pieceSize = options.pieceSizeInBytes ?? 1 << 20;
  yield Buffer.from("TS,Device,Sensor,Value\n", "latin1");
  // Lines are written straight into a piece buffer (no per-line array, join or extra copy); a line is at
  // most 23 + 64 + 64 + 25 + 3 bytes, so a piece never overflows its margin.
  const margin = 256;
  let piece = Buffer.allocUnsafe(pieceSize + margin);
  let size = 0;
  let lastEnd = Number.NaN;
  let lastTs = "";
  for await (const page of store.read({
    fromMs: options.fromMs,
    toMs: options.toMs,
    ...(options.models && { models: options.models }),
    ...(options.windowMs !== undefined && { windowMs: options.windowMs }),
    ...(options.abortSignal && { abortSignal: options.abortSignal }),
  })) {
    for (const w of page) {
      // Pages come ordered by window end: format each distinct end once.
      if (w.windowEndMs !== lastEnd) {
        lastEnd = w.windowEndMs;
        lastTs = formatReferenceTimestamp(lastEnd);
      }
      // String(mean) is the shortest text that reads back as the same float64.
      size += piece.write(`${lastTs},${w.deviceId},${w.sensorId},${String(w.mean)}\n`, size, "latin1");
      if (size >= pieceSize) {
        yield piece.subarray(0, size);
        piece = Buffer.allocUnsafe(pieceSize + margin);
        size = 0;
      }
    }
  }
  if (size > 0) yield piece.subarray(0, size);
}
