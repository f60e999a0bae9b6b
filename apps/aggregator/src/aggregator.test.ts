import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseReadingTimestamp } from "@fleetscore/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { checkpointPosition, readAllWindows } from "./test-fixtures/read-windows.js";
import { REFERENCE_DATA, assertBuilt, makeTempDir, runAggregator, startAggregator, writeMessyCsv } from "./test-fixtures/run-aggregator.js";

beforeAll(() => assertBuilt());

describe("aggregator run: CSV replay into SQLite", () => {
  it("gives one window per reference row, whose mean is the row's value and whose end is the row's TS", async () => {
    const dir = await makeTempDir();
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    const r = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", db]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/readings 17768 .*malformed 0, windows written 17768/);

    const rows = (await readFile(REFERENCE_DATA, "latin1")).trim().split("\n").slice(1).map((l) => l.split(","));
    const windows = await readAllWindows(db);
    expect(windows).toHaveLength(rows.length);
    const byKey = new Map(windows.map((w) => [`${w.deviceId}_${w.sensorId}_${w.windowEndMs}`, w]));
    for (const [ts, device, sensor, value] of rows) {
      const w = byKey.get(`${device}_${sensor}_${parseReadingTimestamp(ts!)}`);
      expect(w, `window of ${device}_${sensor} at ${ts}`).toBeDefined();
      expect(w!.count).toBe(1);
      expect(w!.mean).toBe(Number(value));
      expect(w!.min).toBe(Number(value));
      expect(w!.stddev).toBe(0);
      expect(w!.windowEndMs - w!.windowStartMs).toBe(5000);
    }
  });

  it("is idempotent: running the same replay again changes nothing and writes no window twice", async () => {
    const dir = await makeTempDir();
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    expect((await runAggregator(["run", "--from", REFERENCE_DATA, "--to", db])).code).toBe(0);
    const first = await readAllWindows(db);
    const again = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/continued from csv:/);
    expect(again.stdout).toMatch(/readings 0 /);
    expect(await readAllWindows(db)).toEqual(first);
  });

  it("refuses to let a second aggregation (another checkpoint) overwrite the windows of the first, naming both", async () => {
    const dir = await makeTempDir();
    const [header, ...rows] = (await readFile(REFERENCE_DATA, "latin1")).trimEnd().split("\n");
    const odd = join(dir, "odd.csv");
    const even = join(dir, "even.csv");
    const fs = await import("node:fs/promises");
    await fs.writeFile(odd, [header, ...rows.filter((_, i) => i % 2 === 0)].join("\n") + "\n");
    await fs.writeFile(even, [header, ...rows.filter((_, i) => i % 2 === 1)].join("\n") + "\n");
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    expect((await runAggregator(["run", "--from", odd, "--to", db, "--window", "1m", "--checkpoint", "odd"])).code).toBe(0);
    const first = await readAllWindows(db);
    const r = await runAggregator(["run", "--from", even, "--to", db, "--window", "1m", "--checkpoint", "even"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/written by checkpoint "odd"; checkpoint "even" may not overwrite it/);
    expect(r.stderr).not.toMatch(/run the same command again/);
    expect(await readAllWindows(db)).toEqual(first);
    expect(await checkpointPosition(db, "even")).toBe(undefined);
    // The same aggregation replayed still upserts.
    const again = await runAggregator(["run", "--from", odd, "--to", db, "--window", "1m", "--checkpoint", "odd"]);
    expect(again.code, again.stderr).toBe(0);
  });

  it("keeps window sizes apart: a checkpoint refuses another --window naming --checkpoint, and a second checkpoint adds 5s windows beside the 1m ones", async () => {
    const dir = await makeTempDir();
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    expect((await runAggregator(["run", "--from", REFERENCE_DATA, "--to", db, "--window", "1m", "--checkpoint", "one-minute"])).code).toBe(0);
    const minutes = await readAllWindows(db);
    const changed = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", db, "--window", "5s", "--checkpoint", "one-minute"]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/give that aggregation its own --checkpoint <name>/);
    const five = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", db, "--window", "5s", "--checkpoint", "five"]);
    expect(five.code, five.stderr).toBe(0);
    expect(await readAllWindows(db, 60_000)).toEqual(minutes);
    expect(await readAllWindows(db, 5_000)).toHaveLength(17_768);
  });

  it("sets malformed rows aside with their line, and aggregates the valid ones around them", async () => {
    const dir = await makeTempDir();
    const csv = join(dir, "data.csv");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(csv, "TS,Device,Sensor,Value\n2018-08-28 23:00:01.000,1,1,10\n2018-08-28 23:00:02.000,1,1,abc\nnot a row\n2018-08-28 23:00:03.000,1,1,20\n"),
    );
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    const r = await runAggregator(["run", "--from", csv, "--to", db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/data\.csv:3: .*Value/);
    expect(r.stderr).toMatch(/data\.csv:4/);
    expect(r.stdout).toMatch(/malformed 2/);
    const windows = await readAllWindows(db);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ count: 2, mean: 15, min: 10, max: 20 });
  });

  it("rejects a bad --to URL and a missing --from file with exit code 2, naming them", async () => {
    const dir = await makeTempDir();
    const badUrl = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", "oracle://db"]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--to: .*oracle:\/\/db/);
    const missing = await runAggregator(["run", "--from", join(dir, "nope.csv"), "--to", `sqlite:${join(dir, "a.db")}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from: .*nope\.csv does not exist/);
    const badWindow = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", `sqlite:${join(dir, "a.db")}`, "--window", "soon"]);
    expect(badWindow.code).toBe(2);
    expect(badWindow.stderr).toMatch(/--window: "soon" is not a duration/);
  });
});

describe("aggregator run: killed and restarted", () => {
  // Out of order by up to ~3 s, one reading in 40 delivered twice: the engine's state (reorder buffer,
  // duplicate memory, open windows) matters at every checkpoint.
  const flags = ["--out-of-order", "5s", "--late-arrival", "5s"];

  it.each([1, 3])("SIGKILL after checkpoint %i then a restart gives the tables of an uninterrupted run", async (checkpoints) => {
    const dir = await makeTempDir();
    const csv = join(dir, "messy.csv");
    await writeMessyCsv(csv, 400_000, { shuffleSpan: 500, duplicateEvery: 40 });
    const clean = `sqlite:${join(dir, "clean.db")}`;
    const cleanRun = await runAggregator(["run", "--from", csv, "--to", clean, ...flags]);
    expect(cleanRun.code).toBe(0);
    expect(cleanRun.stdout).toMatch(/duplicates [1-9]/);

    const killed = `sqlite:${join(dir, "killed.db")}`;
    const name = `aggregator:${csv}`;
    const run = startAggregator(["run", "--from", csv, "--to", killed, ...flags]);
    const seen = new Set<string>();
    while (seen.size < checkpoints) {
      const position = await checkpointPosition(killed, name);
      if (position) seen.add(position);
      const exited = await Promise.race([run.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 5))]);
      if (exited) throw new Error("the aggregator finished before it could be killed: make the input bigger");
    }
    run.child.kill("SIGKILL");
    expect((await run.done).signal).toBe("SIGKILL");
    const restarted = await runAggregator(["run", "--from", csv, "--to", killed, ...flags]);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/continued from csv:/);
    const [a, b] = await Promise.all([readAllWindows(clean), readAllWindows(killed)]);
    expect(b.length).toBe(a.length);
    expect(b).toEqual(a);
  }, 120_000);
});
