import { describe, expect, it } from "vitest";
import { createTrigger, scheduledRunId, scheduledTimesBetween } from "./index.js";

const at = (iso: string): Date => new Date(iso);
const iso = (dates: readonly (Date | undefined)[]): (string | undefined)[] => dates.map((d) => d?.toISOString());
const series = (trigger: ReturnType<typeof createTrigger>, from: string, n: number): (string | undefined)[] => {
  const out: (Date | undefined)[] = [];
  for (let t: Date | undefined = at(from); out.length < n; ) out.push((t = t && trigger.next(t)));
  return iso(out);
};

describe("cron triggers (croner), in a time zone", () => {
  it("reads the expression in the time zone", () => {
    const t = createTrigger({ type: "cron", expression: "0 9 * * *", timeZone: "America/New_York" });
    expect(series(t, "2026-01-10T00:00:00Z", 2)).toEqual(["2026-01-10T14:00:00.000Z", "2026-01-11T14:00:00.000Z"]);
  });

  it("runs a fixed time in the spring-forward gap once, at the first valid time after it", () => {
    const t = createTrigger({ type: "cron", expression: "30 2 * * *", timeZone: "Europe/Amsterdam" });
    // 2026-03-29 02:00 CET does not exist in Amsterdam (the clocks go to 03:00 CEST = 01:00Z).
    expect(series(t, "2026-03-28T12:00:00Z", 2)).toEqual(["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
  });

  it("runs a fixed time in the repeated hour once, and an interval expression in both passes", () => {
    const fixed = createTrigger({ type: "cron", expression: "30 2 * * *", timeZone: "Europe/Amsterdam" });
    expect(series(fixed, "2026-10-24T12:00:00Z", 2)).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
    const every30 = createTrigger({ type: "cron", expression: "*/30 2 * * *", timeZone: "Europe/Amsterdam" });
    expect(series(every30, "2026-10-24T12:00:00Z", 4)).toEqual(["2026-10-25T00:00:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T01:00:00.000Z", "2026-10-25T01:30:00.000Z"]);
  });

  it("honours startTime and endTime (inclusive) and finds the latest time up to now", () => {
    const t = createTrigger({ type: "cron", expression: "0 * * * *", timeZone: "UTC", startTime: at("2026-05-01T10:00:00Z"), endTime: at("2026-05-01T12:00:00Z") });
    expect(series(t, "2026-04-01T00:00:00Z", 4)).toEqual(["2026-05-01T10:00:00.000Z", "2026-05-01T11:00:00.000Z", "2026-05-01T12:00:00.000Z", undefined]);
    expect(t.latest(at("2026-05-01T11:59:59Z"))?.toISOString()).toBe("2026-05-01T11:00:00.000Z");
    expect(t.latest(at("2026-05-01T11:00:00Z"))?.toISOString()).toBe("2026-05-01T11:00:00.000Z");
    expect(t.latest(at("2026-06-01T00:00:00Z"))?.toISOString()).toBe("2026-05-01T12:00:00.000Z");
    expect(t.latest(at("2026-05-01T09:00:00Z"))).toBeUndefined();
  });
});

describe("recurrence triggers (Azure ML RecurrenceTrigger)", () => {
  it("steps every interval from the start and stops after the end", () => {
    const t = createTrigger({ type: "recurrence", frequency: "minute", interval: 15, startTime: at("2026-01-01T00:05:00Z"), endTime: at("2026-01-01T00:35:00Z") });
    expect(series(t, "2025-12-31T00:00:00Z", 4)).toEqual(["2026-01-01T00:05:00.000Z", "2026-01-01T00:20:00.000Z", "2026-01-01T00:35:00.000Z", undefined]);
    expect(t.latest(at("2026-01-01T00:34:59Z"))?.toISOString()).toBe("2026-01-01T00:20:00.000Z");
  });

  it("is anchored at the epoch without a start (hourly = every full hour), and keeps month ends", () => {
    const hourly = createTrigger({ type: "recurrence", frequency: "hour", interval: 1 });
    expect(series(hourly, "2026-11-25T13:59:59Z", 2)).toEqual(["2026-11-25T14:00:00.000Z", "2026-11-25T15:00:00.000Z"]);
    const monthly = createTrigger({ type: "recurrence", frequency: "month", interval: 1, startTime: at("2026-01-31T06:00:00Z") });
    expect(series(monthly, "2026-01-31T06:00:00Z", 2)).toEqual(["2026-02-28T06:00:00.000Z", "2026-03-31T06:00:00.000Z"]);
  });

  it("lists missed times, bounded to the most recent", () => {
    const hourly = createTrigger({ type: "recurrence", frequency: "hour", interval: 1 });
    expect(iso(scheduledTimesBetween(hourly, at("2026-01-01T00:00:00Z"), at("2026-01-01T05:30:00Z"), 3))).toEqual(["2026-01-01T03:00:00.000Z", "2026-01-01T04:00:00.000Z", "2026-01-01T05:00:00.000Z"]);
  });
});

describe("scheduledRunId", () => {
  it("is the pipeline and the scheduled UTC time", () => {
    expect(scheduledRunId("hourly", at("2026-11-25T14:00:00Z"))).toBe("hourly-20261125T1400Z");
    expect(scheduledRunId("fast", at("2026-11-25T14:00:30.400Z"))).toBe("fast-20261125T140030Z");
    expect(() => scheduledRunId("../x", at("2026-11-25T14:00:00Z"))).toThrow(/not \[A-Za-z0-9._-\]/);
  });
});
