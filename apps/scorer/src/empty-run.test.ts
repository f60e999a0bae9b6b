import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { csvReadingSource, runAggregation } from "@fleetscore/aggregation";
import { openAggregateStore } from "@fleetscore/sql-aggregates";
import { beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, assertBuilt, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";

/** The reference data's windows (all in August 2018) in SQLite, so a 2019 range holds none; a header-only CSV. */
async function emptyInputs(): Promise<{ out: string; sqlite: string; headerOnly: string }> {
  assertBuilt();
  const dir = await makeTempDir();
  const store = await openAggregateStore(`sqlite:${join(dir, "aggregates.db")}`);
  await runAggregation({ source: csvReadingSource(REFERENCE_DATA), store }).finally(() => store.close());
  await writeFile(join(dir, "header-only.csv"), "TS,Device,Sensor,Value\n");
  return { out: dir, sqlite: `sqlite:${join(dir, "aggregates.db")}`, headerOnly: join(dir, "header-only.csv") };
}

let out: string;
let sqlite: string;
let headerOnly: string;
beforeAll(async () => void ({ out, sqlite, headerOnly } = await emptyInputs()), 120_000);

const status = async (runId: string): Promise<string> => (JSON.parse(await readFile(join(out, runId, "_manifest.json"), "utf8")) as { status: string }).status;

describe("a run with no data row", () => {
  it("is `empty`, warns and exits 5 for a SQL range without windows; --allow-empty exits 0", async () => {
    const args = ["score", "--models", REFERENCE_MODELS, "--data", sqlite, "--from", "2019-01-01T00:00:00Z", "--to", "2019-01-02T00:00:00Z", "--out", out, "--workers", "0"];
    const r = await runScorer([...args, "--run-id", "sql-empty"]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toContain("status: empty");
    expect(r.stdout).toContain("run is empty");
    expect(r.stderr).toMatch(/"level":"warning".*is empty/);
    expect(await status("sql-empty")).toBe("empty");
    const allowed = await runScorer([...args, "--run-id", "sql-empty-allowed", "--allow-empty"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await status("sql-empty-allowed")).toBe("empty");
  }, 120_000);

  it("is `empty` for a CSV with only its header, and finalize of empty shards exits 5 unless --allow-empty", async () => {
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", headerOnly, "--out", out, "--run-id", "csv-empty", "--workers", "0"]);
    expect(r.code, r.stderr).toBe(5);
    expect(await status("csv-empty")).toBe("empty");
    for (const shard of ["0/2", "1/2"]) {
      const s = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", headerOnly, "--out", out, "--run-id", "csv-empty-split", "--workers", "0", "--shard", shard, "--allow-empty"]);
      expect(s.code, s.stderr).toBe(0);
    }
    expect((await runScorer(["finalize", "--out", out, "--run-id", "csv-empty-split"])).code).toBe(5);
    expect((await runScorer(["finalize", "--out", out, "--run-id", "csv-empty-split", "--allow-empty"])).code).toBe(0);
  }, 120_000);
});

describe("shard summaries", () => {
  it("label the shard's own numbers and status apart from the run's, and finalize's time apart from the run's span", async () => {
    const score = (shard: string) => runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "labels", "--workers", "0", "--shard", shard]);
    const first = await score("0/2");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^shard 0\/2: time [\d.]+ s; shard status: succeeded;/m);
    expect(first.stdout).toContain("run labels: run status: in progress (1 of 2 shard manifests written");
    const last = await score("1/2");
    expect(last.stdout).toContain("run labels: run status: succeeded (all 2 shards merged into _manifest.json: 15 models scored, 0 failed)");
    const finalize = await runScorer(["finalize", "--out", out, "--run-id", "labels"]);
    expect(finalize.code, finalize.stderr).toBe(0);
    expect(finalize.stdout).toMatch(/^run span: [\d.]+ s \(first shard start to last shard end\); finalize: [\d.]+ s; run status: succeeded;/m);
  }, 120_000);
});
