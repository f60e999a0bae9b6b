import { z } from "zod";
import { describe, expect, it } from "vitest";
import { isUsageError, parseFlags, UsageError } from "./index.js";

const Flags = z.object({ runId: z.string().regex(/^[a-z]+$/, "must be lowercase letters"), workers: z.coerce.number().int().min(0) });

describe("parseFlags", () => {
  it("returns the parsed options", () => {
    expect(parseFlags(Flags, { runId: "demo", workers: "2" })).toEqual({ runId: "demo", workers: 2 });
  });

  it("throws a UsageError naming every invalid flag in its command-line spelling", () => {
    let error: unknown;
    try {
      parseFlags(Flags, { runId: "Demo 1", workers: "-1" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^--run-id: must be lowercase letters; --workers: [^\n]*0$/);
  });
});
