import { seededRandom } from "@fleetscore/test-support";
import { describe, expect, it } from "vitest";
import { exp64 } from "./exp64.js";

const bits = new BigInt64Array(1);
const view = new Float64Array(bits.buffer);
/** How many doubles apart a and b are (both finite, same sign). */
function ulpsApart(a: number, b: number): number {
  view[0] = a;
  const x = bits[0]!;
  view[0] = b;
  const d = x - bits[0]!;
  return Number(d < 0n ? -d : d);
}

describe("exp64", () => {
  it("is within 1 ulp of Math.exp on 10^6 seeded random arguments over the RBF kernel's range and beyond", () => {
    const random = seededRandom(64);
    let worst = 0;
    let differ = 0;
    const n = 1_000_000;
    for (let i = 0; i < n; i++) {
      // Mostly the kernel's -gamma * d^2 (small negatives), some of the whole fast range.
      const x = i % 4 === 0 ? -707 + random() * 1416 : i % 4 === 1 ? -random() * 40 : -random() * 0.02;
      const u = ulpsApart(exp64(x), Math.exp(x));
      worst = Math.max(worst, u);
      if (u > 0) differ++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    // Not Math.exp under another name: the two round differently on some arguments.
    expect(differ).toBeGreaterThan(0);
  });

  it("is exact or Math.exp where it matters: 0, -0, the table's nodes, the range ends, NaN and infinities", () => {
    expect(exp64(0)).toBe(1);
    expect(exp64(-0)).toBe(1);
    for (let k = -64 * 10; k <= 64 * 10; k++) {
      const x = (k * Math.LN2) / 64;
      expect(ulpsApart(exp64(x), Math.exp(x)), `x = ${k} ln2/64`).toBeLessThanOrEqual(1);
    }
    for (const x of [-707, -707.0000000001, -745, -746, -1e6, 709, 709.1, 710, 1e6, -Infinity, Infinity]) {
      const e = Math.exp(x);
      if (e === 0 || !Number.isFinite(e) || x < -707 || x > 709) expect(exp64(x), `x = ${x}`).toBe(e);
      else expect(ulpsApart(exp64(x), e), `x = ${x}`).toBeLessThanOrEqual(1);
    }
    expect(exp64(Number.NaN)).toBeNaN();
    expect(exp64(Number.MIN_VALUE)).toBe(1);
    expect(exp64(-Number.MIN_VALUE)).toBe(1);
  });
});
