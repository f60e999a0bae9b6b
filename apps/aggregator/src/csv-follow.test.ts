import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { readAllWindows } from "./test-fixtures/read-windows.js";
import { assertBuilt, makeTempDir, runAggregator, startAggregator } from "./test-fixtures/run-aggregator.js";

beforeAll(() => assertBuilt());

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe("aggregator run --follow on a CSV", () => {
  it("aggregates lines appended to the file, waits for a line that is still being written, and stops on SIGTERM", async () => {
    const dir = await makeTempDir();
    const csv = join(dir, "live.csv");
    await writeFile(csv, "TS,Device,Sensor,Value\n2024-01-01 00:00:01.000,1,1,10\n");
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    const run = startAggregator(["run", "--from", csv, "--to", db, "--follow", "--window", "5s"]);
    const windows = () => readAllWindows(db).catch(() => []);

    await appendFile(csv, "2024-01-01 00:00:04.000,1,1,20\n2024-01-01 00:00:06.000,1,1,30\n");
    // The watermark (the largest event time: a CSV has no arrival times) passed 00:00:05: one window closed.
    let seen = await waitFor(windows, (w) => w.length >= 1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ count: 2, mean: 15, min: 10, max: 20 });

    // Half a line: not read until its newline arrives.
    await appendFile(csv, "2024-01-01 00:00:11.000,1,1,4");
    await new Promise((r) => setTimeout(r, 1_500));
    await appendFile(csv, "0\n");
    seen = await waitFor(windows, (w) => w.length >= 2);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ count: 1, mean: 30 });

    run.child.kill("SIGTERM");
    const r = await run.done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/readings 4 /);

    // The restart continues after the last line read: the open window (00:00:10, 00:00:15] holds 40, not 4.
    const again = await runAggregator(["run", "--from", csv, "--to", db, "--window", "5s"]);
    expect(again.code).toBe(0);
    const all = await readAllWindows(db);
    expect(all.map((w) => w.mean)).toEqual([15, 30, 40]);
  }, 60_000);

  it("refuses --follow on a gzip file with exit code 2", async () => {
    const dir = await makeTempDir();
    const gz = join(dir, "data.csv.gz");
    await writeFile(gz, gzipSync("TS,Device,Sensor,Value\n2024-01-01 00:00:01.000,1,1,10\n"));
    const r = await runAggregator(["run", "--from", gz, "--to", `sqlite:${join(dir, "a.db")}`, "--follow"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--follow needs a plain CSV/);
  });
});
