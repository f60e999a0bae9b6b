import { join } from "node:path";
import { startTestPostgres, type TestPostgres } from "@fleetscore/sql-aggregates/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointPosition, readAllWindows } from "./test-fixtures/read-windows.js";
import { REFERENCE_DATA, assertBuilt, makeTempDir, runAggregator, startAggregator, writeMessyCsv } from "./test-fixtures/run-aggregator.js";

// A PostgreSQL server of its own (started from the machine's initdb/pg_ctl): these tests stop it.
let pg: TestPostgres;
beforeAll(async () => {
  assertBuilt();
  pg = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.dispose();
});

describe("aggregator run into PostgreSQL", () => {
  it("writes the same aggregates as into SQLite", async () => {
    const dir = await makeTempDir();
    const sqlite = `sqlite:${join(dir, "aggregates.db")}`;
    const postgres = await pg.createDatabase("reference");
    const flags = ["--window", "1m"];
    const [a, b] = await Promise.all([
      runAggregator(["run", "--from", REFERENCE_DATA, "--to", sqlite, ...flags]),
      runAggregator(["run", "--from", REFERENCE_DATA, "--to", postgres, ...flags]),
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const fromSqlite = await readAllWindows(sqlite);
    expect(fromSqlite.length).toBeGreaterThan(1000);
    expect(fromSqlite.some((w) => w.count > 1)).toBe(true);
    expect(await readAllWindows(postgres)).toEqual(fromSqlite);
  }, 60_000);

  it("fails clearly when PostgreSQL stops mid-run, and a restart completes with nothing lost or doubled", async () => {
    const dir = await makeTempDir();
    const csv = join(dir, "messy.csv");
    await writeMessyCsv(csv, 400_000, { shuffleSpan: 200, duplicateEvery: 50 });
    const flags = ["--out-of-order", "2s"];
    const clean = `sqlite:${join(dir, "clean.db")}`;
    expect((await runAggregator(["run", "--from", csv, "--to", clean, ...flags])).code).toBe(0);

    const url = await pg.createDatabase("outage");
    const run = startAggregator(["run", "--from", csv, "--to", url, ...flags]);
    while (!(await checkpointPosition(url, `aggregator:${csv}`))) {
      const exited = await Promise.race([run.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 5))]);
      if (exited) throw new Error(`the aggregator finished before PostgreSQL could be stopped: ${(await run.done).stderr}`);
    }
    await pg.stop({ mode: "fast" });
    const failed = await run.done;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`127.0.0.1:${pg.port}`);
    expect(failed.stderr).toMatch(/checkpoint is intact/);
    expect(failed.stderr).not.toMatch(/internal error|at .*\.js:\d+/);

    await pg.start();
    const restarted = await runAggregator(["run", "--from", csv, "--to", url, ...flags]);
    expect(restarted.stderr).toBe("");
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/continued from csv:/);
    expect(await readAllWindows(url)).toEqual(await readAllWindows(clean));
  }, 120_000);
});
