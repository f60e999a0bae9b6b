import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalEventLog, type EventLogConsumer } from "@fleetscore/event-transport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAggregationError } from "../pipeline/aggregation-error.js";
import { eventLogReadingSource } from "./event-log-reading-source.js";
import { openReadingSource } from "./open-reading-source.js";
import type { ReadingBatch } from "./reading-source.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleetscore-aggregation-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const reading = (i: number) => ({ deviceId: `d${i % 3}`, sensorId: "s1", ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), value: i });

async function collect(batches: AsyncIterable<ReadingBatch>): Promise<ReadingBatch[]> {
  const out: ReadingBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

describe("eventLogReadingSource", () => {
  it("gives events that arrived together in event-time order, so a simulated send is not taken for out-of-order events", async () => {
    const log = await LocalEventLog.open(join(dir, "events.db"), { partitionCount: 4 });
    // One append: one arrival time for every event, which the log orders by partition (devices hash apart).
    await log.append(Array.from({ length: 30 }, (_, i) => reading(i)));
    const batches = await collect(eventLogReadingSource(log, { location: "events.db" }).read(undefined));
    const times = batches.flatMap((b) => b.readings.map((r) => r.eventTimeMs));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    await log.close();
  });


  it("reads any EventLogConsumer (here the local log) and resumes after the position of a batch", async () => {
    const log = await LocalEventLog.open(join(dir, "events.db"));
    await log.append([0, 1, 2].map(reading));
    let closed = 0;
    // Only the consumer side is given: an Event Hubs consumer plugs in the same way.
    const consumer: EventLogConsumer = log;
    const source = eventLogReadingSource(consumer, { location: "events.db", close: async () => void closed++ });
    expect([source.location, source.finite]).toEqual(["events.db", false]);

    const first = await collect(source.read(undefined));
    // One append shares one enqueued time: the log orders its events by partition then.
    const values = (batches: ReadingBatch[]): number[] => batches.flatMap((b) => b.readings.map((r) => r.value)).sort();
    expect(values(first)).toEqual([0, 1, 2]);
    expect(first.flatMap((b) => b.readings).find((r) => r.value === 0)).toMatchObject({ deviceId: "d0", sensorId: "s1", eventTimeMs: Date.UTC(2026, 0, 1) });

    await log.append([3, 4].map(reading));
    const next = await collect(source.read(first.at(-1)!.position));
    expect(values(next)).toEqual([3, 4]);
    await source.close();
    expect(closed).toBe(1);
    await log.close();
  });
});

describe("openReadingSource", () => {
  it("opens a SQLite file as the local event log and any other file as a CSV replay", async () => {
    const log = await LocalEventLog.open(join(dir, "events.db"));
    await log.append([reading(0)]);
    await log.close();
    const fromLog = await openReadingSource(join(dir, "events.db"));
    expect(fromLog.finite).toBe(false);
    expect((await collect(fromLog.read(undefined))).flatMap((b) => b.readings)).toHaveLength(1);
    await fromLog.close();

    await writeFile(join(dir, "r.csv"), "TS,Device,Sensor,Value\n2026-01-01 00:00:01,d1,s1,1.5\n");
    const fromCsv = await openReadingSource(join(dir, "r.csv"));
    expect(fromCsv.finite).toBe(true);
    await fromCsv.close();
  });

  it("names a missing file with AggregationError InvalidSource", async () => {
    const missing = join(dir, "nope.csv");
    const error = await openReadingSource(missing).catch((e: unknown) => e);
    expect(isAggregationError(error) && error.code).toBe("InvalidSource");
    expect((error as Error).message).toContain(missing);
  });
});
