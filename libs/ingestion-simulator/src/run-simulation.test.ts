import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalEventLog, type EventLogProducer } from "@fleetscore/event-transport";
import { describe, expect, it } from "vitest";
import { LabelsCsvWriter, SimulationClock, generateReadings, runSimulation, type SimulatedEvent } from "./index.js";

const START = Date.parse("2018-08-28T23:00:00.000Z");
const stream = (): Generator<SimulatedEvent> =>
  generateReadings({ startMs: START, durationInMs: 600_000, seed: 3, faults: { late: 0.02, malformed: 0.01, anomaly: 0.02, duplicate: 0.01 } });

async function readAll(log: LocalEventLog) {
  const out = [];
  for await (const b of log.read(undefined)) out.push(...b.events);
  return out;
}

describe("runSimulation into the local event log", () => {
  it("in simulated time, stamps each batch with its simulated send time, so a replay of the past keeps its real lateness", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-sim-"));
    const clock = new SimulationClock();
    const log = await LocalEventLog.open(join(dir, "events.db"), { clock: clock.read });
    const labels = new LabelsCsvWriter(join(dir, "labels.csv"));
    const summary = await runSimulation(stream(), log, { clock, onLabels: (l) => labels.write(l) });
    await labels.commit();
    const expected = [...stream()];
    expect(summary.sent).toBe(expected.length);
    expect(summary.deadLettered).toBe(expected.filter((e) => e.faults.includes("malformed")).length);
    expect(summary.faults.late).toBe(expected.filter((e) => e.faults.includes("late")).length);
    const received = await readAll(log);
    expect(received.length).toBe(summary.sent - summary.deadLettered);
    expect(Object.values(summary.perPartition).reduce((a, b) => a + b, 0)).toBe(received.length);
    const lateKeys = new Set(expected.filter((e) => e.faults.includes("late")).map((e) => `${e.reading.deviceId}/${e.reading.sensorId}/${e.reading.ts}`));
    for (const e of received) {
      const lag = e.enqueuedTimeMs - Date.parse(e.reading.ts);
      const late = lateKeys.has(`${e.reading.deviceId}/${e.reading.sensorId}/${e.reading.ts}`);
      // Batches span at most 1 s of simulated time (plus a duplicate's interval); late events arrive 60 s after.
      if (late) expect(lag).toBeGreaterThanOrEqual(60_000);
      else expect(lag).toBeLessThanOrEqual(6_000);
      expect(lag).toBeGreaterThanOrEqual(0);
    }
    const csv = (await readFile(join(dir, "labels.csv"), "utf8")).trim().split("\n");
    expect(csv[0]).toBe("device,sensor,ts,kind");
    expect(csv.length - 1).toBe(expected.reduce((n, e) => n + e.faults.length, 0));
    await log.close();
  });

  it("fails with SendFailed and the count to resume from; --skip resends exactly the rest", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-sim-"));
    const log = await LocalEventLog.open(join(dir, "events.db"));
    let calls = 0;
    let appended = 0;
    const flaky: EventLogProducer = {
      append: async (readings, options) => {
        if (++calls === 5) throw new Error("hub went away");
        appended += readings.length;
        return log.append(readings, options);
      },
    };
    const error = await runSimulation(stream(), flaky, { maxBatchSize: 100 }).catch((e: unknown) => e as { code: string; sentCount: number; message: string });
    expect(appended).toBeGreaterThan(0);
    expect(error).toMatchObject({ code: "SendFailed", sentCount: appended });
    expect((error as { message: string }).message).toMatch(new RegExp(`hub went away.*--skip ${appended}`));
    const rest = await runSimulation(stream(), log, { skip: appended });
    expect(rest.skipped).toBe(appended);
    const all = [...stream()];
    expect(rest.sent).toBe(all.length - appended);
    const got = (await readAll(log)).map((e) => JSON.stringify(e.reading)).sort();
    const want = all.filter((e) => !e.faults.includes("malformed")).map((e) => JSON.stringify(e.reading)).sort();
    expect(got).toEqual(want);
    await log.close();
  });

  it("holds to a rate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-sim-"));
    const log = await LocalEventLog.open(join(dir, "events.db"));
    const started = performance.now();
    const summary = await runSimulation(generateReadings({ startMs: START, count: 300 }), log, { ratePerSecond: 1000, maxBatchSize: 50 });
    // 300 events at 1000/s: the last batch may not start before 250 ms (a lower bound only: load can only slow it).
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    expect(summary.sent).toBe(300);
    await log.close();
  });
});
