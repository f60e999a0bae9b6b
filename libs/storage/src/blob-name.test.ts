import { describe, expect, it } from "vitest";
import { validateBlobName, validateBlobPrefix } from "./index.js";

describe("validateBlobName", () => {
  it("accepts ordinary names", () => {
    for (const n of ["a", "models/v1/model_1_4.onnx", "run-2024-01-01T00:00Z/_manifest.json", "a..b/c.d", "x".repeat(1024)]) {
      expect(validateBlobName(n)).toBe(n);
    }
  });

  it.each([
    ["../etc/passwd", /"\.\." segment/],
    ["/abs", /starts with "\/"/],
    ["a\\b", /backslash/],
    ["a\nb", /control character/],
    ["a//b", /empty segment/],
    ["a/", /empty segment/],
    ["", /non-empty/],
    ["x".repeat(1025), /1025 characters long; the limit is 1024/],
  ])("rejects %j naming the value", (name, why) => {
    expect(() => validateBlobName(name)).toThrow(why);
    expect(() => validateBlobName(name)).toThrow(JSON.stringify(name).slice(0, 30));
  });

  it("accepts prefixes ending with a slash, and the empty prefix", () => {
    expect(validateBlobPrefix("")).toBe("");
    expect(validateBlobPrefix("models/")).toBe("models/");
    expect(validateBlobPrefix("models/mod")).toBe("models/mod");
    expect(() => validateBlobPrefix("../")).toThrow(/Invalid blob prefix/);
    expect(() => validateBlobPrefix("a//")).toThrow(/empty segment/);
  });
});
