import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { csvReadingSource, runAggregation } from "@fleetscore/aggregation";
import { openAggregateStore } from "@fleetscore/sql-aggregates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, assertBuilt, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";

let tmp: string;
beforeAll(async () => {
  assertBuilt();
  tmp = await makeTempDir();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Every model file's parameters without `source` (which names the input), by file name. */
async function modelParams(dir: string): Promise<Map<string, unknown>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  return new Map(
    await Promise.all(
      names.map(async (n) => {
        const { source: _source, ...params } = JSON.parse(await readFile(join(dir, n), "utf8")) as Record<string, unknown>;
        return [n, params] as const;
      }),
    ),
  );
}

describe("scorer models train (built CLI)", () => {
  it("trains the 15 reference models from the CSV, and the same parameters from its 5 s window means in SQLite; score reads them", { timeout: 300_000 }, async () => {
    const fromCsv = join(tmp, "csv-models");
    const r = await runScorer(["models", "train", "--data", REFERENCE_DATA, "--out", fromCsv, "--nu", "0.01", "--gamma", "0.01", "--workers", "2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("15 models trained, 0 failed of 15");
    expect(r.stdout).toContain("rows 17768; OneClassSVM(kernel=rbf, nu=0.01, gamma=0.01, tol=0.001) after StandardScaler");
    expect((await readdir(fromCsv)).filter((n) => n.endsWith(".onnx"))).toHaveLength(15);

    const sqlite = `sqlite:${join(tmp, "aggregates.db")}`;
    const store = await openAggregateStore(sqlite);
    await runAggregation({ source: csvReadingSource(REFERENCE_DATA), store }).finally(() => store.close());
    const fromSql = join(tmp, "sql-models");
    const s = await runScorer(["models", "train", "--data", sqlite, "--from", "2018-08-28T00:00:00Z", "--to", "2018-08-30T00:00:00Z", "--out", fromSql, "--nu", "0.01", "--gamma", "0.01", "--workers", "1"]);
    expect(s.code, s.stderr).toBe(0);
    expect(await modelParams(fromSql)).toEqual(await modelParams(fromCsv));

    const scored = await runScorer(["score", "--models", fromCsv, "--data", REFERENCE_DATA, "--out", join(tmp, "runs"), "--run-id", "r", "--workers", "1"]);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout).toContain("15 models scored, 0 failed");
  });

  it("reports a constant sensor and a pair with too few rows (exit 3) and trains the rest, from a gzip CSV", async () => {
    const lines = ["TS,Device,Sensor,Value"];
    for (let t = 0; t < 120; t++) {
      const ts = `2018-08-29 00:${String(Math.floor(t / 12)).padStart(2, "0")}:${String((t % 12) * 5).padStart(2, "0")}.000`;
      lines.push(`${ts},1,1,${(20 + Math.sin(t) * 3).toFixed(3)}`, `${ts},1,2,7.25`);
      if (t === 0) lines.push(`${ts},2,1,3.5`);
    }
    const data = join(tmp, "mixed.csv.gz");
    await writeFile(data, gzipSync(`${lines.join("\n")}\n`));
    const out = join(tmp, "mixed-models");
    const r = await runScorer(["models", "train", "--data", data, "--out", out, "--kernel", "poly", "--gamma", "auto", "--workers", "0"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("1 models trained, 2 failed of 3");
    expect(r.stdout).toContain("failed 1_2 [ConstantValues] (120 rows): all 120 rows are [7.25]");
    expect(r.stdout).toContain("failed 2_1 [TooFewRows] (1 rows)");
    expect((await readdir(out)).sort()).toEqual(["model_1_1.json", "model_1_1.onnx"]);
    const params = JSON.parse(await readFile(join(out, "model_1_1.json"), "utf8")) as { svm: { kernel: string; gamma: number } };
    expect(params.svm).toMatchObject({ kernel: "poly", gamma: 1 });
  });

  it("options out of their domain and a missing --data are usage errors (exit 2) naming the flag", async () => {
    const nu = await runScorer(["models", "train", "--data", REFERENCE_DATA, "--out", join(tmp, "x"), "--nu", "1.5"]);
    expect(nu.code).toBe(2);
    expect(nu.stderr + nu.stdout).toContain("--nu");
    const gamma = await runScorer(["models", "train", "--data", REFERENCE_DATA, "--out", join(tmp, "x"), "--gamma", "often"]);
    expect(gamma.code).toBe(2);
    expect(gamma.stderr + gamma.stdout).toContain("--gamma");
    const missing = await runScorer(["models", "train", "--data", join(tmp, "nope.csv"), "--out", join(tmp, "x")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr + missing.stdout).toContain("--data");
  });
});
