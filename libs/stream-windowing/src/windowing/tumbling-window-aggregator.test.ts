import { seededRandom } from "@fleetscore/test-support";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WindowAggregate } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { toWindowAggregate, type WindowAggregateRecord } from "../window-aggregate-record.js";
import { TumblingWindowAggregator } from "./tumbling-window-aggregator.js";
import type { TimedReading, WindowingOptions } from "./types.js";
import { isWindowingError, type WindowingErrorCode } from "./windowing-error.js";

/** 2024-01-01T00:00:00Z: a multiple of every window size used here. */
const T0 = Date.UTC(2024, 0, 1);

/** A reading at T0 + ms, arriving at T0 + arrivalMs (default: on time). */
function at(ms: number, value: number, opts: { arrivalMs?: number; device?: string; sensor?: string } = {}): TimedReading {
  return {
    deviceId: opts.device ?? "1",
    sensorId: opts.sensor ?? "1",
    eventTimeMs: T0 + ms,
    arrivalTimeMs: T0 + (opts.arrivalMs ?? ms),
    value,
  };
}

function feed(engine: TumblingWindowAggregator, readings: readonly TimedReading[]): void {
  for (const r of readings) engine.add(r);
}

/** All the rows of a finite input. */
function aggregate(readings: readonly TimedReading[], options?: WindowingOptions): WindowAggregateRecord[] {
  const engine = new TumblingWindowAggregator(options);
  feed(engine, readings);
  return engine.flush();
}

/** Window ends relative to T0, for short assertions. */
const endsOf = (rows: readonly WindowAggregateRecord[]): number[] => rows.map((r) => r.windowEndMs - T0);

function expectWindowingError(fn: () => unknown, code: WindowingErrorCode, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isWindowingError(error), `expected a WindowingError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}


describe("window assignment (start exclusive, end inclusive, epoch-aligned)", () => {
  it("puts a reading exactly on a boundary in the window that ends there", () => {
    const [row, ...rest] = aggregate([at(5_000, 1.5)]);
    expect(rest).toEqual([]);
    expect(row).toEqual({ deviceId: "1", sensorId: "1", windowStartMs: T0, windowEndMs: T0 + 5_000, count: 1, mean: 1.5, min: 1.5, max: 1.5, stddev: 0 });
  });

  it("puts a reading just after a boundary in the next window", () => {
    expect(endsOf(aggregate([at(5_001, 1)]))).toEqual([10_000]);
    expect(endsOf(aggregate([at(1, 1)]))).toEqual([5_000]);
    expect(endsOf(aggregate([at(0, 1)]))).toEqual([0]);
  });

  it("aligns to the epoch whatever the first reading, also before 1970", () => {
    expect(aggregate([{ deviceId: "a", sensorId: "b", eventTimeMs: 7_777, arrivalTimeMs: 7_777, value: 1 }], { windowSizeInMs: 1_000 })[0]).toMatchObject({
      windowStartMs: 7_000,
      windowEndMs: 8_000,
    });
    const before = aggregate([{ deviceId: "a", sensorId: "b", eventTimeMs: -1, arrivalTimeMs: -1, value: 1 }])[0]!;
    expect([before.windowStartMs, before.windowEndMs]).toEqual([-5_000, 0]);
  });

  it("gives no row for windows without readings", () => {
    const rows = aggregate([at(1_000, 1), at(21_000, 2), at(21_500, 4)]);
    expect(endsOf(rows)).toEqual([5_000, 25_000]);
    expect(rows[1]).toMatchObject({ count: 2, mean: 3, min: 2, max: 4 });
  });

  it("keeps device x sensor series apart and orders rows by windowEnd, deviceId, sensorId", () => {
    const rows = aggregate([
      at(6_000, 1, { device: "2", sensor: "1" }),
      at(1_000, 2, { device: "2", sensor: "1", arrivalMs: 6_000 }), // out of order: adjusted to 6 s
      at(6_000, 3, { device: "10", sensor: "b" }),
      at(6_000, 4, { device: "10", sensor: "a" }),
      at(6_000, 5, { device: "1", sensor: "1" }),
      at(11_000, 6, { device: "1", sensor: "1" }),
    ]);
    expect(rows.map((r) => `${r.windowEndMs - T0}:${r.deviceId}/${r.sensorId}:${r.count}`)).toEqual([
      "10000:1/1:1",
      "10000:10/a:1",
      "10000:10/b:1",
      "10000:2/1:2",
      "15000:1/1:1",
    ]);
  });

  it("keeps that order while series come, go idle (and are forgotten) and come back", () => {
    const rnd = seededRandom(3);
    const engine = new TumblingWindowAggregator({ duplicateHorizonInMs: 0, windowSizeInMs: 1_000 });
    const rows: WindowAggregateRecord[] = [];
    for (let second = 0; second < 300; second++) {
      // A random subset of 60 ids each second, in a random order; whole stretches with few of them.
      const active = second % 50 < 25 ? 60 : 5;
      for (let k = 0; k < 40; k++) {
        const id = Math.floor(rnd() * active);
        engine.add(at(second * 1_000 + 500, k, { device: `d${id % 7}`, sensor: String(id) }));
      }
      rows.push(...engine.takeEmitted());
    }
    rows.push(...engine.flush());
    const keys = rows.map((r) => [r.windowEndMs, r.deviceId, r.sensorId] as const);
    const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || cmp(a[1], b[1]) || cmp(a[2], b[2])));
    expect(new Set(keys.map((k) => k.join("/"))).size).toBe(keys.length);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(300 * 40);
  });
});

describe("late arrival (arrival - event time > lateArrivalToleranceInMs, default 5 s)", () => {
  it("keeps a reading late by at most the tolerance as it is", () => {
    const engine = new TumblingWindowAggregator();
    engine.add(at(3_000, 1, { arrivalMs: 8_000 })); // exactly 5 s late: not beyond
    engine.add(at(4_000, 2, { arrivalMs: 8_500 }));
    expect(endsOf(engine.flush())).toEqual([5_000]);
    expect(engine.metrics).toMatchObject({ accepted: 2, lateAdjusted: 0, lateDropped: 0, outOfOrderAdjusted: 0 });
  });

  it('"adjust" moves a reading beyond the tolerance to arrival - tolerance', () => {
    const engine = new TumblingWindowAggregator();
    engine.add(at(1_000, 7, { arrivalMs: 12_000 }));
    const rows = engine.flush();
    expect(endsOf(rows)).toEqual([10_000]); // 12 s - 5 s = 7 s, in (5 s, 10 s]
    expect(rows[0]).toMatchObject({ count: 1, mean: 7 });
    expect(engine.metrics).toMatchObject({ accepted: 1, lateAdjusted: 1, lateDropped: 0 });
  });

  it('"drop" discards a reading beyond the tolerance', () => {
    const engine = new TumblingWindowAggregator({ eventOrderingAction: "drop" });
    engine.add(at(1_000, 7, { arrivalMs: 12_000 }));
    engine.add(at(12_000, 8));
    expect(engine.flush().map((r) => r.mean)).toEqual([8]);
    expect(engine.metrics).toMatchObject({ accepted: 1, lateAdjusted: 0, lateDropped: 1 });
  });

  it("applies the out-of-order policy after the late-arrival adjustment", () => {
    const engine = new TumblingWindowAggregator();
    engine.add(at(20_000, 1));
    engine.add(at(1_000, 2, { arrivalMs: 20_000 })); // late: 15 s, then still older than the 20 s seen: 20 s
    const rows = engine.flush();
    expect(endsOf(rows)).toEqual([20_000]);
    expect(rows[0]).toMatchObject({ count: 2, min: 1, max: 2 });
    expect(engine.metrics).toMatchObject({ accepted: 2, lateAdjusted: 1, outOfOrderAdjusted: 1 });
  });
});

describe("out of order (older than the watermark)", () => {
  it("with tolerance 0 (the default), adjusts an older reading to the largest event time seen", () => {
    const engine = new TumblingWindowAggregator();
    engine.add(at(6_000, 1));
    engine.add(at(2_000, 2)); // on time (arrival = event time) but behind 6 s
    const rows = engine.flush();
    expect(endsOf(rows)).toEqual([10_000]);
    expect(rows[0]).toMatchObject({ count: 2, mean: 1.5 });
    expect(engine.metrics).toMatchObject({ outOfOrderAdjusted: 1, outOfOrderDropped: 0 });
  });

  it('"drop" discards a reading beyond the tolerance', () => {
    const engine = new TumblingWindowAggregator({ eventOrderingAction: "drop", outOfOrderToleranceInMs: 2_000 });
    engine.add(at(6_000, 1));
    engine.add(at(3_999, 2));
    engine.add(at(4_000, 3)); // exactly at the tolerance: taken
    expect(engine.flush().map((r) => [r.windowEndMs - T0, r.count])).toEqual([
      [5_000, 1],
      [10_000, 1],
    ]);
    expect(engine.metrics).toMatchObject({ accepted: 2, outOfOrderDropped: 1 });
  });

  it("reorders within the tolerance: the same rows as the sorted input, bit for bit", () => {
    const rnd = seededRandom(7);
    const sorted: TimedReading[] = [];
    for (let i = 0; i < 2_000; i++) {
      const ms = i * 137;
      sorted.push(at(ms, Math.round((rnd() * 200 - 100) * 1e6) / 1e3 + 0.1, { device: String(i % 3), arrivalMs: ms }));
    }
    // Shuffle within 3 s, and let each reading arrive when the newest one so far was produced.
    const shuffled = sorted
      .map((r) => ({ r, key: r.eventTimeMs + rnd() * 3_000 }))
      .sort((a, b) => a.key - b.key)
      .map(({ r }) => r);
    let newest = -Infinity;
    const arriving = shuffled.map((r) => {
      newest = Math.max(newest, r.eventTimeMs);
      return { ...r, arrivalTimeMs: newest };
    });
    expect(arriving).not.toEqual(sorted);
    const options = { outOfOrderToleranceInMs: 3_000 };
    const engine = new TumblingWindowAggregator(options);
    feed(engine, arriving);
    expect(engine.flush()).toEqual(aggregate(sorted, options));
    expect(engine.metrics).toMatchObject({ accepted: 2_000, lateAdjusted: 0, outOfOrderAdjusted: 0 });
  });

  it("never puts a reading into a window already emitted, even when arrival times go backwards", () => {
    const engine = new TumblingWindowAggregator({ outOfOrderToleranceInMs: 10_000, lateArrivalToleranceInMs: 1_000 });
    engine.add(at(20_000, 1)); // watermark: max(20 - 10, 20 - 1) = 19 s
    expect(engine.watermarkMs).toBe(T0 + 19_000);
    expect(endsOf(engine.takeEmitted())).toEqual([]);
    engine.add(at(12_000, 2)); // within 10 s of 20 s, but its window (10 s, 15 s] must stay closed
    const rows = engine.flush();
    expect(rows.every((r) => r.windowEndMs - T0 >= 20_000)).toBe(true);
    expect(engine.metrics).toMatchObject({ accepted: 2, outOfOrderAdjusted: 1 });
  });
});

describe("duplicates (same device, sensor, event time and value)", () => {
  it("ignores a redelivery in the same window", () => {
    const engine = new TumblingWindowAggregator();
    feed(engine, [at(1_000, 5), at(2_000, 6), at(1_000, 5, { arrivalMs: 2_500 })]);
    expect(engine.flush()).toMatchObject([{ count: 2, mean: 5.5 }]);
    expect(engine.metrics).toMatchObject({ accepted: 2, duplicates: 1, outOfOrderAdjusted: 0 });
  });

  it("ignores a redelivery after its window was emitted: no adjusted copy in a later window", () => {
    const engine = new TumblingWindowAggregator();
    feed(engine, [at(1_000, 5), at(6_000, 6)]);
    expect(endsOf(engine.takeEmitted())).toEqual([5_000]);
    engine.add(at(1_000, 5, { arrivalMs: 7_000 }));
    engine.add(at(1_000, 5, { arrivalMs: 30_000 })); // also beyond the late-arrival tolerance
    expect(engine.flush()).toMatchObject([{ windowEndMs: T0 + 10_000, count: 1, mean: 6 }]);
    expect(engine.metrics).toMatchObject({ accepted: 2, duplicates: 2, lateAdjusted: 0, outOfOrderAdjusted: 0 });
  });

  it("recognises a redelivery of a late-adjusted or dropped reading", () => {
    const adjusting = new TumblingWindowAggregator();
    feed(adjusting, [at(1_000, 5, { arrivalMs: 100_000 }), at(1_000, 5, { arrivalMs: 150_000 })]);
    expect(adjusting.flush()).toMatchObject([{ windowEndMs: T0 + 95_000, count: 1 }]);
    expect(adjusting.metrics).toMatchObject({ lateAdjusted: 1, duplicates: 1 });

    const dropping = new TumblingWindowAggregator({ eventOrderingAction: "drop" });
    feed(dropping, [at(1_000, 5, { arrivalMs: 100_000 }), at(1_000, 5, { arrivalMs: 100_001 })]);
    expect(dropping.flush()).toEqual([]);
    expect(dropping.metrics).toMatchObject({ lateDropped: 1, duplicates: 1 });
  });

  it("takes a reading with the same time but another value (or another sensor)", () => {
    const engine = new TumblingWindowAggregator();
    feed(engine, [at(1_000, 5), at(1_000, 6), at(1_000, 5, { sensor: "2" })]);
    engine.add(at(6_000, 7));
    expect(engine.takeEmitted()).toMatchObject([
      { sensorId: "1", count: 2, mean: 5.5 },
      { sensorId: "2", count: 1 },
    ]);
    engine.add(at(1_000, 8, { arrivalMs: 6_000 })); // after emission, another value: a new reading, adjusted
    expect(engine.flush()).toMatchObject([{ windowEndMs: T0 + 10_000, count: 2, min: 7, max: 8 }]);
    expect(engine.metrics).toMatchObject({ duplicates: 0, outOfOrderAdjusted: 1 });
  });

  it("forgets readings once the watermark is duplicateHorizonInMs past them, and bounds its memory", () => {
    const engine = new TumblingWindowAggregator({ duplicateHorizonInMs: 10_000 });
    engine.add(at(1_000, 5));
    engine.add(at(10_999, 1));
    engine.add(at(1_000, 5, { arrivalMs: 10_999 })); // 9.999 s behind: still remembered
    expect(engine.metrics.duplicates).toBe(1);
    engine.add(at(11_001, 1));
    engine.add(at(1_000, 5, { arrivalMs: 11_001 })); // 10.001 s behind: a new reading
    expect(engine.metrics).toMatchObject({ duplicates: 1, outOfOrderAdjusted: 1 });

    // One reading per second for 2 hours on 20 series: the memory stays within horizon + sweep interval.
    const long = new TumblingWindowAggregator({ duplicateHorizonInMs: 10_000 });
    let maxRemembered = 0;
    for (let s = 0; s < 7_200; s++) {
      for (let k = 0; k < 20; k++) long.add(at(s * 1_000, k, { sensor: String(k) }));
      const series = [...long["series"].values()].flatMap((m) => [...m.values()]);
      maxRemembered = Math.max(maxRemembered, series.reduce((n, x) => n + x.seenTs.length, 0));
    }
    expect(maxRemembered).toBeLessThanOrEqual(20 * (10 + 10 + 2));
    expect(long.flush()).toHaveLength(7_200 / 5 * 20 + 20);
  });
});

describe("watermark and emission", () => {
  it("emits a window only once the watermark is strictly past its end", () => {
    const engine = new TumblingWindowAggregator();
    expect(engine.watermarkMs).toBe(-Infinity);
    engine.add(at(5_000, 1));
    expect(engine.watermarkMs).toBe(T0 + 5_000);
    expect(engine.takeEmitted()).toEqual([]);
    engine.add(at(5_000, 2, { device: "2" })); // at the watermark: still joins the window ending there
    engine.add(at(5_000, 3));
    expect(engine.takeEmitted()).toEqual([]);
    engine.add(at(5_001, 4));
    expect(engine.takeEmitted()).toMatchObject([
      { deviceId: "1", windowEndMs: T0 + 5_000, count: 2, mean: 2 },
      { deviceId: "2", windowEndMs: T0 + 5_000, count: 1 },
    ]);
    expect(engine.takeEmitted()).toEqual([]);
    expect(engine.flush()).toMatchObject([{ windowEndMs: T0 + 10_000, count: 1, mean: 4 }]);
  });

  it("holds windows back by the out-of-order tolerance", () => {
    const engine = new TumblingWindowAggregator({ outOfOrderToleranceInMs: 2_000 });
    engine.add(at(4_000, 1));
    engine.add(at(7_000, 2));
    expect(engine.watermarkMs).toBe(T0 + 5_000);
    expect(engine.takeEmitted()).toEqual([]);
    engine.add(at(7_001, 3));
    expect(endsOf(engine.takeEmitted())).toEqual([5_000]);
  });

  it("advanceArrivalTime closes the windows of an idle source at arrival - late tolerance", () => {
    const engine = new TumblingWindowAggregator();
    engine.add(at(1_000, 1));
    engine.add(at(4_000, 2, { device: "2" }));
    engine.advanceArrivalTime(T0 + 9_000);
    expect(engine.watermarkMs).toBe(T0 + 4_000);
    engine.advanceArrivalTime(T0 + 10_000);
    expect(engine.watermarkMs).toBe(T0 + 5_000);
    expect(engine.takeEmitted()).toEqual([]);
    engine.advanceArrivalTime(T0 + 10_001);
    expect(engine.takeEmitted().map((r) => r.deviceId)).toEqual(["1", "2"]);
    engine.advanceArrivalTime(T0 + 1_000); // going back is ignored
    expect(engine.watermarkMs).toBe(T0 + 5_001);
    engine.add(at(2_000, 9, { arrivalMs: 9_000 })); // late (to 4 s), then behind the watermark: to 5.001 s
    expect(engine.flush()).toMatchObject([{ windowEndMs: T0 + 10_000, count: 1, mean: 9 }]);
    expect(engine.metrics).toMatchObject({ lateAdjusted: 1, outOfOrderAdjusted: 1 });
  });

  it("flush closes every open window, and no later reading can go into one of them", () => {
    const engine = new TumblingWindowAggregator({ outOfOrderToleranceInMs: 60_000, lateArrivalToleranceInMs: 60_000 });
    feed(engine, [at(50_000, 1), at(1_000, 2), at(26_000, 3, { device: "0" })]);
    expect(engine.takeEmitted()).toEqual([]);
    engine.advanceArrivalTime(T0 + 66_000); // watermark 6 s: closes (0, 5 s]
    expect(engine.flush().map((r) => [r.windowEndMs - T0, r.deviceId])).toEqual([
      [5_000, "1"],
      [30_000, "0"],
      [50_000, "1"],
    ]);
    expect(engine.takeEmitted()).toEqual([]);
    expect(engine.flush()).toEqual([]);
    expect(engine.watermarkMs).toBe(T0 + 50_001);
    // The file grew: readings carry on, those behind the flushed windows go to the next one.
    feed(engine, [at(49_000, 4), at(50_000, 5, { device: "0" }), at(50_001, 6, { device: "0" })]);
    expect(engine.flush()).toMatchObject([
      { windowEndMs: T0 + 55_000, deviceId: "0", count: 2, min: 5, max: 6 },
      { windowEndMs: T0 + 55_000, deviceId: "1", count: 1, mean: 4 },
    ]);
    expect(engine.metrics).toMatchObject({ windowsEmitted: 5, outOfOrderAdjusted: 2 });
  });
});

describe("aggregates", () => {
  /** The straightforward computation: two passes in input order. */
  function twoPass(values: readonly number[]): { mean: number; stddev: number } {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
    return { mean, stddev: values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0 };
  }

  it("match a two-pass computation on random windows, and satisfy the WindowAggregate contract", () => {
    const rnd = seededRandom(42);
    const expected = new Map<number, number[]>();
    const readings: TimedReading[] = [];
    for (let w = 0; w < 400; w++) {
      const n = 1 + Math.floor(rnd() * 40);
      const offset = rnd() < 0.5 ? 0 : 1e6 * (rnd() - 0.5); // far from 0: where sum of squares cancels
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = offset + (rnd() - 0.5) * 10 ** Math.floor(rnd() * 4);
        values.push(v);
        readings.push(at(w * 5_000 + 1 + Math.floor((i * 4_999) / n), v));
      }
      expected.set(T0 + (w + 1) * 5_000, values);
    }
    const rows = aggregate(readings);
    expect(rows).toHaveLength(400);
    for (const row of rows) {
      const values = expected.get(row.windowEndMs)!;
      const ref = twoPass(values);
      expect(row.count).toBe(values.length);
      expect(row.min).toBe(Math.min(...values));
      expect(row.max).toBe(Math.max(...values));
      expect(Math.abs(row.mean - ref.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.mean)));
      expect(Math.abs(row.stddev - ref.stddev)).toBeLessThanOrEqual(1e-9 * Math.max(1e-3, ref.stddev));
      expect(WindowAggregate.safeParse(toWindowAggregate(row)).success).toBe(true);
    }
  });

  it("keep mean exactly the value for one reading and within [min, max] when rounding would leave it", () => {
    expect(aggregate([at(1, 0.1)])[0]).toMatchObject({ mean: 0.1, stddev: 0 });
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004, / 3 = 0.10000000000000002 > 0.1
    expect(aggregate([at(1, 0.1), at(2, 0.1), at(3, 0.1)])[0]).toMatchObject({ count: 3, mean: 0.1, min: 0.1, max: 0.1, stddev: 0 });
    expect(aggregate([at(1, 1e9 + 0.1), at(2, 1e9 + 0.3)])[0]!.stddev).toBeCloseTo(Math.SQRT2 * 0.1, 6);
    expect(aggregate([at(1, -0)])[0]!.mean).toBe(0); // never -0 (JSON cannot keep it)
  });

  it("stay finite near the float64 limits", () => {
    const [row] = aggregate([at(1, 1.5e308), at(2, 1.7e308), at(3, 1.6e308)]);
    expect(row).toMatchObject({ count: 3, min: 1.5e308, max: 1.7e308 });
    expect(Math.abs(row!.mean / 1.6e308 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(row!.stddev / 1e307 - 1)).toBeLessThan(1e-12);
  });
});

describe("snapshot and restore", () => {
  type Op =
    | { readonly kind: "add"; readonly reading: TimedReading }
    | { readonly kind: "advance"; readonly nowMs: number }
    | { readonly kind: "flush" };

  /** Out-of-order, late, redelivered readings on 6 series, with idle periods and the odd flush. */
  function randomOps(seed: number, count: number): Op[] {
    const rnd = seededRandom(seed);
    const ops: Op[] = [];
    const sent: TimedReading[] = [];
    let clock = 0;
    for (let i = 0; i < count; i++) {
      clock += Math.floor(rnd() * 1_500);
      const u = rnd();
      if (u < 0.01) {
        ops.push({ kind: "flush" });
      } else if (u < 0.05) {
        ops.push({ kind: "advance", nowMs: T0 + clock + Math.floor(rnd() * 8_000) });
      } else if (u < 0.15 && sent.length > 0) {
        const again = sent[sent.length - 1 - Math.floor(rnd() * Math.min(sent.length, 30))]!;
        ops.push({ kind: "add", reading: { ...again, arrivalTimeMs: T0 + clock } });
      } else {
        const back = rnd() < 0.25 ? Math.floor(rnd() * 9_000) : 0;
        const lag = rnd() < 0.1 ? Math.floor(rnd() * 12_000) : 0;
        const reading = at(clock - back, Math.round(rnd() * 1e5) / 100, {
          device: String(Math.floor(rnd() * 3)),
          sensor: String(Math.floor(rnd() * 2)),
          arrivalMs: clock + lag,
        });
        sent.push(reading);
        ops.push({ kind: "add", reading });
      }
    }
    return ops;
  }

  function apply(engine: TumblingWindowAggregator, op: Op, out: WindowAggregateRecord[]): void {
    if (op.kind === "add") engine.add(op.reading);
    else if (op.kind === "advance") engine.advanceArrivalTime(op.nowMs);
    else out.push(...engine.flush());
  }

  /** Runs ops[from..], taking the emitted rows every 7 ops (so snapshots also hold rows not yet taken). */
  function runFrom(engine: TumblingWindowAggregator, ops: readonly Op[], from: number, out: WindowAggregateRecord[]): void {
    for (let i = from; i < ops.length; i++) {
      apply(engine, ops[i]!, out);
      if (i % 7 === 6) out.push(...engine.takeEmitted());
    }
    out.push(...engine.flush());
  }

  it.each([
    ["adjust, out of order 0 s", { duplicateHorizonInMs: 20_000 }],
    ["adjust, out of order 3 s", { outOfOrderToleranceInMs: 3_000, duplicateHorizonInMs: 20_000 }],
    ["drop, out of order 2 s, late 4 s", { eventOrderingAction: "drop", outOfOrderToleranceInMs: 2_000, lateArrivalToleranceInMs: 4_000 }],
  ] as const)("gives the uninterrupted run's rows and metrics when restored at any position (%s)", (_name, options) => {
    const ops = randomOps(99, 400);
    const expected: WindowAggregateRecord[] = [];
    const reference = new TumblingWindowAggregator(options);
    runFrom(reference, ops, 0, expected);
    const m = reference.metrics;
    expect(m.accepted + m.duplicates + m.lateDropped + m.outOfOrderDropped).toBe(ops.filter((o) => o.kind === "add").length);
    expect(m.duplicates).toBeGreaterThan(10);
    expect(m.lateAdjusted + m.lateDropped).toBeGreaterThan(5);
    expect(m.outOfOrderAdjusted + m.outOfOrderDropped).toBeGreaterThan(5);
    expect(ops.filter((o) => o.kind === "flush").length).toBeGreaterThan(1);

    for (let k = 0; k <= ops.length; k++) {
      const out: WindowAggregateRecord[] = [];
      const first = new TumblingWindowAggregator(options);
      for (let i = 0; i < k; i++) {
        apply(first, ops[i]!, out);
        if (i % 7 === 6) out.push(...first.takeEmitted());
      }
      const restored = TumblingWindowAggregator.restore(first.snapshot(), options);
      expect(restored.watermarkMs).toBe(first.watermarkMs);
      runFrom(restored, ops, k, out);
      expect(out, `restored after ${k} operations`).toEqual(expected);
      expect(restored.metrics).toEqual(m);
    }
  });

  it("restores a flushed engine with its raised watermark, and an empty one as empty", () => {
    const engine = new TumblingWindowAggregator();
    expect(TumblingWindowAggregator.restore(engine.snapshot()).watermarkMs).toBe(-Infinity);
    engine.add(at(1_000, 1));
    expect(engine.flush()).toHaveLength(1);
    const restored = TumblingWindowAggregator.restore(engine.snapshot());
    expect(restored.watermarkMs).toBe(T0 + 5_001);
    restored.add(at(2_000, 2));
    expect(restored.flush()).toMatchObject([{ windowEndMs: T0 + 10_000, count: 1, mean: 2 }]);
  });

  it("refuses a snapshot made with another window size, or that is not one", () => {
    const snapshot = new TumblingWindowAggregator({ windowSizeInMs: 5_000 }).snapshot();
    expectWindowingError(() => TumblingWindowAggregator.restore(snapshot, { windowSizeInMs: 10_000 }), "SnapshotMismatch", /windowSizeInMs 5000 .* windowSizeInMs 10000/);
    expectWindowingError(() => TumblingWindowAggregator.restore("{"), "InvalidSnapshot", /not JSON/);
    expectWindowingError(() => TumblingWindowAggregator.restore("{}"), "InvalidSnapshot", /format/);
    const bad = JSON.parse(snapshot) as Record<string, unknown>;
    bad["series"] = [["1", "1", [[T0 + 1, [1]]], [], [], []]];
    expectWindowingError(() => TumblingWindowAggregator.restore(JSON.stringify(bad)), "InvalidSnapshot", /series\[0\]\[2\]\[0\]\[0\] must be a multiple of 5000/);
    bad["series"] = [["1", "1", [], [T0, -1], [1, 2], [0, 0]]];
    expectWindowingError(() => TumblingWindowAggregator.restore(JSON.stringify(bad)), "InvalidSnapshot", /series\[0\]\[3\]\[1\] \(seenTsDeltas\) must be a whole number >= 0/);
    bad["series"] = [{ deviceId: "1" }];
    expectWindowingError(() => TumblingWindowAggregator.restore(JSON.stringify(bad)), "InvalidSnapshot", /series\[0\] must be \[deviceId, sensorId/);
  });
});

describe("options and input validation", () => {
  it.each([
    [{ windowSizeInMs: 0 }, /windowSizeInMs: 0; expected a whole number of milliseconds >= 1/],
    [{ windowSizeInMs: 1_500.5 }, /windowSizeInMs: 1500\.5/],
    [{ windowSizeInMs: Number.NaN }, /windowSizeInMs: NaN/],
    [{ windowSizeInMs: "5000" as unknown as number }, /windowSizeInMs: "5000"/],
    [{ lateArrivalToleranceInMs: -1 }, /lateArrivalToleranceInMs: -1; expected a whole number of milliseconds >= 0/],
    [{ outOfOrderToleranceInMs: Number.POSITIVE_INFINITY }, /outOfOrderToleranceInMs: Infinity/],
    [{ duplicateHorizonInMs: -5 }, /duplicateHorizonInMs: -5/],
    [{ eventOrderingAction: "ignore" as "drop" }, /eventOrderingAction: "ignore"; expected "adjust" or "drop"/],
  ])("rejects %o", (options, message) => {
    expectWindowingError(() => new TumblingWindowAggregator(options), "InvalidOption", message);
  });

  it("fills in Stream Analytics' defaults", () => {
    expect(new TumblingWindowAggregator().options).toEqual({
      windowSizeInMs: 5_000,
      lateArrivalToleranceInMs: 5_000,
      outOfOrderToleranceInMs: 0,
      eventOrderingAction: "adjust",
      duplicateHorizonInMs: 60_000,
    });
  });

  it("rejects readings with an empty id, a time not in whole ms or a non-finite value, before changing anything", () => {
    const engine = new TumblingWindowAggregator();
    expectWindowingError(() => engine.add({ ...at(1, 1), value: Number.NaN }), "InvalidInput", /value is NaN; expected a finite number/);
    expectWindowingError(() => engine.add({ ...at(1, 1), eventTimeMs: Number.POSITIVE_INFINITY }), "InvalidInput", /eventTimeMs is Infinity/);
    expectWindowingError(() => engine.add({ ...at(1, 1), arrivalTimeMs: T0 + 0.5 }), "InvalidInput", /arrivalTimeMs is 1704067200000\.5; expected whole epoch milliseconds/);
    expectWindowingError(() => engine.add({ ...at(1, 1), deviceId: "" }), "InvalidInput", /deviceId is ""/);
    expectWindowingError(() => engine.advanceArrivalTime(Number.NaN), "InvalidInput", /advanceArrivalTime: NaN/);
    expect(engine.watermarkMs).toBe(-Infinity);
    expect(engine.flush()).toEqual([]);
  });
});

describe("the reference data (data/reference/sensor_data.csv)", () => {
  it("gives exactly one 5 s window per row: count 1, mean = Value, windowEnd = TS", () => {
    const text = readFileSync(join(import.meta.dirname, "../../../../data/reference/sensor_data.csv"), "utf8");
    const [header, ...lines] = text.trim().split(/\r?\n/);
    expect(header).toBe("TS,Device,Sensor,Value");
    const engine = new TumblingWindowAggregator({ windowSizeInMs: 5_000 });
    const rows: WindowAggregateRecord[] = [];
    const expected = new Map<string, { ts: number; value: number }>();
    for (const [i, line] of lines.entries()) {
      const [ts, device, sensor, value] = line.split(",") as [string, string, string, string];
      const t = Date.parse(`${ts.replace(" ", "T")}Z`);
      expected.set(`${device}/${sensor}/${t}`, { ts: t, value: Number(value) });
      engine.addReading(device, sensor, t, t, Number(value));
      if (i % 1_000 === 999) rows.push(...engine.takeEmitted());
    }
    rows.push(...engine.flush());
    expect(lines).toHaveLength(17_768);
    expect(rows).toHaveLength(17_768);
    expect(engine.metrics).toEqual({
      accepted: 17_768,
      duplicates: 0,
      lateAdjusted: 0,
      lateDropped: 0,
      outOfOrderAdjusted: 0,
      outOfOrderDropped: 0,
      windowsEmitted: 17_768,
    });
    for (const row of rows) {
      const want = expected.get(`${row.deviceId}/${row.sensorId}/${row.windowEndMs}`);
      expect(want, `${row.deviceId}/${row.sensorId} at ${new Date(row.windowEndMs).toISOString()}`).toBeDefined();
      expected.delete(`${row.deviceId}/${row.sensorId}/${row.windowEndMs}`);
      expect(row.count).toBe(1);
      expect(row.mean).toBe(want!.value);
      expect(row.windowEndMs).toBe(want!.ts);
      expect(row.windowStartMs).toBe(want!.ts - 5_000);
    }
    expect(expected.size).toBe(0);
    const keys = rows.map((r) => [r.windowEndMs, r.deviceId, r.sensorId] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    expect(keys).toEqual(sorted);
  });
});
