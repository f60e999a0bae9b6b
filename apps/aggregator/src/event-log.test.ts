import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Reading } from "@fleetscore/contracts";
import { parseReadingTimestamp } from "@fleetscore/contracts";
import { LocalEventLog } from "@fleetscore/event-transport";
import { beforeAll, describe, expect, it } from "vitest";
import { readAllWindows } from "./test-fixtures/read-windows.js";
import { REFERENCE_DATA, assertBuilt, makeTempDir, runAggregator, startAggregator } from "./test-fixtures/run-aggregator.js";

beforeAll(() => assertBuilt());

async function referenceReadings(): Promise<Reading[]> {
  const lines = (await readFile(REFERENCE_DATA, "latin1")).trim().split("\n").slice(1);
  return lines.map((l) => {
    const [ts, deviceId, sensorId, value] = l.split(",");
    return { deviceId: deviceId!, sensorId: sensorId!, ts: new Date(parseReadingTimestamp(ts!)).toISOString(), value: Number(value) };
  });
}

/** Appends readings as a live fleet would send them: each enqueued `delayMs` after its event time. */
async function appendLive(log: LocalEventLog, readings: readonly Reading[], clock: { now: number }, delayMs: number): Promise<void> {
  for (let i = 0; i < readings.length; ) {
    const ts = readings[i]!.ts;
    let j = i;
    while (j < readings.length && readings[j]!.ts === ts) j++;
    clock.now = Date.parse(ts) + delayMs;
    await log.append(readings.slice(i, j));
    i = j;
  }
}

describe("aggregator run: the simulator's local event log", () => {
  it("keeps the open windows in its checkpoint between runs and ends with the same windows as a CSV replay", async () => {
    const dir = await makeTempDir();
    const path = join(dir, "events.db");
    const clock = { now: 0 };
    const log = await LocalEventLog.open(path, { clock: () => clock.now });
    const readings = await referenceReadings();
    const half = 9_000;
    await appendLive(log, readings.slice(0, half), clock, 1_000);

    const db = `sqlite:${join(dir, "aggregates.db")}`;
    const first = await runAggregator(["run", "--from", path, "--to", db]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const afterFirst = await readAllWindows(db);
    // The watermark (largest arrival - 5 s late-arrival tolerance) has not passed the last windows yet.
    expect(afterFirst.length).toBeGreaterThan(half - 50);
    expect(afterFirst.length).toBeLessThan(half);

    await appendLive(log, readings.slice(half), clock, 1_000);
    await log.close();
    const second = await runAggregator(["run", "--from", `eventlog:${path}`, "--to", db, "--close-windows"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/continued from v1:/);
    expect(second.stdout).toMatch(/late adjusted 0/);

    const replay = `sqlite:${join(dir, "replay.db")}`;
    expect((await runAggregator(["run", "--from", REFERENCE_DATA, "--to", replay])).code).toBe(0);
    expect(await readAllWindows(db)).toEqual(await readAllWindows(replay));
  }, 60_000);

  it("adjusts a reading that arrives later than the late-arrival tolerance to arrival - tolerance, and counts it", async () => {
    const dir = await makeTempDir();
    const path = join(dir, "events.db");
    const clock = { now: Date.parse("2026-01-01T00:01:00.000Z") };
    const log = await LocalEventLog.open(path, { clock: () => clock.now });
    // Sent at 00:00:01, arrived a minute later: Stream Analytics moves it to 00:00:55 (arrival - 5 s).
    await log.append([{ deviceId: "d1", sensorId: "s1", ts: "2026-01-01T00:00:01.000Z", value: 3 }]);
    await log.close();
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    const r = await runAggregator(["run", "--from", path, "--to", db, "--close-windows"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/late adjusted 1/);
    const windows = await readAllWindows(db);
    expect(windows).toHaveLength(1);
    expect(new Date(windows[0]!.windowEndMs).toISOString()).toBe("2026-01-01T00:00:55.000Z");

    const dropped = `sqlite:${join(dir, "dropped.db")}`;
    const d = await runAggregator(["run", "--from", path, "--to", dropped, "--close-windows", "--on-late", "drop"]);
    expect(d.stdout).toMatch(/late dropped 1/);
    expect(await readAllWindows(dropped)).toHaveLength(0);
  });

  it("with --follow, closes windows as live readings arrive and stops cleanly on SIGTERM", async () => {
    const dir = await makeTempDir();
    const path = join(dir, "events.db");
    const log = await LocalEventLog.open(path);
    const db = `sqlite:${join(dir, "aggregates.db")}`;
    const run = startAggregator(["run", "--from", path, "--to", db, "--follow", "--window", "1s", "--late-arrival", "1s"]);
    const start = Date.now();
    for (let i = 0; i < 6; i++) {
      await log.append([{ deviceId: "d1", sensorId: "s1", ts: new Date().toISOString(), value: i }]);
      await new Promise((r) => setTimeout(r, 400));
    }
    // No new events now: the idle arrival clock alone must close the last windows.
    let windows = await readAllWindows(db).catch(() => []);
    while (windows.reduce((n, w) => n + w.count, 0) < 6 && Date.now() - start < 20_000) {
      await new Promise((r) => setTimeout(r, 200));
      windows = await readAllWindows(db).catch(() => []);
    }
    expect(windows.reduce((n, w) => n + w.count, 0)).toBe(6);
    run.child.kill("SIGTERM");
    const r = await run.done;
    await log.close();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/readings 6 /);
  }, 60_000);
});
