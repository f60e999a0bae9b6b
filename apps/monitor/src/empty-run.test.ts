import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, monitor, REFERENCE_MODELS, runScorer } from "./test-fixtures/runs.js";

// A run the real scorer made on a CSV with only its header: status `empty`.
let dir: string;
let out: string;
beforeAll(async () => {
  dir = await makeTempDir();
  out = join(dir, "out");
  const data = join(dir, "header-only.csv");
  await writeFile(data, "TS,Device,Sensor,Value\n");
  const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", data, "--out", out, "--run-id", "r-empty", "--workers", "0", "--allow-empty"]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("an empty run", () => {
  it("shows as `empty` and exits 5, so a scheduled check can alert on it", async () => {
    const r = await monitor(["show", "--out", out, "r-empty"]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toContain("empty: the run's data held no row in its range");
    const runs = await monitor(["runs", "--out", out, "--json"]);
    expect((JSON.parse(runs.stdout) as { runId: string; status: string }[]).map((x) => [x.runId, x.status])).toEqual([["r-empty", "empty"]]);
  });
});
