import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { csvReadingSource, runAggregation } from "@fleetscore/aggregation";
import { openAggregateStore } from "@fleetscore/sql-aggregates";
import { startTestPostgres, type TestPostgres } from "@fleetscore/sql-aggregates/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, assertBuilt, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";

/** Aggregates the reference data in 5 s windows into a database (one window per row). */
async function aggregateReference(url: string): Promise<void> {
  const store = await openAggregateStore(url);
  try {
    await runAggregation({ source: csvReadingSource(REFERENCE_DATA), store });
  } finally {
    await store.close();
  }
}

async function predictions(dir: string): Promise<Map<string, string>> {
  const files = (await readdir(dir)).filter((f) => f.startsWith("preds_")).sort();
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f), "latin1")] as const)));
}

let pg: TestPostgres;
let out: string;
let sqlite: string;
beforeAll(async () => {
  assertBuilt();
  out = await makeTempDir();
  sqlite = `sqlite:${join(out, "aggregates.db")}`;
  pg = await startTestPostgres();
  await Promise.all([aggregateReference(sqlite), aggregateReference(pg.url)]);
  const csv = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "from-csv"]);
  expect(csv.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await pg?.dispose();
});

describe("score --data <sql url> --from --to", () => {
  it.each([
    ["SQLite", () => sqlite],
    ["PostgreSQL", () => pg.url],
  ])("scores the window means in %s with the same prediction files as the CSV they came from", async (_, url) => {
    const runId = `from-${_.toLowerCase()}`;
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", url(), "--from", "2018-08-28T00:00:00Z", "--to", "2018-08-30T00:00:00Z", "--out", out, "--run-id", runId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rows: 17,768 read, 0 malformed, 17,768 scored, 6,757 anomalies/);
    const fromSql = await predictions(join(out, runId));
    expect(fromSql.size).toBe(15);
    expect(fromSql).toEqual(await predictions(join(out, "from-csv")));
    const manifest = JSON.parse(await readFile(join(out, runId, "_manifest.json"), "utf8"));
    expect(manifest.input.data).toMatch(/windows \(2018-08-28T00:00:00.000Z, 2018-08-30T00:00:00.000Z\]/);
    expect(manifest.input.data).not.toMatch(/password/);
  }, 60_000);

  it("shards read only their own models' windows, and together give the files of the unsharded run", async () => {
    const runId = "sharded";
    const range = ["--from", "2018-08-28T00:00:00Z", "--to", "2018-08-30T00:00:00Z"];
    const shards = await Promise.all(
      [0, 1, 2].map((i) => runScorer(["score", "--models", REFERENCE_MODELS, "--data", sqlite, ...range, "--out", out, "--run-id", runId, "--shard", `${i}/3`])),
    );
    for (const r of shards) expect(r.code).toBe(0);
    const rowsRead = await Promise.all(
      [0, 1, 2].map(async (i) => JSON.parse(await readFile(join(out, runId, `_manifest.shard-${i}-of-3.json`), "utf8")).input.rows as number),
    );
    // Each shard read its models' rows only: together exactly the table, none twice.
    expect(rowsRead.every((n) => n > 0 && n < 17_768)).toBe(true);
    expect(rowsRead.reduce((a, b) => a + b, 0)).toBe(17_768);
    // The merged manifest counts the run's rows: the shards' sum, not the first shard's share.
    const merged = JSON.parse(await readFile(join(out, runId, "_manifest.json"), "utf8")) as { input: { rows: number; shardRowsOnly?: boolean } };
    expect(merged.input.rows).toBe(17_768);
    expect(merged.input.shardRowsOnly).toBeUndefined();
    expect(await predictions(join(out, runId))).toEqual(await predictions(join(out, "from-csv")));
  }, 60_000);

  it("scores only the windows ending in (from, to]", async () => {
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", sqlite, "--from", "2018-08-28T23:00:05Z", "--to", "2018-08-28T23:01:00Z", "--out", out, "--run-id", "range"]);
    expect(r.code).toBe(0);
    const rows = [...(await predictions(join(out, "range"))).values()].flatMap((text) => text.trim().split("\n").slice(1));
    const times = new Set(rows.map((l) => l.split(",")[0]));
    // 23:00:05 is excluded (the range excludes its start), 23:01:00 included: 11 window ends.
    expect([...times].sort()).toEqual(Array.from({ length: 11 }, (_, i) => `2018-08-28 23:00:${String(10 + 5 * i).padStart(2, "0")}.000`.replace("23:00:60", "23:01:00")));
  });

  it("refuses to resume a run with another range of windows, naming the input location", async () => {
    const args = ["score", "--models", REFERENCE_MODELS, "--data", sqlite, "--out", out, "--run-id", "resume-range", "--from", "2018-08-28T00:00:00Z"];
    expect((await runScorer([...args, "--to", "2018-08-30T00:00:00Z"])).code).toBe(0);
    const r = await runScorer([...args, "--to", "2018-08-29T00:00:00Z", "--resume"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume: .*input location was ".*windows \(2018-08-28T00:00:00.000Z, 2018-08-30T00:00:00.000Z\][^"]*", now ".*2018-08-29T00:00:00.000Z\][^"]*"/);
  });

  it("keeps window sizes apart: a database holding 5s and 1m windows needs --window, and --window 5s scores as the CSV", async () => {
    const mixed = `sqlite:${join(out, "mixed.db")}`;
    await aggregateReference(mixed);
    const store = await openAggregateStore(mixed);
    try {
      await runAggregation({ source: csvReadingSource(REFERENCE_DATA), store, windowing: { windowSizeInMs: 60_000 }, checkpointName: "one-minute" });
    } finally {
      await store.close();
    }
    const range = ["--from", "2018-08-28T00:00:00Z", "--to", "2018-08-30T00:00:00Z"];
    const unchosen = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", mixed, ...range, "--out", out, "--run-id", "mixed-unchosen"]);
    expect(unchosen.code).toBe(2);
    expect(unchosen.stderr).toMatch(/--window: .* holds windows of 2 sizes \(5s, 1m\); choose one with --window <size>/);
    const absent = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", mixed, ...range, "--window", "10s", "--out", out, "--run-id", "mixed-absent"]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/--window 10s: .* holds no windows of that size \(it holds 5s, 1m\)/);
    const five = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", mixed, ...range, "--window", "5s", "--out", out, "--run-id", "mixed-5s"]);
    expect(five.code, five.stderr).toBe(0);
    expect(await predictions(join(out, "mixed-5s"))).toEqual(await predictions(join(out, "from-csv")));
    const minute = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", mixed, ...range, "--window", "1m", "--out", out, "--run-id", "mixed-1m"]);
    expect(minute.code, minute.stderr).toBe(0);
    const minuteRows = [...(await predictions(join(out, "mixed-1m"))).values()].flatMap((text) => text.trim().split("\n").slice(1));
    // One-minute windows: every TS is on a whole minute; the reference data has 3,779 of them (with readings).
    expect(minuteRows.every((l) => /:00\.000,/.test(l))).toBe(true);
    expect(minuteRows.length).toBe(3_779);
    for (const runId of ["mixed-unchosen", "mixed-absent"]) expect(existsSync(join(out, runId, "_manifest.json"))).toBe(false);
  }, 120_000);

  it("needs --from and --to with a SQL --data, refuses them with a CSV, and names a missing database", async () => {
    const noRange = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", sqlite, "--out", out]);
    expect(noRange.code).toBe(2);
    expect(noRange.stderr).toMatch(/--from <iso> --to <iso>/);
    const csvRange = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--from", "2018-08-28T00:00:00Z", "--to", "2018-08-29T00:00:00Z", "--out", out]);
    expect(csvRange.code).toBe(2);
    const missing = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", `sqlite:${join(out, "nope.db")}`, "--from", "2018-08-28T00:00:00Z", "--to", "2018-08-29T00:00:00Z", "--out", out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--data: .*nope\.db/);
  });
});
