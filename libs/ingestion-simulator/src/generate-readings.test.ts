import { createHash } from "node:crypto";
import { Reading } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { generateReadings, SimulationError, type GenerateReadingsOptions } from "./index.js";

const START = Date.parse("2024-06-01T00:00:00.000Z");
const bytes = (o: GenerateReadingsOptions): string => [...generateReadings(o)].map((e) => JSON.stringify(e)).join("\n");
const sha = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("generateReadings", () => {
  const faulty: GenerateReadingsOptions = {
    startMs: START,
    durationInMs: 3_600_000,
    seed: 7,
    faults: { anomaly: 0.01, late: 0.01, outOfOrder: 0.02, duplicate: 0.01, malformed: 0.005 },
  };

  it("gives the same events byte for byte for the same seed and options, and others for another seed", () => {
    const a = bytes(faulty);
    expect(bytes(faulty)).toBe(a);
    expect(sha(bytes({ ...faulty }))).toBe(sha(a));
    expect(bytes({ ...faulty, seed: 8 })).not.toBe(a);
  });

  it("sends one reading per device x sensor per interval, with jitter inside the interval, in send order", () => {
    const events = [...generateReadings({ startMs: START, durationInMs: 60_000, devices: 2, sensors: 3, intervalInMs: 5000 })];
    expect(events).toHaveLength(12 * 6);
    expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));
    for (const e of events) {
      expect(Reading.safeParse(e.reading).success).toBe(true);
      const offset = (Date.parse(e.reading.ts) - START) % 5000;
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(1000);
      expect(e.sendAtMs).toBe(Date.parse(e.reading.ts));
    }
    for (let i = 1; i < events.length; i++) expect(events[i]!.sendAtMs).toBeGreaterThanOrEqual(events[i - 1]!.sendAtMs);
    const pairs = new Set(events.map((e) => `${e.reading.deviceId}/${e.reading.sensorId}`));
    expect([...pairs].sort()).toEqual(["1/1", "1/2", "1/3", "2/1", "2/2", "2/3"]);
  });

  it("stops after count readings", () => {
    expect([...generateReadings({ startMs: START, count: 17 })]).toHaveLength(17);
  });

  it("injects each fault at about its rate, late ones 60 s after their event time, malformed ones breaking the contract", () => {
    const events = [...generateReadings({ ...faulty, durationInMs: 24 * 3_600_000 })];
    const slots = 24 * 720 * 15;
    const count = (k: string): number => events.filter((e) => e.faults.includes(k as never)).length;
    expect(count("anomaly") / slots).toBeCloseTo(0.01, 2);
    expect(count("late") / slots).toBeCloseTo(0.01, 2);
    expect(count("duplicate") / slots).toBeCloseTo(0.01, 2);
    expect(count("malformed") / slots).toBeCloseTo(0.005, 2);
    expect(events.length).toBe(slots + count("duplicate"));
    for (const e of events.filter((x) => x.faults.includes("late") && !x.faults.includes("malformed"))) expect(e.sendAtMs - Date.parse(e.reading.ts)).toBe(60_000);
    for (const e of events.filter((x) => x.faults.includes("malformed"))) expect(Reading.safeParse(e.reading).success).toBe(false);
    for (const e of events.filter((x) => x.faults.includes("outOfOrder") && !x.faults.includes("malformed"))) {
      const lag = e.sendAtMs - Date.parse(e.reading.ts);
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThanOrEqual(3000);
    }
    // An anomaly is far from its sensor's usual values (default profile: mean 20 j, stddev 2 + j / 2).
    for (const e of events.filter((x) => x.faults.includes("anomaly") && !x.faults.includes("malformed"))) {
      const j = Number(e.reading.sensorId);
      expect(Math.abs(e.reading.value - 20 * j) / (2 + j / 2)).toBeGreaterThan(5.9);
    }
  });

  it("rejects bad options naming them", () => {
    expect(() => [...generateReadings({ startMs: START })]).toThrow(SimulationError);
    expect(() => [...generateReadings({ startMs: START, count: 1, faults: { late: 2 } })]).toThrow(/Invalid late rate 2/);
    expect(() => [...generateReadings({ startMs: START, count: 1, devices: 0 })]).toThrow(/Invalid devices 0/);
  });

  it("samples every profile kind around its parameters", () => {
    const mean = (profileOf: GenerateReadingsOptions["profileOf"]): number => {
      const values = [...generateReadings({ startMs: START, count: 20_000, devices: 1, sensors: 1, decimals: 6, ...(profileOf && { profileOf }) })].map((e) => e.reading.value);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(mean(() => ({ kind: "uniform", min: 10, max: 20 }))).toBeCloseTo(15, 0);
    expect(mean(() => ({ kind: "bimodal", means: [0, 100], stddev: 1, weight: 0.25 }))).toBeCloseTo(75, -1);
    expect(mean(() => ({ kind: "normal", mean: 42, stddev: 3 }))).toBeCloseTo(42, 0);
    // 20,000 readings at 5 s is ~27.8 h: a drift of 1/h moves the mean by ~13.9 over the run.
    expect(mean(() => ({ kind: "drift", mean: 0, stddev: 0.1, driftPerHour: 1 }))).toBeCloseTo(13.9, 0);
  });
});
