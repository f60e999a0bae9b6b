import { describe, expect, it } from "vitest";
import { MAX_QUOTED_INPUT_CHARACTERS, quoteInput } from "./quote-input.js";

describe("quoteInput", () => {
  it("quotes a short value whole, JSON-escaped", () => {
    expect(quoteInput('a"b\n')).toBe('"a\\"b\\n"');
  });

  it("cuts a long value to the limit of escaped characters, never inside an escape, and gives its length", () => {
    for (const unit of ["x", "\n", "ä", "\u0001"]) {
      const text = unit.repeat(1_000_000);
      const quoted = quoteInput(text);
      const body = /^"(.*)"\.\.\. \(1,000,000 characters\)$/.exec(quoted)?.[1];
      expect(body, unit).toBeDefined();
      expect(body!.length, unit).toBeLessThanOrEqual(MAX_QUOTED_INPUT_CHARACTERS);
      expect(body!.length, unit).toBeGreaterThan(MAX_QUOTED_INPUT_CHARACTERS - 7);
      expect(() => JSON.parse(`"${body}"`), unit).not.toThrow();
    }
  });
});
