import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { FolderBlobStore, type BlobStore } from "@fleetscore/storage";
import { openBlobStore } from "@fleetscore/storage/azure";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BlobRunOutput, RunReader, isBatchScoringError, openRunReader, runProgress, scoreBatch } from "../index.js";
import { REFERENCE_DATA, REFERENCE_MODELS, makeTempDir } from "../test-fixtures/paths.js";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteAccountUrl: string;
    azuriteConnectionString: string;
  }
}

let tmp: string;
beforeAll(async () => void (tmp = await makeTempDir()));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const azuriteEnv = () => ({ AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });
const locations: Array<[string, () => Promise<{ location: string; store: BlobStore; env?: Record<string, string> }>]> = [
  [
    "a folder",
    async () => {
      const store = await FolderBlobStore.create(join(tmp, `out-${randomBytes(4).toString("hex")}`), { createIfNotExists: true });
      return { location: store.location, store };
    },
  ],
  [
    "a Blob container (Azurite)",
    async () => {
      const location = `${inject("azuriteAccountUrl")}/runs-${randomBytes(6).toString("hex")}`;
      return { location, store: await openBlobStore(location, { env: azuriteEnv(), createIfNotExists: true }), env: azuriteEnv() };
    },
  ],
];

describe.each(locations)("the run reader over %s", (_, open) => {
  it("lists runs newest first and tells a finished run from one in progress and an abandoned one", async () => {
    const { location, store, env } = await open();
    const score = async (runId: string, shard?: { index: number; count: number }) =>
      scoreBatch({ runId, data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "ts", workers: 0, output: await BlobRunOutput.create(store, runId), ...(shard && { shard }) });
    await score("whole");
    // Blob last-modified times have whole seconds (Azurite, Azure): start the second run in a later second, so
    // "newest first" has an answer.
    const second = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 20));
    await score("half", { index: 0, count: 2 });
    // Another writer's lease: a run file (the run is listed) but never a prediction file.
    await store.put("half/_lease.shard-1-of-2", Buffer.from("holder: pid 1\n"));
    await store.put("notes/readme.txt", Buffer.from("not a run"));

    const reader = await openRunReader(location, env ? { env } : {});
    expect(await reader.listRunIds()).toEqual(["half", "whole"]);

    const whole = await reader.readRun("whole");
    expect(runProgress(whole)).toBe("finished");
    expect(whole.manifest?.status).toBe("succeeded");
    expect(whole.predictionFiles).toHaveLength(15);

    const half = await reader.readRun("half");
    expect(half.manifest).toBeUndefined();
    expect([half.shardCount, half.shardManifests.length]).toEqual([2, 1]);
    expect(half.predictionFiles.some((f) => f.startsWith("_lease"))).toBe(false);
    expect(runProgress(half, { now: half.lastActivity })).toBe("in progress");
    expect(runProgress(half, { now: new Date(half.lastActivity.getTime() + 15 * 60_000 + 1) })).toBe("abandoned");
    expect(runProgress(half, { now: new Date(half.lastActivity.getTime() + 60_001), staleAfterInMs: 60_000 })).toBe("abandoned");

    expect((await reader.readManifest("half", { shard: { index: 0, count: 2 } }))?.shard).toEqual({ index: 0, count: 2 });
    expect(await reader.readManifest("half")).toBeUndefined();
    expect((await reader.readManifest("whole"))?.totals.scored).toBe(15);
    const missing = await reader.readRun("nope").catch((e: unknown) => e);
    expect(isBatchScoringError(missing) && missing.code).toBe("RunNotFound");
  }, 120_000);

  it("reports a manifest that is not one as InvalidRun, naming the file", async () => {
    const { store } = await open();
    await store.put("broken/_manifest.json", Buffer.from("{ not json"));
    const e = await new RunReader(store).readRun("broken").catch((x: unknown) => x);
    expect(isBatchScoringError(e) && e.code).toBe("InvalidRun");
    expect((e as Error).message).toContain("broken/_manifest.json");
  });
});

it("refuses an output location that does not exist as InvalidLocation", async () => {
  const e = await openRunReader(join(tmp, "nowhere")).catch((x: unknown) => x);
  expect(isBatchScoringError(e) && e.code).toBe("InvalidLocation");
});
