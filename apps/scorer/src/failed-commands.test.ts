import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { openBlobStore } from "@fleetscore/storage/azure";
import { describe, expect, inject, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer } from "./test-fixtures/run-scorer.js";
import { useScorerTempDir } from "./test-fixtures/scorer-suite.js";

const tmp = useScorerTempDir();

describe("failed commands leave nothing behind", () => {
  it("finalize on a missing output exits 2 and creates no folder", async () => {
    const out = join(tmp(), "missing");
    const r = await runScorer(["finalize", "--out", out, "--run-id", "r"]);
    expect(r.code, r.stderr).toBe(2);
    expect(existsSync(out), `${out} exists`).toBe(false);
  });

  it("a score refused for its models or its data leaves no <out>/<run-id>/ folder", async () => {
    const noModels = await runScorer(["score", "--models", join(tmp(), "no-models"), "--data", REFERENCE_DATA, "--out", join(tmp(), "out-m"), "--run-id", "r"]);
    expect(noModels.code, noModels.stderr).toBe(2);
    expect(existsSync(join(tmp(), "out-m"))).toBe(false);
    const noData = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", join(tmp(), "none.csv"), "--out", join(tmp(), "out-d"), "--run-id", "r"], { FLEETSCORE_LOG_LEVEL: "info" });
    expect(noData.code, noData.stderr).toBe(2);
    expect(noData.stderr).toContain("none.csv does not exist");
    expect(noData.stderr, "the missing data file is reported before the run is planned").not.toContain('"msg":"run planned"');
    expect(existsSync(join(tmp(), "out-d"))).toBe(false);
  });
});

describe("a shard count that differs from the run's", () => {
  it("is refused before any work, on a folder and on Blob: nothing is written", async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") };
    const container = `${inject("azuriteAccountUrl")}/shards-${randomBytes(6).toString("hex")}`;
    const folder = join(tmp(), "shards");
    const listBlobs = async (): Promise<string[]> => {
      const names: string[] = [];
      for await (const item of (await openBlobStore(container, { env })).list("r/")) names.push(item.name);
      return names;
    };
    for (const [out, list] of [
      [folder, () => readdir(join(folder, "r"))],
      [container, listBlobs],
    ] as const) {
      const first = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "r", "--shard", "0/2"], env);
      expect(first.code, first.stderr).toBe(0);
      const before = (await list()).sort();
      const mismatch = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "r", "--shard", "1/3"], { ...env, FLEETSCORE_LOG_LEVEL: "info" });
      expect(mismatch.code, mismatch.stderr).toBe(2);
      expect(mismatch.stderr).toContain("--shard: shard 1/3 does not match run r");
      expect(mismatch.stderr, "refused before any data is read").not.toContain('"msg":"run planned"');
      expect((await list()).sort()).toEqual(before);
    }
  });
});
