import { randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { openBlobStore } from "@fleetscore/storage/azure";
import { describe, expect, inject, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer } from "./test-fixtures/run-scorer.js";
import { useScorerTempDir } from "./test-fixtures/scorer-suite.js";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteAccountUrl: string;
    azuriteConnectionString: string;
  }
}

const tmp = useScorerTempDir();
const env = (): Record<string, string> => ({ AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });
const container = (): string => `${inject("azuriteAccountUrl")}/c${randomBytes(6).toString("hex")}`;

describe("score with Blob locations (Azurite)", () => {
  it("scores Blob to Blob: models pushed to a container, data from a blob, predictions as blobs, same bytes as the folder run", async () => {
    const models = container();
    const pushed = await runScorer(["models", "push", "--from", REFERENCE_MODELS, "--to", models], env());
    expect(pushed.code, pushed.stderr).toBe(0);
    const dataContainer = container();
    const dataStore = await openBlobStore(dataContainer, { env: env(), createIfNotExists: true });
    await dataStore.put("input/sensor_data.csv.gz", gzipSync(await readFile(REFERENCE_DATA)));
    const out = container();

    const r = await runScorer(["score", "--models", models, "--data", `${dataContainer}/input/sensor_data.csv.gz`, "--out", out, "--run-id", "b"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("15 models scored");
    expect(r.stderr).not.toContain("MaxListenersExceededWarning");

    const local = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", join(tmp(), "folder"), "--run-id", "b"]);
    expect(local.code).toBe(0);
    const outStore = await openBlobStore(out, { env: env() });
    const names = (await readdir(join(tmp(), "folder", "b"))).filter((n) => n.startsWith("preds_"));
    expect(names).toHaveLength(15);
    for (const n of names) {
      const blob = Buffer.from(await outStore.get(`b/${n}`));
      expect(blob.equals(await readFile(join(tmp(), "folder", "b", n))), n).toBe(true);
    }
    const manifest = JSON.parse(Buffer.from(await outStore.get("b/_manifest.json")).toString("utf8"));
    expect(manifest.input.data).toBe(`${dataContainer}/input/sensor_data.csv.gz`);
    expect(manifest.input.models).toMatch(new RegExp(`^${models}@v\\d{8}T\\d{6}Z-[0-9a-f]{6}$`));
  });

  it("finalize --out <container URL> merges the shard manifests written to Blob storage", async () => {
    const out = container();
    for (const shard of ["0/2", "1/2"]) {
      const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "f", "--shard", shard, "--workers", "0"], env());
      expect(r.code, r.stderr).toBe(0);
    }
    const store = await openBlobStore(out, { env: env() });
    const mergedByShard = Buffer.from(await store.get("f/_manifest.json")).toString("utf8");
    // As if the last shard had died before merging: finalize must write the same manifest again.
    await store.delete("f/_manifest.json");
    const r = await runScorer(["finalize", "--out", out, "--run-id", "f"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("run f (2 shards merged): 15 models scored");
    expect(r.stdout).toMatch(/run span: [\d.]+ s .*; finalize: [\d.]+ s; run status: succeeded/);
    const merged = JSON.parse(Buffer.from(await store.get("f/_manifest.json")).toString("utf8"));
    expect(merged).toEqual(JSON.parse(mergedByShard));
    expect([merged.mergedShards, merged.totals.scored, merged.status]).toEqual([2, 15, "succeeded"]);
  }, 180_000); // three CLI processes: a last guard on a loaded machine, not a speed requirement

  it("names the blob when the data blob does not exist (exit 2)", async () => {
    const missing = `${container()}/nope.csv`;
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", missing, "--out", join(tmp(), "o")], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--data: cannot read ${missing}`);
  });
});
