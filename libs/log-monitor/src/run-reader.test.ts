import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FolderRunOutput, scoreBatch } from "@fleetscore/batch-scoring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyRun, isLogMonitorError, openRunReader, summarizeRun } from "./index.js";

const REFERENCE = resolve(import.meta.dirname, "../../../../shared/fixtures/reference");
let out: string;

// Real runs made by batch-scoring: a whole run, and shard 0 of 2 alone.
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "fleetscore-log-monitor-"));
  for (const [runId, shard] of [["whole", undefined], ["half", { index: 0, count: 2 }]] as const) {
    await scoreBatch({
      runId,
      data: join(REFERENCE, "sensor_data.csv"),
      models: join(REFERENCE, "models"),
      engine: "ts",
      output: await FolderRunOutput.create(out, runId),
      workers: 0,
      ...(shard && { shard }),
    });
  }
  await writeFile(join(out, "aggregates.db"), "not a run");
  await mkdir(join(out, "not-a-run"));
  await writeFile(join(out, "not-a-run", "notes.txt"), "hello");
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("BlobStoreRunReader over a folder", () => {
  it("lists only folders holding run files, newest first", async () => {
    const reader = await openRunReader(out);
    expect(await reader.listRunIds()).toEqual(["half", "whole"]);
  });

  it("reads a run's manifests and classifies it", async () => {
    const reader = await openRunReader(out);
    const whole = await reader.readRun("whole");
    expect(whole.manifest?.status).toBe("succeeded");
    expect(whole.predictionFiles).toHaveLength(whole.manifest!.totals.scored);
    const half = await reader.readRun("half");
    expect(half.manifest).toBeUndefined();
    expect(half.shardCount).toBe(2);
    expect(half.shardManifests.map((m) => m.shard)).toEqual([{ index: 0, count: 2 }]);
    expect(classifyRun(half, { now: new Date(half.lastActivity.getTime() + 1000), staleAfterInMs: 60_000 })).toBe("in progress");
    expect(classifyRun(half, { now: new Date(half.lastActivity.getTime() + 61_000), staleAfterInMs: 60_000 })).toBe("abandoned");
    const summary = await summarizeRun(half, { staleAfterInMs: 0, now: new Date(half.lastActivity.getTime() + 1) });
    expect(summary).toMatchObject({ status: "abandoned", shardsDone: 1, shardCount: 2, rows: half.shardManifests[0]!.totals.scoredRows });
    expect(summary.shards.map((s) => s.status)).toEqual(["succeeded", "missing"]);
  });

  it("lets a run source that knows the writer decide in progress against abandoned", async () => {
    const reader = await openRunReader(out);
    const half = await reader.readRun("half");
    const alive = { name: "scheduler", describeRun: async () => ({ source: "scheduler", state: "running", writerAlive: true }) };
    const broken = { name: "Azure ML", describeRun: async (): Promise<undefined> => Promise.reject(new Error("401 Unauthorized")) };
    const s = await summarizeRun(half, { staleAfterInMs: 0, sources: [alive, broken] });
    expect(s.status).toBe("in progress");
    expect(s.external).toEqual([{ source: "scheduler", state: "running", writerAlive: true }, { source: "Azure ML", error: "401 Unauthorized" }]);
  });

  it("throws RunNotFound for an unknown run and InvalidRun for a corrupt manifest, naming the file", async () => {
    const reader = await openRunReader(out);
    await expect(reader.readRun("not-a-run")).rejects.toSatisfy((e) => isLogMonitorError(e) && e.code === "RunNotFound");
    await mkdir(join(out, "corrupt"));
    await writeFile(join(out, "corrupt", "_manifest.json"), '{"schemaVersion": 1, "runId": "corrupt"}');
    await expect(reader.readRun("corrupt")).rejects.toThrow(/corrupt\/_manifest\.json is not a run manifest: engine/);
    await writeFile(join(out, "corrupt", "_manifest.json"), "{");
    await expect(reader.readRun("corrupt")).rejects.toThrow(/corrupt\/_manifest\.json is not valid JSON/);
  });

  it("throws InvalidLocation for a missing folder", async () => {
    await expect(openRunReader(join(out, "nowhere"))).rejects.toSatisfy((e) => isLogMonitorError(e) && e.code === "InvalidLocation");
  });
});
