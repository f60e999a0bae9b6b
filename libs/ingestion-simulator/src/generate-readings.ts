import type { Reading } from "@fleetscore/contracts";
import { createSeededRandom } from "./random.js";
import { defaultProfile, profileSpread, sampleProfile, type SensorProfile } from "./sensor-profile.js";
import { SimulationError } from "./simulation-error.js";

/** What can be injected on purpose, each at its own rate (a probability per reading, 0-1). */
export const FAULT_KINDS = ["anomaly", "outOfOrder", "late", "duplicate", "malformed"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
  /** A spike: the value is moved 6 to 10 standard deviations away from the profile's mean. Default 0. */
  readonly anomaly?: number;
  /** Sent up to `outOfOrderByInMs` after its event time (behind later readings of its device). Default 0. */
  readonly outOfOrder?: number;
  /** Sent `lateByInMs` after its event time (beyond the aggregator's late-arrival tolerance). Default 0. */
  readonly late?: number;
  /** Sent a second time, one interval later (the same device, sensor, ts and value). Default 0. */
  readonly duplicate?: number;
  /** Sent broken instead of the reading (bad ts, value or id): the consumer must dead-letter it. Default 0. */
  readonly malformed?: number;
}

export interface GenerateReadingsOptions {
  /** Devices `"1"` .. `"<devices>"` (or the fitted profiles' ids); default 3. */
  readonly devices?: number;
  /** Sensors per device, `"1"` .. `"<sensors>"`; default 5. */
  readonly sensors?: number;
  /** One reading per sensor every interval; default 5000 ms. */
  readonly intervalInMs?: number;
  /** Each reading's time is its tick plus a uniform jitter in [0, jitterInMs); default interval / 5. */
  readonly jitterInMs?: number;
  /** Event time of the first tick, epoch ms. */
  readonly startMs: number;
  /** Ticks while `tick < startMs + durationInMs`. One of durationInMs or count is required. */
  readonly durationInMs?: number;
  /** Readings to generate in all (devices x sensors per tick; the last tick may be partial). */
  readonly count?: number;
  /** Default 1. */
  readonly seed?: number;
  /** The profile of a pair; default `defaultProfile`. Ids are 0-based indexes into the fleet. */
  readonly profileOf?: (deviceIndex: number, sensorIndex: number) => SensorProfile;
  /** Ids of device i and sensor j; default `String(i + 1)`, `String(j + 1)`. */
  readonly deviceIdOf?: (deviceIndex: number) => string;
  readonly sensorIdOf?: (sensorIndex: number) => string;
  readonly faults?: FaultRates;
  /** How late a late event is sent; default 60 s. */
  readonly lateByInMs?: number;
  /** The most an out-of-order event is held back; default 3 s (within the default 5 s late-arrival tolerance). */
  readonly outOfOrderByInMs?: number;
  /** Decimals a value is rounded to; default 2 (as the reference data). */
  readonly decimals?: number;
}

/** One event the simulated fleet sends, in the order it sends them. */
export interface SimulatedEvent {
  /** 0, 1, 2, ... in send order: the position to resume from (`skip`). */
  readonly index: number;
  /** What is sent. For a `malformed` event it breaks the `Reading` contract on purpose. */
  readonly reading: Reading;
  /** Simulated time at which the device sends it, epoch ms (>= its event time). */
  readonly sendAtMs: number;
  /** The faults injected into this event (empty for a normal one). */
  readonly faults: readonly FaultKind[];
}

/** One row of the labels CSV: the ground truth of an injected fault. */
export interface FaultLabel {
  readonly deviceId: string;
  readonly sensorId: string;
  readonly ts: string;
  readonly kind: FaultKind;
}

function rate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new SimulationError(`Invalid ${name} rate ${String(value)}: expected a number from 0 to 1`, "InvalidArgument");
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new SimulationError(`Invalid ${name} ${String(value)}: expected an integer >= ${min}`, "InvalidArgument");
  return value;
}

/** Send-order heap entry: ties keep generation order, so the output is the same on every run. */
interface Pending {
  readonly sendAtMs: number;
  readonly seq: number;
  readonly reading: Reading;
  readonly faults: readonly FaultKind[];
}

/**
 * The simulated fleet: devices x sensors, one reading per sensor per interval, values from each pair's
 * profile, faults injected at their rates, yielded in send order. Deterministic: the same options (seed
 * included) give the same events, byte for byte, on every machine. Lazy: memory stays at one tick plus
 * the events held back (late ones).
 * @throws SimulationError `InvalidArgument` naming a bad option.
 */
export function* generateReadings(options: GenerateReadingsOptions): Generator<SimulatedEvent> {
  const devices = positiveInteger("devices", options.devices, 3);
  const sensors = positiveInteger("sensors", options.sensors, 5);
  const interval = positiveInteger("intervalInMs", options.intervalInMs, 5000);
  const jitter = positiveInteger("jitterInMs", options.jitterInMs, Math.floor(interval / 5), 0);
  if (jitter > interval) throw new SimulationError(`Invalid jitterInMs ${jitter}: at most the interval (${interval} ms)`, "InvalidArgument");
  const lateBy = positiveInteger("lateByInMs", options.lateByInMs, 60_000, 0);
  const outOfOrderBy = positiveInteger("outOfOrderByInMs", options.outOfOrderByInMs, 3_000, 0);
  const decimals = positiveInteger("decimals", options.decimals, 2, 0);
  if (!Number.isSafeInteger(options.startMs)) throw new SimulationError(`Invalid startMs ${String(options.startMs)}: expected epoch milliseconds`, "InvalidArgument");
  if ((options.durationInMs === undefined) === (options.count === undefined)) {
    throw new SimulationError("Give exactly one of durationInMs and count", "InvalidArgument");
  }
  const endMs = options.durationInMs === undefined ? Number.POSITIVE_INFINITY : options.startMs + positiveInteger("durationInMs", options.durationInMs, 0, 0);
  const total = options.count === undefined ? Number.POSITIVE_INFINITY : positiveInteger("count", options.count, 0, 0);
  const rates = {
    anomaly: rate("anomaly", options.faults?.anomaly),
    outOfOrder: rate("out-of-order", options.faults?.outOfOrder),
    late: rate("late", options.faults?.late),
    duplicate: rate("duplicate", options.faults?.duplicate),
    malformed: rate("malformed", options.faults?.malformed),
  };
  const random = createSeededRandom(options.seed ?? 1);
  const deviceIds = Array.from({ length: devices }, (_, i) => options.deviceIdOf?.(i) ?? String(i + 1));
  const sensorIds = Array.from({ length: sensors }, (_, j) => options.sensorIdOf?.(j) ?? String(j + 1));
  const profiles = deviceIds.map((_, i) => sensorIds.map((__, j) => (options.profileOf ?? defaultProfile)(i, j)));
  const scale = 10 ** decimals;
  const round = (v: number): number => Math.round(v * scale) / scale;

  const heap: Pending[] = [];
  let seq = 0;
  let index = 0;
  let generated = 0;
  const push = (p: Omit<Pending, "seq">): void => heapPush(heap, { ...p, seq: seq++ });

  for (let tick = options.startMs; tick < endMs && generated < total; tick += interval) {
    for (let i = 0; i < devices && generated < total; i++) {
      for (let j = 0; j < sensors && generated < total; j++) {
        generated++;
        const eventMs = tick + Math.floor(random.uniform() * jitter);
        const profile = profiles[i]![j]!;
        let value = sampleProfile(profile, random, eventMs - options.startMs);
        const faults: FaultKind[] = [];
        // Every draw happens whatever the rates, so changing one rate does not reshuffle the others' choices.
        const draws = [random.uniform(), random.uniform(), random.uniform(), random.uniform(), random.uniform(), random.uniform(), random.uniform()] as const;
        if (draws[0] < rates.anomaly) {
          const { mean, stddev } = profileSpread(profile);
          value = mean + (draws[5] < 0.5 ? -1 : 1) * (6 + 4 * draws[6]) * Math.max(stddev, 1e-9 + Math.abs(mean) * 0.05);
          faults.push("anomaly");
        }
        let sendAtMs = eventMs;
        if (draws[1] < rates.late) {
          sendAtMs = eventMs + lateBy;
          faults.push("late");
        } else if (draws[2] < rates.outOfOrder) {
          sendAtMs = eventMs + 1 + Math.floor(draws[6] * outOfOrderBy);
          faults.push("outOfOrder");
        }
        const reading: Reading = { deviceId: deviceIds[i]!, sensorId: sensorIds[j]!, ts: new Date(eventMs).toISOString(), value: round(value) };
        if (draws[4] < rates.malformed) {
          push({ sendAtMs, reading: malform(reading, draws[5]), faults: [...faults, "malformed"] });
        } else {
          push({ sendAtMs, reading, faults });
          if (draws[3] < rates.duplicate) push({ sendAtMs: sendAtMs + interval, reading, faults: ["duplicate"] });
        }
      }
    }
    // Everything due before the next tick's earliest event time can go: nothing generated later sorts before it.
    const next = tick + interval;
    while (heap.length > 0 && heap[0]!.sendAtMs < next) {
      const p = heapPop(heap)!;
      yield { index: index++, reading: p.reading, sendAtMs: p.sendAtMs, faults: p.faults };
    }
  }
  while (heap.length > 0) {
    const p = heapPop(heap)!;
    yield { index: index++, reading: p.reading, sendAtMs: p.sendAtMs, faults: p.faults };
  }
}

/** The labels of an event's faults (a duplicate's copy is labelled once, on the copy). */
export function faultLabels(event: SimulatedEvent): FaultLabel[] {
  return event.faults.map((kind) => ({ deviceId: String(event.reading.deviceId), sensorId: String(event.reading.sensorId), ts: String(event.reading.ts), kind }));
}

/** A reading broken in one of three ways a real device breaks them. */
function malform(reading: Reading, draw: number): Reading {
  if (draw < 1 / 3) return { ...reading, ts: reading.ts.replace(/T.*/, "T25:61:00.000Z") };
  if (draw < 2 / 3) return { ...reading, value: "n/a" as unknown as number };
  return { ...reading, sensorId: "" };
}

function before(a: Pending, b: Pending): boolean {
  return a.sendAtMs < b.sendAtMs || (a.sendAtMs === b.sendAtMs && a.seq < b.seq);
}

function heapPush(heap: Pending[], item: Pending): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop(heap: Pending[]): Pending | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
