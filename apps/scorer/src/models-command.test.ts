import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";
import { useScorerTempDir } from "./test-fixtures/scorer-suite.js";

const tmp = useScorerTempDir();

describe("scorer models push / list (built CLI)", () => {
  it("scores from a versioned store: the current version, pinned for the run and recorded, through the cache", async () => {
    const store = join(tmp(), "store-for-score");
    const pushed = await runScorer(["models", "push", "--from", REFERENCE_MODELS, "--to", store]);
    const version = /pushed version (\S+):/.exec(pushed.stdout)?.[1];
    expect(version).toBeDefined();
    const cache = join(tmp(), "model-cache");
    const fromStore = await runScorer(["score", "--models", store, "--data", REFERENCE_DATA, "--out", join(tmp(), "out-store"), "--run-id", "r"], { FLEETSCORE_MODEL_CACHE_DIR: cache });
    expect(fromStore.code, fromStore.stderr).toBe(0);
    const fromFolder = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", join(tmp(), "out-folder"), "--run-id", "r"]);
    expect(fromFolder.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(tmp(), "out-store", "r", "_manifest.json"), "utf8"));
    expect(manifest.input.models).toBe(`${store}@${version}`);
    const names = (await readdir(join(tmp(), "out-folder", "r"))).filter((n) => n.startsWith("preds_"));
    expect(names).toHaveLength(15);
    for (const n of names) {
      const [a, b] = await Promise.all([readFile(join(tmp(), "out-store", "r", n)), readFile(join(tmp(), "out-folder", "r", n))]);
      expect(a.equals(b), n).toBe(true);
    }
    // The download cache holds the version's files, keyed by sha256.
    expect((await readdir(cache, { recursive: true })).filter((n) => /[0-9a-f]{64}/.test(n)).length).toBeGreaterThanOrEqual(15);
  });

  it("pushes the reference models as versions, lists them with the current one marked", async () => {
    const store = join(tmp(), "store");
    const first = await runScorer(["models", "push", "--from", REFERENCE_MODELS, "--to", store]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const v1 = /pushed version (\S+): 30 files, 15 models/.exec(first.stdout)?.[1];
    expect(v1).toMatch(/^v\d{8}T\d{6}Z-[0-9a-f]{6}$/);

    const listed = await runScorer(["models", "list", "--store", store]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^\\* ${v1}\\s+15\\s+\\S+\\s+\\(current\\)$`, "m"));

    const second = await runScorer(["models", "push", "--from", REFERENCE_MODELS, "--to", store]);
    expect(second.code).toBe(0);
    const v2 = /pushed version (\S+):/.exec(second.stdout)?.[1];
    const lines = (await runScorer(["models", "list", "--store", store])).stdout.trim().split("\n").slice(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\* ${v2}\\s+15 .*\\(current\\)$`));
    expect(lines[1]).toMatch(new RegExp(`^  ${v1}\\s+15 `));
    expect(lines[1]).not.toContain("current");
  });

  it("exits 2 naming the flag for a missing flag, an empty folder and a pushed version id again", async () => {
    const missing = await runScorer(["models", "push", "--from", REFERENCE_MODELS]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--to");

    const empty = await makeTempDir();
    const noModels = await runScorer(["models", "push", "--from", empty, "--to", join(tmp(), "other")]);
    await rm(empty, { recursive: true, force: true });
    expect(noModels.code).toBe(2);
    expect(noModels.stderr).toContain("--from");
    expect(noModels.stderr).toContain("holds no models");

    const store = join(tmp(), "pinned");
    expect((await runScorer(["models", "push", "--from", REFERENCE_MODELS, "--to", store, "--version", "v1"])).code).toBe(0);
    const twice = await runScorer(["models", "push", "--from", REFERENCE_MODELS, "--to", store, "--version", "v1"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("--version");
    expect(twice.stderr).toContain("already exists");

    const noStore = await runScorer(["models", "list", "--store", "ftp://nowhere/x"]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toContain("--store");
  });
});
