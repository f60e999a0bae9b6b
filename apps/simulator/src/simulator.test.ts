import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { LocalEventLog, type ReceivedEvent } from "@fleetscore/event-transport";
import { beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, assertBuilt, makeTempDir, runSimulator } from "./test-fixtures/run-simulator.js";

beforeAll(() => assertBuilt());

async function readLog(path: string): Promise<{ events: ReceivedEvent[]; deadLetters: number }> {
  const log = await LocalEventLog.open(path, { createIfNotExists: false });
  const events: ReceivedEvent[] = [];
  for await (const b of log.read(undefined)) events.push(...b.events);
  const { deadLetterCount } = await log.getProperties();
  await log.close();
  return { events, deadLetters: deadLetterCount };
}

describe("simulator run --to eventlog:<file>", () => {
  const flags = ["--count", "3000", "--seed", "5", "--start", "2018-08-28T23:00:00Z", "--anomaly-rate", "0.02", "--late-rate", "0.01", "--duplicate-rate", "0.01", "--malformed-rate", "0.01"];

  it("sends the readings, dead-letters the malformed ones, writes the labels, and does the same again for the same seed", async () => {
    const dir = await makeTempDir();
    const a = await runSimulator(["run", "--to", `eventlog:${join(dir, "a.db")}`, ...flags, "--labels", join(dir, "a.csv")]);
    // Only the event log's warnings about the malformed readings it set aside.
    expect(a.stderr.split("\n").filter((l) => l !== "" && !l.includes("readings set aside as dead letters"))).toEqual([]);
    expect(a.code).toBe(0);
    const sent = Number(/sent (\d+) /.exec(a.stdout)![1]);
    const dead = Number(/dead-lettered (\d+)/.exec(a.stdout)![1]);
    const duplicates = Number(/duplicate (\d+)/.exec(a.stdout)![1]);
    expect(sent).toBe(3000 + duplicates);
    expect(dead).toBeGreaterThan(0);
    expect(a.stdout).toMatch(/simulated 3 devices x 5 sensors \(seed 5\)/);
    const logA = await readLog(join(dir, "a.db"));
    expect(logA.events.length).toBe(sent - dead);
    expect(logA.deadLetters).toBe(dead);
    // Simulated time: arrival is the simulated send time, so the 2018 readings are not 8 years late.
    expect(Math.max(...logA.events.map((e) => e.enqueuedTimeMs - Date.parse(e.reading.ts)))).toBeLessThanOrEqual(66_000); // a late reading (60 s) sent again an interval later
    const labels = (await readFile(join(dir, "a.csv"), "utf8")).trim().split("\n");
    expect(labels[0]).toBe("device,sensor,ts,kind");
    expect(labels.filter((l) => l.endsWith(",anomaly")).length).toBe(Number(/anomaly (\d+)/.exec(a.stdout)![1]));

    const b = await runSimulator(["run", "--to", `eventlog:${join(dir, "b.db")}`, ...flags, "--labels", join(dir, "b.csv")]);
    expect(b.code).toBe(0);
    const logB = await readLog(join(dir, "b.db"));
    expect(JSON.stringify(logB.events.map((e) => [e.partitionId, e.sequenceNumber, e.reading]))).toBe(JSON.stringify(logA.events.map((e) => [e.partitionId, e.sequenceNumber, e.reading])));
    expect(await readFile(join(dir, "b.csv"), "utf8")).toBe(await readFile(join(dir, "a.csv"), "utf8"));
  });

  it("fits the reference data with --profile-from: its 3 devices x 5 sensors, values around each pair's mean", async () => {
    const dir = await makeTempDir();
    const r = await runSimulator(["run", "--to", `eventlog:${join(dir, "e.db")}`, "--profile-from", REFERENCE_DATA, "--duration", "10m", "--anomaly-rate", "0", "--start", "2018-08-28T23:00:00Z"]);
    expect(r.code).toBe(0);
    const { events } = await readLog(join(dir, "e.db"));
    expect(events.length).toBe(120 * 15);
    const reference = (await readFile(REFERENCE_DATA, "latin1")).trim().split("\n").slice(1).map((l) => l.split(","));
    const meanOf = (rows: number[]): number => rows.reduce((a, b) => a + b, 0) / rows.length;
    for (const [d, s] of [["1", "1"], ["3", "5"]] as const) {
      const ref = meanOf(reference.filter((x) => x[1] === d && x[2] === s).map((x) => Number(x[3])));
      const sim = meanOf(events.filter((e) => e.reading.deviceId === d && e.reading.sensorId === s).map((e) => e.reading.value));
      expect(Math.abs(sim - ref)).toBeLessThan(Math.max(1, Math.abs(ref) * 0.1));
    }
  });

  it("rejects bad flags with exit 2 naming them", async () => {
    const dir = await makeTempDir();
    const badTo = await runSimulator(["run", "--to", "kafka:x"]);
    expect(badTo.code).toBe(2);
    expect(badTo.stderr).toMatch(/--to: "kafka:x" is not a target/);
    const both = await runSimulator(["run", "--to", `eventlog:${join(dir, "x.db")}`, "--rate", "10", "--real-time"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--rate: --rate paces simulated time/);
    const rate = await runSimulator(["run", "--to", `eventlog:${join(dir, "x.db")}`, "--late-rate", "3"]);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--late-rate/);
    const csv = await runSimulator(["run", "--to", `eventlog:${join(dir, "x.db")}`, "--profile-from", join(dir, "none.csv")]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/--profile-from: .*none\.csv: the file does not exist/);
  });
});
