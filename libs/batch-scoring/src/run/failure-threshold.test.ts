import { describe, expect, it } from "vitest";
import { parseFailureThreshold } from "../index.js";

describe("parseFailureThreshold", () => {
  it("counts: fails only above the count", () => {
    const t = parseFailureThreshold("2");
    expect([t.exceeded(1, 100), t.exceeded(2, 100), t.exceeded(3, 100)]).toEqual([false, false, true]);
    expect(parseFailureThreshold("0").exceeded(1, 1000)).toBe(true);
    expect(parseFailureThreshold("0").exceeded(0, 1000)).toBe(false);
  });

  it("percentages: fails only above the share of models with data", () => {
    const t = parseFailureThreshold("10%");
    expect([t.exceeded(9, 100), t.exceeded(10, 100), t.exceeded(11, 100)]).toEqual([false, false, true]);
    expect(parseFailureThreshold("2.5%").exceeded(1, 40)).toBe(false);
    expect(parseFailureThreshold("2.5%").exceeded(2, 40)).toBe(true);
  });

  it("refuses other values, naming them", () => {
    for (const bad of ["", "-1", "1.5", "101%", "ten", "5 %x"]) expect(() => parseFailureThreshold(bad), bad).toThrow(/max failed models/);
  });
});
