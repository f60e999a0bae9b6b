import type { WindowAggregateRecord } from "../window-aggregate-record.js";
import type { WindowingMetrics } from "./types.js";
import { WindowingError } from "./windowing-error.js";

/** Tag and version of the snapshot JSON; a reader refuses any other. */
export const WINDOWING_SNAPSHOT_FORMAT = "fleetscore.tumbling-windows/1";

/**
 * One device x sensor in a snapshot, as a tuple and with its duplicate memory delta-encoded, because the
 * aggregator saves a snapshot with every SQL transaction and 2,000 series remembering a minute of
 * readings are ~20,000 entries (field names and absolute times would double its size):
 * - deviceId, sensorId;
 * - open windows, ascending end: [windowEndMs, values in arrival order];
 * - the readings seen, ascending original event time, as three parallel arrays: event times (the first
 *   as is, then each minus the previous one, >= 0); values; and each entry's "kept until" time minus its
 *   event time (>= 0, usually 0: the entry is forgotten once watermark - duplicateHorizonInMs passes it).
 */
export type SeriesSnapshot = readonly [
  deviceId: string,
  sensorId: string,
  windows: readonly (readonly [number, readonly number[]])[],
  seenTsDeltas: readonly number[],
  seenValues: readonly number[],
  seenKeepAfterTs: readonly number[],
];

/** A series as the engine loads it: the duplicate memory decoded to absolute times. */
export interface SeriesState {
  readonly deviceId: string;
  readonly sensorId: string;
  readonly windows: readonly (readonly [number, readonly number[]])[];
  readonly seenTs: number[];
  readonly seenValue: number[];
  readonly seenKeep: number[];
}

/** The whole state of a TumblingWindowAggregator (JSON). Times are whole epoch milliseconds. */
export interface WindowingSnapshot {
  readonly format: typeof WINDOWING_SNAPSHOT_FORMAT;
  readonly windowSizeInMs: number;
  /** Largest event time taken into a window (after adjustment); null before any. */
  readonly maxEventTimeMs: number | null;
  /** Largest arrival time seen (readings and advanceArrivalTime); null before any. */
  readonly maxArrivalTimeMs: number | null;
  /** Set by flush(): the watermark is at least this (one ms past the last window it closed); null before. */
  readonly watermarkFloorMs: number | null;
  readonly metrics: WindowingMetrics;
  readonly series: readonly SeriesSnapshot[];
  /** Windows closed but not yet returned by takeEmitted(). */
  readonly emitted: readonly WindowAggregateRecord[];
}

/** A snapshot as the engine loads it. */
export interface WindowingState extends Omit<WindowingSnapshot, "series"> {
  readonly series: readonly SeriesState[];
}

/** Delta-encodes one series' duplicate memory (times are safe integers, so the deltas are exact). */
export function encodeSeenMemory(
  ts: readonly number[],
  values: readonly number[],
  keep: readonly number[],
  include: (i: number) => boolean,
): { readonly seenTsDeltas: number[]; readonly seenValues: number[]; readonly seenKeepAfterTs: number[] } {
  const seenTsDeltas: number[] = [];
  const seenValues: number[] = [];
  const seenKeepAfterTs: number[] = [];
  let previous = 0;
  for (let i = 0; i < ts.length; i++) {
    if (!include(i)) continue;
    const t = ts[i]!;
    seenTsDeltas.push(seenTsDeltas.length === 0 ? t : t - previous);
    seenValues.push(values[i]!);
    seenKeepAfterTs.push(keep[i]! - t);
    previous = t;
  }
  return { seenTsDeltas, seenValues, seenKeepAfterTs };
}

const METRIC_KEYS = [
  "accepted",
  "duplicates",
  "lateAdjusted",
  "lateDropped",
  "outOfOrderAdjusted",
  "outOfOrderDropped",
  "windowsEmitted",
] as const satisfies readonly (keyof WindowingMetrics)[];

const RECORD_NUMBER_KEYS = ["windowStartMs", "windowEndMs", "count", "mean", "min", "max", "stddev"] as const;

function fail(path: string, expected: string): never {
  throw new WindowingError(`Invalid windowing snapshot: ${path} must be ${expected}`, "InvalidSnapshot");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function wholeMs(v: unknown, path: string, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) fail(path, min === 0 ? "a whole number >= 0" : "whole epoch milliseconds");
  return v;
}

function finite(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "a finite number");
  return v;
}

function wholeMsOrNull(v: unknown, path: string): number | null {
  return v === null ? null : wholeMs(v, path);
}

function count(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(path, "a whole number >= 0");
  return v;
}

function id(v: unknown, path: string): string {
  if (typeof v !== "string" || v.length === 0) fail(path, "a non-empty string");
  return v;
}

function numbers(v: unknown, path: string): number[] {
  if (!Array.isArray(v)) fail(path, "an array of finite numbers");
  for (let i = 0; i < v.length; i++) finite(v[i], `${path}[${i}]`);
  return v as number[];
}

function parseSeries(v: unknown, path: string, windowSizeInMs: number): SeriesState {
  if (!Array.isArray(v) || v.length !== 6) fail(path, "[deviceId, sensorId, windows, seenTsDeltas, seenValues, seenKeepAfterTs]");
  const deviceId = id(v[0], `${path}[0] (deviceId)`);
  const sensorId = id(v[1], `${path}[1] (sensorId)`);
  const rawWindows: unknown = v[2];
  if (!Array.isArray(rawWindows)) fail(`${path}[2] (windows)`, "an array");
  const windows: [number, number[]][] = [];
  let previousEnd = -Infinity;
  rawWindows.forEach((w: unknown, i) => {
    const at = `${path}[2][${i}]`;
    if (!Array.isArray(w) || w.length !== 2) fail(at, "[windowEndMs, values]");
    const end = wholeMs(w[0], `${at}[0]`);
    if (end % windowSizeInMs !== 0 || end <= previousEnd) fail(`${at}[0]`, `a multiple of ${windowSizeInMs}, greater than the previous window's end`);
    const values = numbers(w[1], `${at}[1]`);
    if (values.length === 0) fail(`${at}[1]`, "a non-empty array");
    previousEnd = end;
    windows.push([end, values]);
  });
  const deltas: unknown = v[3];
  const seenValue = numbers(v[4], `${path}[4] (seenValues)`);
  const after: unknown = v[5];
  if (!Array.isArray(deltas) || !Array.isArray(after) || deltas.length !== seenValue.length || after.length !== seenValue.length) {
    fail(`${path}[3..5] (seenTsDeltas, seenValues, seenKeepAfterTs)`, "arrays of the same length");
  }
  const seenTs: number[] = [];
  const seenKeep: number[] = [];
  let t = 0;
  for (let i = 0; i < deltas.length; i++) {
    t = i === 0 ? wholeMs(deltas[0], `${path}[3][0] (seenTsDeltas)`) : t + wholeMs(deltas[i], `${path}[3][${i}] (seenTsDeltas)`, 0);
    seenTs.push(t);
    seenKeep.push(t + wholeMs(after[i], `${path}[5][${i}] (seenKeepAfterTs)`, 0));
  }
  return { deviceId, sensorId, windows, seenTs, seenValue, seenKeep };
}

function parseRecord(v: unknown, path: string): WindowAggregateRecord {
  if (!isObject(v)) fail(path, "an object");
  const numbersOf = Object.fromEntries(RECORD_NUMBER_KEYS.map((k) => [k, finite(v[k], `${path}.${k}`)])) as Record<
    (typeof RECORD_NUMBER_KEYS)[number],
    number
  >;
  return { deviceId: id(v["deviceId"], `${path}.deviceId`), sensorId: id(v["sensorId"], `${path}.sensorId`), ...numbersOf };
}

/**
 * Parses and checks a snapshot's JSON (structure, types, ordering); the caller checks that its window
 * size is the engine's.
 * @throws WindowingError `InvalidSnapshot` naming the first bad field.
 */
export function parseWindowingSnapshot(text: string): WindowingState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WindowingError(`Invalid windowing snapshot: not JSON (${(e as Error).message})`, "InvalidSnapshot", { cause: e });
  }
  if (!isObject(raw)) fail("the snapshot", "a JSON object");
  if (raw["format"] !== WINDOWING_SNAPSHOT_FORMAT) fail("format", JSON.stringify(WINDOWING_SNAPSHOT_FORMAT));
  const windowSizeInMs = raw["windowSizeInMs"];
  if (typeof windowSizeInMs !== "number" || !Number.isSafeInteger(windowSizeInMs) || windowSizeInMs < 1) {
    fail("windowSizeInMs", "a whole number of milliseconds >= 1");
  }
  const rawMetrics = raw["metrics"];
  if (!isObject(rawMetrics)) fail("metrics", "an object");
  const metrics = Object.fromEntries(METRIC_KEYS.map((k) => [k, count(rawMetrics[k], `metrics.${k}`)])) as unknown as WindowingMetrics;
  const rawSeries = raw["series"];
  if (!Array.isArray(rawSeries)) fail("series", "an array");
  const rawEmitted = raw["emitted"];
  if (!Array.isArray(rawEmitted)) fail("emitted", "an array");
  return {
    format: WINDOWING_SNAPSHOT_FORMAT,
    windowSizeInMs,
    maxEventTimeMs: wholeMsOrNull(raw["maxEventTimeMs"], "maxEventTimeMs"),
    maxArrivalTimeMs: wholeMsOrNull(raw["maxArrivalTimeMs"], "maxArrivalTimeMs"),
    watermarkFloorMs: wholeMsOrNull(raw["watermarkFloorMs"], "watermarkFloorMs"),
    metrics,
    series: rawSeries.map((s: unknown, i) => parseSeries(s, `series[${i}]`, windowSizeInMs)),
    emitted: rawEmitted.map((r: unknown, i) => parseRecord(r, `emitted[${i}]`)),
  };
}
