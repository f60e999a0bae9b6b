import { describe, expect, it } from "vitest";
import { failureOf } from "@fleetscore/test-support";
import { decodeMeansPage, type MeansPageRow } from "./sqlite-means-page.js";

const row = (ids: [string, string, number, number][]): MeansPageRow => [
  JSON.stringify(ids.map((r) => r[0])),
  JSON.stringify(ids.map((r) => r[1])),
  JSON.stringify(ids.map((r) => r[2])),
  JSON.stringify(ids.map((r) => r[3])),
  ids.length,
];

describe("decodeMeansPage", () => {
  it("returns the page's records in key order", () => {
    const page = decodeMeansPage(row([["d1", "s2", 1000, 0.5], ["d2", "s1", 1000, 1 / 3], ["d1", "s1", 2000, -7]]), "sqlite:x.db");
    expect(page).toEqual([
      { deviceId: "d1", sensorId: "s2", windowEndMs: 1000, mean: 0.5 },
      { deviceId: "d2", sensorId: "s1", windowEndMs: 1000, mean: 1 / 3 },
      { deviceId: "d1", sensorId: "s1", windowEndMs: 2000, mean: -7 },
    ]);
  });

  it("refuses arrays out of key order, naming the database and the entry", async () => {
    for (const rows of [
      [["d1", "s1", 2000, 1], ["d1", "s1", 1000, 2]],
      [["d2", "s1", 1000, 1], ["d1", "s9", 1000, 2]],
      [["d1", "s1", 1000, 1], ["d1", "s1", 1000, 2]],
    ] as [string, string, number, number][][]) {
      const error = await failureOf(async () => decodeMeansPage(row(rows), "sqlite:x.db"));
      expect(error).toMatchObject({ code: "ReadFailed" });
      expect(error?.message).toContain("sqlite:x.db: a page of window means came back out of key order at entry 1");
    }
  });

  it("orders ids by their UTF-8 bytes, as SQLite's BINARY collation does", () => {
    // U+FF5E (a BMP code unit above the surrogates) sorts after U+1F600 in UTF-16 but before it in UTF-8.
    expect(decodeMeansPage(row([["d", "\uff5e", 1000, 1], ["d", "\u{1f600}", 1000, 2]]), "db")).toHaveLength(2);
    expect(() => decodeMeansPage(row([["d", "\u{1f600}", 1000, 1], ["d", "\uff5e", 1000, 2]]), "db")).toThrow(/out of key order/);
  });

  it("refuses arrays whose lengths disagree with the page's count", async () => {
    const bad: MeansPageRow = ["[\"d1\"]", "[\"s1\"]", "[1000]", "[]", 1];
    expect(await failureOf(async () => decodeMeansPage(bad, "db"))).toMatchObject({ code: "ReadFailed", message: expect.stringContaining("arrays of 1, 1, 1 and 0 entries") });
  });
});
