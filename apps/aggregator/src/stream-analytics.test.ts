import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { assertBuilt, makeTempDir, runAggregator } from "./test-fixtures/run-aggregator.js";

const INFRA = resolve(import.meta.dirname, "../../../infra/stream-analytics");

describe("aggregator stream-analytics", () => {
  it("writes the query and job settings for the windowing flags", async () => {
    assertBuilt();
    const dir = await makeTempDir();
    const r = await runAggregator(["stream-analytics", "--out", dir, "--window", "10s", "--out-of-order", "3s", "--on-late", "drop"]);
    expect(r.code).toBe(0);
    const query = await readFile(join(dir, "query.asaql"), "utf8");
    expect(query).toMatch(/TumblingWindow\(second, 10\)/);
    expect(query).toMatch(/TIMESTAMP BY/);
    expect(JSON.parse(await readFile(join(dir, "job-settings.json"), "utf8"))).toMatchObject({
      eventsOutOfOrderPolicy: "Drop",
      eventsOutOfOrderMaxDelayInSeconds: 3,
      eventsLateArrivalMaxDelayInSeconds: 5,
    });
  });

  it("rejects tolerances Stream Analytics cannot express (not whole seconds) with exit code 2", async () => {
    const dir = await makeTempDir();
    const r = await runAggregator(["stream-analytics", "--out", dir, "--late-arrival", "1500ms"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/whole seconds/i);
  });

  it("matches the files committed in infra/stream-analytics (regenerate them with the command in their header)", async () => {
    const dir = await makeTempDir();
    expect((await runAggregator(["stream-analytics", "--out", dir])).code).toBe(0);
    for (const file of ["query.asaql", "job-settings.json"]) {
      expect(await readFile(join(INFRA, file), "utf8"), file).toBe(await readFile(join(dir, file), "utf8"));
    }
  });
});
