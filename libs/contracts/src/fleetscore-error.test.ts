import { describe, expect, it } from "vitest";
import { FleetscoreError, abortError, errorGuard, isAbortError, isFleetscoreError, mapWithConcurrency, parseModelId, throwIfAborted, withRetries } from "./index.js";

class DemoError extends FleetscoreError<"Broken" | "Missing"> {}

describe("FleetscoreError", () => {
  it("carries code, cause and the subclass's name, and is recognised by the guard and by code", () => {
    const cause = new Error("inner");
    const e = new DemoError("outer", "Broken", { cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.message, e.cause]).toEqual(["DemoError", "Broken", "outer", cause]);
    expect(isFleetscoreError(e)).toBe(true);
    expect(isFleetscoreError(e, "Broken", "Missing")).toBe(true);
    expect(isFleetscoreError(e, "Missing")).toBe(false);
  });

  it("is not fooled by a look-alike carrying the same name and code", () => {
    expect(isFleetscoreError(Object.assign(new Error("x"), { name: "DemoError", code: "Broken" }))).toBe(false);
    expect(isFleetscoreError(undefined)).toBe(false);
  });
});

describe("errorGuard", () => {
  class OtherError extends FleetscoreError<"Broken"> {}
  const isDemoError = errorGuard(DemoError);

  it("recognises its own class only, not another FleetscoreError with the same code", () => {
    expect(isDemoError(new DemoError("x", "Broken"))).toBe(true);
    expect(isDemoError(new OtherError("x", "Broken"))).toBe(false);
    expect(isDemoError(new Error("x"))).toBe(false);
  });
});

describe("abort helpers", () => {
  it("throwIfAborted throws an AbortError only once the signal fired", () => {
    const c = new AbortController();
    expect(() => throwIfAborted(c.signal)).not.toThrow();
    c.abort(new Error("custom reason"));
    let thrown: unknown;
    try {
      throwIfAborted(c.signal);
    } catch (e) {
      thrown = e;
    }
    expect(isAbortError(thrown)).toBe(true);
    expect(isAbortError(abortError())).toBe(true);
    expect(isAbortError(new Error("x"))).toBe(false);
  });
});

describe("withRetries", () => {
  it("retries transient failures, then returns; never retries a permanent one", async () => {
    let calls = 0;
    const ok = await withRetries(async () => (++calls < 3 ? Promise.reject(new Error("flaky")) : "done"), { retries: 3, initialDelayInMs: 1, isTransient: () => true });
    expect([ok, calls]).toEqual(["done", 3]);
    calls = 0;
    await expect(withRetries(async () => Promise.reject(new Error(`bad ${++calls}`)), { retries: 3, initialDelayInMs: 1, isTransient: () => false })).rejects.toThrow("bad 1");
  });
});

describe("mapWithConcurrency", () => {
  it("keeps input order and never runs more than the limit at once", async () => {
    let active = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setImmediate(r));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe("parseModelId", () => {
  it("splits <device>_<sensor> and rejects ids without a separator", () => {
    expect(parseModelId("dev-1_temp.2")).toEqual({ deviceId: "dev-1", sensorId: "temp.2" });
    expect(() => parseModelId("nounderscore")).toThrow(RangeError);
  });
});
