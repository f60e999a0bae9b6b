import type { WindowAggregateRecord } from "../window-aggregate-record.js";
import type { TimedReading, WindowingMetrics, WindowingOptions } from "./types.js";
import { lowerBound, upperBound } from "./sorted-search.js";
import { computeWindowStats } from "./window-stats.js";
import { WindowingError } from "./windowing-error.js";
import { resolveWindowingOptions, type ResolvedWindowingOptions } from "./windowing-options.js";
import {
  WINDOWING_SNAPSHOT_FORMAT,
  encodeSeenMemory,
  parseWindowingSnapshot,
  type SeriesSnapshot,
  type WindowingSnapshot,
  type WindowingState,
} from "./windowing-snapshot.js";

/** The metrics as the engine counts them. */
type Counts = { -readonly [K in keyof WindowingMetrics]: number };

/** One device x sensor: its open windows and its duplicate memory. */
interface Series {
  readonly deviceId: string;
  readonly sensorId: string;
  /** deviceId NUL sensorId: sorts like (deviceId, sensorId), since NUL is below every other character. */
  readonly sortKey: string;
  /** Position in sortKey order among the known series (see `rerank`). */
  rank: number;
  /** Set when a sweep forgets the series (it leaves the ranking at the next rerank). */
  removed: boolean;
  /** Ascending windowEnd; almost always one or two. */
  readonly open: OpenWindow[];
  /**
   * Readings seen, as parallel arrays sorted by original event time (readings mostly arrive in order,
   * so the common case is an append and a duplicate check is one comparison with the last element):
   * original event time, value, and the time the entry is kept until (see `remember`).
   */
  seenTs: number[];
  seenValue: number[];
  seenKeep: number[];
}

interface OpenWindow {
  readonly series: Series;
  readonly endMs: number;
  /** The first value taken. Most windows hold one reading: they need no array. */
  readonly first: number;
  /** All values taken, in arrival order, once there are two or more (summed in ascending order on close). */
  values: number[] | null;
}

const bySortKey = (a: Series, b: Series): number => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0);

/** Duplicate memory is pruned at most this often (watermark progress), so pruning costs O(1) per reading. */
const MIN_SWEEP_INTERVAL_MS = 10_000;

/**
 * Tumbling windows per (deviceId, sensorId) with Azure Stream Analytics semantics, in one synchronous
 * object: feed readings with `add`, collect the closed windows with `takeEmitted`.
 *
 * **Windows.** Aligned to the Unix epoch, `windowSizeInMs` long; like Stream Analytics a window holds
 * the readings with start < ts <= end, so a reading exactly on a boundary belongs to the window that
 * ends there (windowEnd = ceil(ts / size) * size). Each window gives count, mean, min, max and sample
 * stddev (0 for one reading; see `computeWindowStats` for how: two passes over the window's values in
 * ascending order, so mean is exactly the value for one reading and the result does not depend on the
 * arrival order); windows without readings give no row. Times are whole epoch milliseconds.
 *
 * **Event ordering** (Stream Analytics' "Event ordering" settings, one action for both policies):
 * 1. Late arrival: a reading with arrival - event time > `lateArrivalToleranceInMs` gets the event
 *    time arrival - tolerance ("adjust") or is discarded ("drop").
 * 2. Out of order, on the time after step 1: a reading older than the watermark (below) gets the
 *    watermark as its time, or is discarded. Readings at or after the watermark are taken into the
 *    window of their (adjusted) time: a window is only closed once the watermark has passed it, and its
 *    values are combined in an order-independent way, which is the same as buffering them and releasing
 *    them in event-time order: the open windows are the reorder buffer.
 *
 * **Watermark** = max(largest event time taken - `outOfOrderToleranceInMs`, largest arrival time seen -
 * `lateArrivalToleranceInMs`), and after a `flush` at least 1 ms past the windows it closed; it only
 * moves forward. Every reading's arrival time counts, whatever becomes of the reading (duplicate,
 * dropped). `advanceArrivalTime(now)` moves the second term for an idle live source (Stream Analytics:
 * with no incoming events the watermark is the estimated arrival time minus the late-arrival tolerance). When arrival times never go backwards (Event Hubs enqueued
 * times within a partition; a replay passing arrival = event time in ts order), a reading that
 * survived step 1 is at or after the arrival term, so "older than the watermark" is exactly Stream
 * Analytics' "older than the largest event time seen - out-of-order tolerance". Testing against the
 * watermark itself also keeps it true when arrival times do go backwards that no reading can fall into a
 * window already emitted.
 *
 * **Emission.** A window is emitted once the watermark is strictly past its end. At watermark == end a
 * reading with ts == end (a reading exactly at the watermark is not "older than" it, so it is taken)
 * still belongs to that window; emitting at == end would either lose it or emit a second row for the
 * same window. With the default tolerance 0 and in-order input, the window (t - 5 s, t] is emitted by
 * the first reading after t.
 *
 * **Duplicates.** A reading with the same device, sensor, original event time and value as one seen
 * before is ignored (counted in `metrics.duplicates`), before any late or out-of-order handling, so a
 * redelivery never changes a window, even after that window was emitted. Each reading is remembered
 * until the watermark is `duplicateHorizonInMs` past max(its event time, the watermark when it came), and
 * the memory is pruned as the watermark moves (every max(horizon, window size, 10 s) of watermark
 * progress), so it holds at most about twice that much event time worth of readings.
 * Redeliveries older than that are treated as new readings. (A Stream Analytics job dedups with
 * `GROUP BY ..., System.Timestamp()`, i.e. only among readings with the same adjusted time.)
 *
 * **Metrics** count each policy application: a reading can be late-adjusted and then out-of-order
 * adjusted. Every reading is exactly one of accepted, duplicates, lateDropped or outOfOrderDropped.
 *
 * **Snapshots.** `snapshot()` is JSON of the whole state; `restore` then continuing gives exactly the rows
 * of an uninterrupted run (windows are combined order-independently, and the duplicate decisions depend
 * only on the state, not on when memory was pruned).
 */
export class TumblingWindowAggregator {
  /** The options in effect, defaults filled in. */
  readonly options: ResolvedWindowingOptions;

  private readonly size: number;
  private readonly lateTolerance: number;
  private readonly outOfOrderTolerance: number;
  private readonly drop: boolean;
  private readonly horizon: number;
  private readonly sweepInterval: number;

  private maxEventMs = -Infinity;
  private maxArrivalMs = -Infinity;
  /** Raised by flush() past the windows it closed early, so nothing can go into them again. */
  private floorMs = -Infinity;

  private readonly series = new Map<string, Map<string, Series>>();
  /** Open windows by windowEnd, and the distinct ends in ascending order. */
  private readonly buckets = new Map<number, OpenWindow[]>();
  private ends: number[] = [];
  private firstOpenEnd = Infinity;
  /** Most readings go to the bucket of the previous one. */
  private cachedEnd = Number.NaN;
  private cachedBucket: OpenWindow[] = [];
  private nextSweepMs = -Infinity;

  /**
   * Emission orders each window end's rows by series. Sorting them by comparing strings took a fifth of
   * the engine's time, so series carry a rank (their position in sortKey order), refreshed only when
   * series came or went, and a bucket is sorted on ranks in a typed array.
   */
  private ranked: Series[] = [];
  private unranked: Series[] = [];
  private ranksStale = false;
  private rankScratch = new Int32Array(64);
  private byRank: (OpenWindow | undefined)[] = [];

  private emitted: WindowAggregateRecord[] = [];

  private counts: Counts = { accepted: 0, duplicates: 0, lateAdjusted: 0, lateDropped: 0, outOfOrderAdjusted: 0, outOfOrderDropped: 0, windowsEmitted: 0 };

  /** @throws WindowingError `InvalidOption` naming the option and its value. */
  constructor(options: WindowingOptions = {}) {
    this.options = resolveWindowingOptions(options);
    this.size = this.options.windowSizeInMs;
    this.lateTolerance = this.options.lateArrivalToleranceInMs;
    this.outOfOrderTolerance = this.options.outOfOrderToleranceInMs;
    this.drop = this.options.eventOrderingAction === "drop";
    this.horizon = this.options.duplicateHorizonInMs;
    this.sweepInterval = Math.max(this.horizon, this.size, MIN_SWEEP_INTERVAL_MS);
  }

  /**
   * Restores an engine from `snapshot()`'s JSON. The tolerances and duplicate horizon are taken from
   * `options` (they may change between runs); the window size must be the snapshot's.
   * @throws WindowingError `InvalidSnapshot` (not a snapshot of this format), `SnapshotMismatch` (another
   * window size), `InvalidOption`.
   */
  static restore(snapshot: string, options: WindowingOptions = {}): TumblingWindowAggregator {
    const engine = new TumblingWindowAggregator(options);
    const state = parseWindowingSnapshot(snapshot);
    if (state.windowSizeInMs !== engine.size) {
      throw new WindowingError(
        `Cannot restore windowing state made with windowSizeInMs ${state.windowSizeInMs} into an engine with windowSizeInMs ${engine.size}: ` +
          "its open windows would not line up. Keep the window size, or start from an empty state (a new checkpoint).",
        "SnapshotMismatch",
      );
    }
    engine.load(state);
    return engine;
  }

  /**
   * Event-time progress: windows ending before it are emitted. -Infinity before the first reading.
   */
  get watermarkMs(): number {
    return this.watermark();
  }

  /** Counters since the first engine of this chain of snapshots was created. */
  get metrics(): WindowingMetrics {
    return { ...this.counts };
  }

  /**
   * Takes one reading (see the class comment for what happens to it).
   * @throws WindowingError `InvalidInput` (empty id, time not whole epoch ms, non-finite value).
   */
  add(reading: TimedReading): void {
    this.addReading(reading.deviceId, reading.sensorId, reading.eventTimeMs, reading.arrivalTimeMs, reading.value);
  }

  /**
   * `add` without the reading object, for sources that parse columns (saves an allocation per reading).
   * @throws WindowingError `InvalidInput`.
   */
  addReading(deviceId: string, sensorId: string, eventTimeMs: number, arrivalTimeMs: number, value: number): void {
    if (
      typeof deviceId !== "string" ||
      deviceId.length === 0 ||
      typeof sensorId !== "string" ||
      sensorId.length === 0 ||
      !Number.isSafeInteger(eventTimeMs) ||
      !Number.isSafeInteger(arrivalTimeMs) ||
      !Number.isFinite(value)
    ) {
      throw invalidReading(deviceId, sensorId, eventTimeMs, arrivalTimeMs, value);
    }
    // The input's clock moves with every reading, whatever becomes of the reading.
    if (arrivalTimeMs > this.maxArrivalMs) this.maxArrivalMs = arrivalTimeMs;
    let watermark = this.watermark();
    const series = this.seriesOf(deviceId, sensorId);
    // -0 + 0 is +0: JSON (the snapshot) cannot hold -0, so never keep one.
    const v = value + 0;
    if (this.seenBefore(series, eventTimeMs, v, watermark - this.horizon)) {
      this.counts.duplicates++;
    } else {
      this.remember(series, eventTimeMs, v, eventTimeMs > watermark ? eventTimeMs : watermark);
      let t = eventTimeMs;
      let take = true;
      if (arrivalTimeMs - t > this.lateTolerance) {
        if (this.drop) {
          this.counts.lateDropped++;
          take = false;
        } else {
          t = arrivalTimeMs - this.lateTolerance;
          this.counts.lateAdjusted++;
        }
      }
      if (take && t < watermark) {
        if (this.drop) {
          this.counts.outOfOrderDropped++;
          take = false;
        } else {
          t = watermark;
          this.counts.outOfOrderAdjusted++;
        }
      }
      if (take) {
        if (t > this.maxEventMs) {
          this.maxEventMs = t;
          watermark = this.watermark();
        }
        this.take(series, t, v);
      }
    }
    if (watermark > this.firstOpenEnd) this.closeBefore(watermark);
    if (watermark >= this.nextSweepMs) this.sweep(watermark);
  }

  /**
   * Tells the engine that the source is idle up to `nowMs` (its estimated arrival time, e.g. the wall
   * clock for a live Event Hubs source): the watermark becomes at least now - lateArrivalToleranceInMs and
   * windows it passes are emitted. Earlier values than already seen are ignored.
   * @throws WindowingError `InvalidInput` (not whole epoch ms).
   */
  advanceArrivalTime(nowMs: number): void {
    if (!Number.isSafeInteger(nowMs)) {
      throw new WindowingError(`Invalid arrival time for advanceArrivalTime: ${String(nowMs)}; expected whole epoch milliseconds`, "InvalidInput");
    }
    if (nowMs > this.maxArrivalMs) this.maxArrivalMs = nowMs;
    const watermark = this.watermark();
    if (watermark > this.firstOpenEnd) this.closeBefore(watermark);
    if (watermark >= this.nextSweepMs) this.sweep(watermark);
  }

  /**
   * The windows closed since the last call (or restore), ordered by windowEnd, then deviceId, then
   * sensorId (UTF-16 code-unit order).
   */
  takeEmitted(): WindowAggregateRecord[] {
    const out = this.emitted;
    this.emitted = [];
    return out;
  }

  /**
   * End of a finite input: closes every open window whatever the watermark and returns, like
   * `takeEmitted`, every closed window not yet taken (so a `takeEmitted` right after returns []).
   *
   * The watermark is raised to 1 ms past the last window closed (times are whole ms), so if readings
   * follow (a replayed file that grew), none can go into a window already emitted: older ones are
   * adjusted or dropped by the out-of-order policy, as for any reading behind the watermark.
   */
  flush(): WindowAggregateRecord[] {
    const n = this.ends.length;
    if (n > 0) {
      const floor = this.ends[n - 1]! + 1;
      if (floor > this.floorMs) this.floorMs = floor;
      this.closeBefore(this.watermark());
    }
    return this.takeEmitted();
  }

  /**
   * The whole state as JSON: maxima, open windows with their values (the reorder buffer), the duplicate
   * memory still in use, metrics, and closed windows not yet taken. Save it with the windows written
   * (the aggregator does, in one SQL transaction) and give it to `restore` to continue exactly.
   */
  snapshot(): string {
    const cutoff = this.watermark() - this.horizon;
    const series: SeriesSnapshot[] = [];
    for (const bySensor of this.series.values()) {
      for (const s of bySensor.values()) {
        // Entries kept until before the cutoff could never match again.
        const seen = encodeSeenMemory(s.seenTs, s.seenValue, s.seenKeep, (i) => s.seenKeep[i]! >= cutoff);
        if (s.open.length === 0 && seen.seenValues.length === 0) continue;
        const windows = s.open.map((w) => [w.endMs, w.values ?? [w.first]] as const);
        series.push([s.deviceId, s.sensorId, windows, seen.seenTsDeltas, seen.seenValues, seen.seenKeepAfterTs]);
      }
    }
    const state: WindowingSnapshot = {
      format: WINDOWING_SNAPSHOT_FORMAT,
      windowSizeInMs: this.size,
      maxEventTimeMs: Number.isFinite(this.maxEventMs) ? this.maxEventMs : null,
      maxArrivalTimeMs: Number.isFinite(this.maxArrivalMs) ? this.maxArrivalMs : null,
      watermarkFloorMs: Number.isFinite(this.floorMs) ? this.floorMs : null,
      metrics: this.metrics,
      series,
      emitted: this.emitted,
    };
    return JSON.stringify(state);
  }

  private watermark(): number {
    const byEvents = this.maxEventMs - this.outOfOrderTolerance;
    const byArrival = this.maxArrivalMs - this.lateTolerance;
    const w = byEvents > byArrival ? byEvents : byArrival;
    return w > this.floorMs ? w : this.floorMs;
  }

  private seriesOf(deviceId: string, sensorId: string): Series {
    // Two maps rather than one keyed by a concatenation: no string is built per reading.
    let bySensor = this.series.get(deviceId);
    if (bySensor === undefined) {
      bySensor = new Map();
      this.series.set(deviceId, bySensor);
    }
    let s = bySensor.get(sensorId);
    if (s === undefined) {
      s = {
        deviceId,
        sensorId,
        sortKey: `${deviceId}\u0000${sensorId}`,
        rank: -1,
        removed: false,
        open: [],
        seenTs: [],
        seenValue: [],
        seenKeep: [],
      };
      bySensor.set(sensorId, s);
      this.unranked.push(s);
      this.ranksStale = true;
    }
    return s;
  }

  /** True when (ts, value) is in the series' memory and not yet forgotten (kept until >= cutoff). */
  private seenBefore(s: Series, ts: number, value: number, cutoff: number): boolean {
    const times = s.seenTs;
    const n = times.length;
    if (n === 0 || ts > times[n - 1]!) return false; // in-order reading: the common case
    for (let i = lowerBound(times, ts); i < n && times[i] === ts; i++) {
      if (s.seenValue[i] === value && s.seenKeep[i]! >= cutoff) return true;
    }
    return false;
  }

  /**
   * Adds (ts, value) to the memory, kept until `keep` = max(ts, watermark on arrival): that is at or
   * after the time the reading is taken at (an adjusted reading is moved to at most the watermark), so a
   * redelivery is recognised while the watermark is less than `duplicateHorizonInMs` past its window.
   */
  private remember(s: Series, ts: number, value: number, keep: number): void {
    const times = s.seenTs;
    const n = times.length;
    if (n === 0 || ts >= times[n - 1]!) {
      times.push(ts);
      s.seenValue.push(value);
      s.seenKeep.push(keep);
      return;
    }
    const at = upperBound(times, ts);
    times.splice(at, 0, ts);
    s.seenValue.splice(at, 0, value);
    s.seenKeep.splice(at, 0, keep);
  }

  /** Puts a value in the window of `t`; t is at or after the watermark, so that window is open. */
  private take(s: Series, t: number, value: number): void {
    const r = t % this.size;
    const end = r === 0 ? t : r > 0 ? t - r + this.size : t - r;
    const open = s.open;
    let i = open.length - 1;
    const last = open[i];
    if (last !== undefined && last.endMs === end) {
      addValue(last, value);
    } else {
      while (i >= 0 && open[i]!.endMs > end) i--;
      const at = open[i];
      if (at !== undefined && at.endMs === end) {
        addValue(at, value);
      } else {
        const w: OpenWindow = { series: s, endMs: end, first: value, values: null };
        if (i === open.length - 1) open.push(w);
        else open.splice(i + 1, 0, w);
        this.bucketOf(end).push(w);
      }
    }
    this.counts.accepted++;
  }

  private bucketOf(end: number): OpenWindow[] {
    if (end === this.cachedEnd) return this.cachedBucket;
    let bucket = this.buckets.get(end);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(end, bucket);
      const ends = this.ends;
      const n = ends.length;
      if (n === 0 || end > ends[n - 1]!) {
        ends.push(end);
      } else {
        ends.splice(lowerBound(ends, end), 0, end);
      }
      this.firstOpenEnd = ends[0]!;
    }
    this.cachedEnd = end;
    this.cachedBucket = bucket;
    return bucket;
  }

  /** Emits every open window ending before `watermark`, in (end, deviceId, sensorId) order. */
  private closeBefore(watermark: number): void {
    const ends = this.ends;
    let k = 0;
    while (k < ends.length && ends[k]! < watermark) {
      const end = ends[k]!;
      const bucket = this.buckets.get(end)!;
      this.buckets.delete(end);
      this.emitBucket(end, bucket);
      k++;
    }
    if (k === 0) return;
    this.ends = k === ends.length ? [] : ends.slice(k);
    this.firstOpenEnd = this.ends.length > 0 ? this.ends[0]! : Infinity;
    this.cachedEnd = Number.NaN;
    this.cachedBucket = [];
  }

  private emitBucket(end: number, bucket: OpenWindow[]): void {
    if (bucket.length > 1) this.sortBySeries(bucket);
    const start = end - this.size;
    const emitted = this.emitted;
    for (let i = 0; i < bucket.length; i++) {
      const w = bucket[i]!;
      const s = w.series;
      // Windows close in end order, so this is the series' oldest open window.
      s.open.shift();
      if (w.values === null) {
        const x = w.first;
        emitted.push({ deviceId: s.deviceId, sensorId: s.sensorId, windowStartMs: start, windowEndMs: end, count: 1, mean: x, min: x, max: x, stddev: 0 });
        continue;
      }
      const stats = computeWindowStats(w.values);
      emitted.push({
        deviceId: s.deviceId,
        sensorId: s.sensorId,
        windowStartMs: start,
        windowEndMs: end,
        count: stats.count,
        mean: stats.mean,
        min: stats.min,
        max: stats.max,
        stddev: stats.stddev,
      });
    }
    this.counts.windowsEmitted += bucket.length;
  }

  /** Sorts one end's windows by (deviceId, sensorId): each series has at most one, so ranks are unique. */
  private sortBySeries(bucket: OpenWindow[]): void {
    if (this.ranksStale) this.rerank();
    const n = bucket.length;
    let sorted = true;
    for (let i = 1; i < n; i++) {
      if (bucket[i]!.series.rank < bucket[i - 1]!.series.rank) {
        sorted = false;
        break;
      }
    }
    if (sorted) return;
    if (this.rankScratch.length < n) this.rankScratch = new Int32Array(Math.max(n, 2 * this.rankScratch.length));
    const ranks = this.rankScratch.subarray(0, n);
    const byRank = this.byRank;
    for (let i = 0; i < n; i++) {
      const w = bucket[i]!;
      ranks[i] = w.series.rank;
      byRank[w.series.rank] = w;
    }
    ranks.sort(); // typed arrays sort numerically, natively
    for (let i = 0; i < n; i++) {
      const r = ranks[i]!;
      bucket[i] = byRank[r]!;
      byRank[r] = undefined;
    }
  }

  /** Merges the series created since the last rerank into the ranking and drops the forgotten ones. */
  private rerank(): void {
    const fresh = this.unranked.sort(bySortKey);
    const old = this.ranked;
    const merged: Series[] = [];
    let i = 0;
    let j = 0;
    while (i < old.length || j < fresh.length) {
      const a = old[i];
      if (a !== undefined && a.removed) {
        i++;
        continue;
      }
      const b = fresh[j];
      const s = b === undefined || (a !== undefined && bySortKey(a, b) <= 0) ? (i++, a!) : (j++, b);
      s.rank = merged.length;
      merged.push(s);
    }
    this.ranked = merged;
    this.unranked = [];
    this.ranksStale = false;
  }

  /**
   * Forgets readings kept until before watermark - horizon (they can no longer match) and series with
   * nothing left. Only memory changes: `seenBefore` checks the same cutoff, so when this runs never
   * changes a result.
   */
  private sweep(watermark: number): void {
    const cutoff = watermark - this.horizon;
    for (const [deviceId, bySensor] of this.series) {
      for (const [sensorId, s] of bySensor) {
        const keep = s.seenKeep;
        let j = 0;
        for (let i = 0; i < keep.length; i++) {
          if (keep[i]! < cutoff) continue;
          if (i !== j) {
            s.seenTs[j] = s.seenTs[i]!;
            s.seenValue[j] = s.seenValue[i]!;
            keep[j] = keep[i]!;
          }
          j++;
        }
        if (j !== keep.length) {
          s.seenTs.length = j;
          s.seenValue.length = j;
          keep.length = j;
        }
        if (j === 0 && s.open.length === 0) {
          bySensor.delete(sensorId);
          s.removed = true;
          this.ranksStale = true;
        }
      }
      if (bySensor.size === 0) this.series.delete(deviceId);
    }
    this.nextSweepMs = watermark + this.sweepInterval;
  }

  private load(state: WindowingState): void {
    this.maxEventMs = state.maxEventTimeMs ?? -Infinity;
    this.maxArrivalMs = state.maxArrivalTimeMs ?? -Infinity;
    this.floorMs = state.watermarkFloorMs ?? -Infinity;
    this.counts = { ...state.metrics };
    for (const snap of state.series) {
      const s = this.seriesOf(snap.deviceId, snap.sensorId);
      if (s.open.length > 0 || s.seenTs.length > 0) {
        throw new WindowingError(`Invalid windowing snapshot: series ${snap.deviceId}/${snap.sensorId} appears twice`, "InvalidSnapshot");
      }
      s.seenTs = snap.seenTs;
      s.seenValue = snap.seenValue;
      s.seenKeep = snap.seenKeep;
      for (const [endMs, values] of snap.windows) {
        const w: OpenWindow = { series: s, endMs, first: values[0]!, values: values.length > 1 ? [...values] : null };
        s.open.push(w);
        this.bucketOf(endMs).push(w);
      }
    }
    this.emitted = [...state.emitted];
  }
}

function addValue(w: OpenWindow, value: number): void {
  if (w.values === null) w.values = [w.first, value];
  else w.values.push(value);
}

function invalidReading(deviceId: unknown, sensorId: unknown, eventTimeMs: unknown, arrivalTimeMs: unknown, value: unknown): WindowingError {
  const fields: [string, unknown, string][] = [
    ["deviceId", deviceId, "a non-empty string"],
    ["sensorId", sensorId, "a non-empty string"],
    ["eventTimeMs", eventTimeMs, "whole epoch milliseconds"],
    ["arrivalTimeMs", arrivalTimeMs, "whole epoch milliseconds"],
    ["value", value, "a finite number"],
  ];
  const bad = fields.find(([name, v]) =>
    name === "deviceId" || name === "sensorId"
      ? typeof v !== "string" || v.length === 0
      : typeof v !== "number" || !(name === "value" ? Number.isFinite(v) : Number.isSafeInteger(v)),
  );
  const [name, v, expected] = bad ?? fields[4]!;
  return new WindowingError(
    `Invalid reading (device ${JSON.stringify(deviceId)}, sensor ${JSON.stringify(sensorId)}): ${name} is ${typeof v === "string" ? JSON.stringify(v) : String(v)}; expected ${expected}`,
    "InvalidInput",
  );
}
