import { describe, expect, it } from "vitest";
import { parseDecimal } from "./fast-decimal.js";

const parse = (text: string): number => parseDecimal(Buffer.from(text, "latin1"), 0, text.length);

describe("parseDecimal", () => {
  it("equals Number() on a million random decimals, including the fallback range", () => {
    let x = 12345;
    const random = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const mismatches: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const digits = Math.floor(random() * 20) + 1;
      let text = (random() < 0.3 ? "-" : "") + String(Math.floor(random() * 10 ** Math.min(digits, 15)));
      if (random() < 0.8) text += "." + String(Math.floor(random() * 10 ** Math.floor(random() * 18))).padStart(3, "0");
      if (random() < 0.1) text += "e" + (random() < 0.5 ? "-" : "") + Math.floor(random() * 40);
      if (!Object.is(parse(text), Number(text))) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });

  it("handles edge cases as Number() does and rejects what is not a decimal", () => {
    for (const t of ["0", "-0", "+1", "1.", ".5", "84.53", "9007199254740993", "1e22", "1e23", "1e-22", "1e-23", "123456789012345678901234567890", "1e308", "4.9e-324", "1e-400"]) {
      expect(Object.is(parse(t), Number(t)), t).toBe(true);
    }
    for (const t of ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1_000", " 1", "NaN", "Infinity"]) expect(parse(t), t).toBeNaN();
    expect(parse("1e309")).toBe(Infinity);
  });
});
