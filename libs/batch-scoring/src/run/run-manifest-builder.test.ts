import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunManifest } from "@fleetscore/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderRunOutput, finalizeRun, scoreBatch, type ScoreBatchOptions } from "../index.js";
import { REFERENCE_DATA, REFERENCE_MODELS, makeTempDir } from "../test-fixtures/paths.js";

let tmp: string;
beforeAll(async () => void (tmp = await makeTempDir()));
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function score(runId: string, options: Partial<ScoreBatchOptions> = {}): Promise<RunManifest> {
  return scoreBatch({ runId, data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "auto", workers: 1, output: await FolderRunOutput.create(tmp, runId), ...options });
}

const manifestText = (runId: string): Promise<string> => readFile(join(tmp, runId, "_manifest.json"), "utf8");

/** The manifest's text without what may differ between two runs of the same data: times and the merge count. */
function withoutTimings(text: string): string {
  const m = JSON.parse(text) as Record<string, unknown> & { models: Array<Record<string, unknown>> };
  for (const key of ["startedAt", "finishedAt", "durationMs", "mergedShards", "runId"]) delete m[key];
  for (const model of m.models) delete model["durationMs"];
  return JSON.stringify(m, null, 2);
}

describe("the run manifest builder", () => {
  it("gives a run scored whole and the same run scored in shards then merged the same manifest, timings aside", async () => {
    await score("whole");
    for (const index of [1, 0]) await score("split", { shard: { index, count: 2 } });
    const merged = await manifestText("split");
    expect(withoutTimings(merged)).toBe(withoutTimings(await manifestText("whole")));
    // Keys in the same order too: the same builder wrote both.
    expect(Object.keys(JSON.parse(merged) as object)).toEqual([...Object.keys(JSON.parse(await manifestText("whole")) as object)].flatMap((k) => (k === "workers" ? ["mergedShards", k] : [k])));
  });

  it("records the most workers one shard used on the merged manifest, not their sum", async () => {
    await score("workers", { shard: { index: 0, count: 2 }, workers: 2 });
    await score("workers", { shard: { index: 1, count: 2 }, workers: 1 });
    const merged = JSON.parse(await manifestText("workers")) as RunManifest;
    expect(merged.workers).toBe(2);
    // finalize writes the same bytes as the last shard did.
    await finalizeRun(await FolderRunOutput.create(tmp, "workers"));
    expect(await manifestText("workers")).toBe(JSON.stringify(merged, null, 2) + "\n");
  });

  it("marks a run whose data holds no row `empty`, for a whole run, each shard and the merge", async () => {
    const data = join(tmp, "header-only.csv");
    await writeFile(data, "TS,Device,Sensor,Value\n");
    const whole = await score("empty", { data });
    expect(whole).toMatchObject({ status: "empty", totals: { scored: 0, failed: 0, noData: 15 } });
    const shards = [await score("empty-split", { data, shard: { index: 0, count: 2 } }), await score("empty-split", { data, shard: { index: 1, count: 2 } })];
    expect(shards.map((s) => s.status)).toEqual(["empty", "empty"]);
    expect((JSON.parse(await manifestText("empty-split")) as RunManifest).status).toBe("empty");
  });

  it("keeps a run with rows `succeeded` when one shard had none of them", async () => {
    // Only device 1's rows: with 2 shards by size, at least one shard's models all lack data ...
    const lines = (await readFile(REFERENCE_DATA, "latin1")).split("\n");
    const data = join(tmp, "device-1.csv");
    await writeFile(data, [lines[0], ...lines.slice(1).filter((l) => l.split(",")[1] === "1")].join("\n") + "\n", "latin1");
    for (const index of [0, 1]) await score("one-device", { data, shard: { index, count: 2 } });
    // ... but a shard reads the whole file, so its input had rows: the shards and the run succeed.
    const merged = JSON.parse(await manifestText("one-device")) as RunManifest;
    expect(merged.status).toBe("succeeded");
    expect(merged.totals.noData).toBeGreaterThan(0);
  });
});
