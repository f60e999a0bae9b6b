import { describe, expect, it } from "vitest";
import { lowerBound, upperBound } from "./sorted-search.js";

describe("lowerBound and upperBound", () => {
  const sorted = [1, 3, 3, 3, 7];
  it.each([
    [0, 0, 0],
    [1, 0, 1],
    [3, 1, 4],
    [5, 4, 4],
    [7, 4, 5],
    [9, 5, 5],
  ])("%d goes before the equal elements at %d, after them at %d", (x, before, after) => {
    expect(lowerBound(sorted, x)).toBe(before);
    expect(upperBound(sorted, x)).toBe(after);
  });

  it("an empty array: index 0", () => {
    expect(lowerBound([], 1)).toBe(0);
    expect(upperBound([], 1)).toBe(0);
  });
});
