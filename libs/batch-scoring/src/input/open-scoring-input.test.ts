import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatReferenceTimestamp, openAggregateStore } from "@fleetscore/sql-aggregates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceTimestampBytes } from "../run/reference-timestamp.js";
import { REFERENCE_DATA } from "../test-fixtures/paths.js";
import { openScoringInput } from "./open-scoring-input.js";
import { redactLocation } from "./redact-location.js";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "fleetscore-input-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("openScoringInput", () => {
  it("opens a CSV file with its size", async () => {
    const input = await openScoringInput(REFERENCE_DATA);
    expect(input).toMatchObject({ kind: "file", location: REFERENCE_DATA, path: REFERENCE_DATA });
    expect(input.kind === "file" && input.sizeInBytes).toBeGreaterThan(0);
    await input.close();
  });

  it("opens SQL windows of a range, named with the range", async () => {
    const url = `sqlite:${join(tmp, "a.db")}`;
    await (await openAggregateStore(url)).close();
    const input = await openScoringInput(url, { range: { from: "2018-08-28T00:00:00Z", to: "2018-08-29T00:00:00Z" } });
    expect(input.kind).toBe("windows");
    expect(input.location).toMatch(/windows \(2018-08-28T00:00:00.000Z, 2018-08-29T00:00:00.000Z\]$/);
    await input.close();
  });

  it.each([
    ["a missing file", join("/nonexistent", "data.csv"), {}, "InputNotFound"],
    ["a folder", "/", {}, "InputNotFound"],
    ["a CSV with a range", REFERENCE_DATA, { range: { from: "2018-08-28T00:00:00Z", to: "2018-08-29T00:00:00Z" } }, "InvalidRange"],
    ["SQL without a range", "sqlite:/nonexistent/a.db", {}, "InvalidRange"],
    ["SQL with an empty range", "sqlite:/nonexistent/a.db", { range: { from: "2018-08-29T00:00:00Z", to: "2018-08-29T00:00:00Z" } }, "InvalidRange"],
    ["a database that cannot be opened", "sqlite:/nonexistent/a.db", { range: { from: "2018-08-28T00:00:00Z", to: "2018-08-29T00:00:00Z" } }, "InvalidInput"],
  ] as const)("refuses %s with its own code, naming the location", async (_, location, options, code) => {
    const e = await openScoringInput(location, options).catch((err: unknown) => err);
    expect(e).toMatchObject({ name: "BatchScoringError", code });
    expect((e as Error).message).toContain(location.replace(/^sqlite:/, ""));
  });
});

describe("redactLocation", () => {
  it("drops passwords and SAS tokens, keeps paths", () => {
    expect(redactLocation("postgres://u:secret@db:5432/x")).toBe("postgres://db:5432/x");
    expect(redactLocation("https://acct.blob.core.windows.net/c/data.csv?sv=2022&sig=SECRET")).toBe("https://acct.blob.core.windows.net/c/data.csv?sv=<redacted>&sig=<redacted>");
    expect(redactLocation("/data/sensor_data.csv")).toBe("/data/sensor_data.csv");
  });
});

describe("referenceTimestampBytes", () => {
  it("writes each time as formatReferenceTimestamp does", () => {
    const times = Float64Array.of(Date.parse("2018-08-28T23:00:05Z"), Date.parse("2024-01-01T00:00:00.123Z"), 0);
    expect(Buffer.from(referenceTimestampBytes(times)).toString("latin1")).toBe([...times].map(formatReferenceTimestamp).join(""));
  });
});
