import { describe, expect, it } from "vitest";
import { MAX_NUMBER_TEXT_LENGTH, writeNumberText } from "./number-text.js";

const decoder = new TextDecoder();
function text(value: number): string {
  const b = new Uint8Array(MAX_NUMBER_TEXT_LENGTH);
  return decoder.decode(b.subarray(0, writeNumberText(b, 0, value)));
}

/** A reproducible stream of doubles in [0, 1) (mulberry32), so a failure names a value that can be rerun. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("writeNumberText", () => {
  it("writes what String writes for readings of up to two decimals", () => {
    const next = random(1);
    const mismatches: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const scale = 10 ** Math.floor(next() * 8);
      const value = Math.round((next() - 0.5) * 200 * scale) / 100;
      if (text(value) !== String(value)) mismatches.push(String(value));
    }
    expect(mismatches).toEqual([]);
  });

  it("writes what String writes for any other double (means of longer windows, edge values)", () => {
    const next = random(2);
    const values = [0, -0, 0.01, -0.01, 0.1, 0.29, 1.005, 9.995, 99.99, 100, 1e-7, 1.5e-7, 123456789.12, 2 ** 45 / 100, 2 ** 45 + 0.25, 2 ** 53, 1e21, 1.7976931348623157e308, 5e-324, Number.NaN, Infinity, -Infinity];
    for (let i = 0; i < 100_000; i++) values.push((next() - 0.5) * 10 ** Math.floor(next() * 40 - 20), (next() * 1000) / 3);
    const mismatches = values.filter((v) => text(v) !== String(v)).map(String);
    expect(mismatches).toEqual([]);
  });

  it("never writes more than MAX_NUMBER_TEXT_LENGTH bytes", () => {
    for (const v of [-0.0000012345678901234567, -1.2345678901234567e-100, -Number.MAX_VALUE, -Number.MIN_VALUE, -123456789012345.67]) {
      expect(String(v).length).toBeLessThanOrEqual(MAX_NUMBER_TEXT_LENGTH);
      expect(text(v)).toBe(String(v));
    }
  });
});
