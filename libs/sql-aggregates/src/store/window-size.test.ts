import { describe, expect, it } from "vitest";
import { formatWindowSize, parseWindowSize, resolveWindowSize } from "./records.js";

describe("window sizes", () => {
  it("formats and parses the same text", () => {
    for (const [ms, text] of [[5000, "5s"], [60_000, "1m"], [5_400_000, "1h30m"], [250, "250ms"], [86_400_000, "1d"], [61_000, "1m1s"]] as const) {
      expect(formatWindowSize(ms)).toBe(text);
      expect(parseWindowSize(text)).toBe(ms);
    }
  });

  it("refuses what is not a positive size, naming the forms", () => {
    for (const bad of ["", "0s", "5", "5 minutes", "-5s", "1.5s", "s"]) {
      expect(() => parseWindowSize(bad), bad).toThrow(/is not a window size: use e.g. 5s, 1m/);
    }
  });

  it("uses the size asked for, else the only one, and refuses to choose among several", () => {
    expect(resolveWindowSize("db", 5000, [60_000])).toBe(5000);
    expect(resolveWindowSize("db", undefined, [60_000])).toBe(60_000);
    expect(resolveWindowSize("db", undefined, [])).toBe(undefined);
    expect(() => resolveWindowSize("db", undefined, [5000, 60_000])).toThrow("db holds windows of 2 sizes (5s, 1m)");
  });
});
