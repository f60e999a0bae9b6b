import type { Reading } from "@fleetscore/contracts";
import Database from "better-sqlite3";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReceivedEvent, ReceivedEventBatch } from "./event-log.js";
import { isAbortError, isEventLogError, type EventLogErrorCode } from "./event-log-error.js";
import { formatEventPosition, parseEventPosition, type EventPosition } from "./event-position.js";
import { LocalEventLog, type OpenLocalEventLogOptions } from "./local-event-log.js";
import { partitionIdForKey } from "./partition-key.js";

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

/** n readings over `devices` devices and two sensors, one second apart. */
function makeReadings(n: number, { devices = 10, from = 0 }: { devices?: number; from?: number } = {}): Reading[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { deviceId: `dev-${i % devices}`, sensorId: `s${i % 2}`, ts: new Date(T0 + i * 1000).toISOString(), value: i + 0.25 };
  });
}

/** A clock that moves 10 ms each time it is read. */
function steppingClock(start = T0): () => number {
  let now = start;
  return () => (now += 10);
}

async function collect(iterable: AsyncIterable<ReceivedEventBatch>): Promise<ReceivedEventBatch[]> {
  const batches: ReceivedEventBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

const key = (e: ReceivedEvent): string => `${e.partitionId}/${e.sequenceNumber}`;
const flat = (batches: readonly ReceivedEventBatch[]): ReceivedEvent[] => batches.flatMap((b) => b.events);

async function expectEventLogError(promise: Promise<unknown>, code: EventLogErrorCode, message?: RegExp): Promise<Error> {
  const e = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isEventLogError(e) ? e.code : e).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
  return e as Error;
}

let dir: string;
let path: string;
const opened: LocalEventLog[] = [];

async function open(options: OpenLocalEventLogOptions = {}, at = path): Promise<LocalEventLog> {
  const log = await LocalEventLog.open(at, { clock: steppingClock(), ...options });
  opened.push(log);
  return log;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleetscore-event-log-"));
  path = join(dir, "events.db");
});

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
  await rm(dir, { recursive: true, force: true });
});

describe("LocalEventLog append and read", () => {
  it("reads back every appended reading, in order, with partitions, sequence numbers and enqueued times", async () => {
    const log = await open();
    const readings = makeReadings(50);
    const first = await log.append(readings.slice(0, 30));
    const second = await log.append(readings.slice(30));
    // The stepping clock was read once at creation (T0 + 10), then once per append.
    expect(first.enqueuedTimeMs).toBe(T0 + 20);
    expect(second.enqueuedTimeMs).toBe(T0 + 30);
    expect(first.events.map((e) => e.index)).toEqual([...Array(30).keys()]);
    expect(first.deadLettered).toEqual([]);

    const batches = await collect(log.read(undefined));
    expect(batches).toHaveLength(1);
    const events = flat(batches);
    expect(events).toHaveLength(50);
    expect(new Set(events.map((e) => e.reading.value))).toEqual(new Set(readings.map((r) => r.value)));
    // Ordered by enqueued time, then partition, then sequence number; every event where append said it went.
    const sorted = [...events].sort((a, b) => a.enqueuedTimeMs - b.enqueuedTimeMs || Number(a.partitionId) - Number(b.partitionId) || a.sequenceNumber - b.sequenceNumber);
    expect(events).toEqual(sorted);
    const placed = new Map([...first.events, ...second.events.map((e) => ({ ...e, index: e.index + 30 }))].map((e) => [`${e.partitionId}/${e.sequenceNumber}`, e.index]));
    for (const e of events) {
      expect(e.reading).toEqual(readings[placed.get(key(e))!]);
      expect(e.partitionId).toBe(partitionIdForKey(e.reading.deviceId, 4));
      expect(e.enqueuedTimeMs).toBe(e.reading.value < 30 ? T0 + 20 : T0 + 30);
    }
    // Sequence numbers per partition are 0, 1, 2, ... in append order.
    for (const id of log.partitionIds) {
      const seqs = events.filter((e) => e.partitionId === id).map((e) => e.sequenceNumber);
      expect(seqs).toEqual([...seqs.keys()]);
      const values = events.filter((e) => e.partitionId === id).map((e) => e.reading.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    const end = batches[0]!.position;
    expect(end).toEqual((await log.getProperties()).endPosition);
    expect(await collect(log.read(end))).toEqual([]);
  });

  it("keeps ts text exactly, also without milliseconds or with more digits", async () => {
    const log = await open();
    const odd: Reading[] = [
      { deviceId: "a", sensorId: "1", ts: "2024-06-01T12:00:00Z", value: -1.5 },
      { deviceId: "a", sensorId: "1", ts: "2024-06-01T12:00:00.5Z", value: 0 },
      { deviceId: "a", sensorId: "1", ts: "2024-06-01T12:00:00.123456789Z", value: 1e300 },
      { deviceId: "a", sensorId: "1", ts: "2024-06-01T12:00:00.123Z", value: Number.MIN_VALUE },
    ];
    await log.append(odd);
    expect(flat(await collect(log.read(undefined))).map((e) => e.reading)).toEqual(odd);
  });

  it("drops fields outside the Reading contract", async () => {
    const log = await open();
    await log.append([{ ...makeReadings(1)[0]!, extra: "x" } as Reading]);
    const [event] = flat(await collect(log.read(undefined)));
    expect(Object.keys(event!.reading).sort()).toEqual(["deviceId", "sensorId", "ts", "value"]);
  });

  it("resumes from the saved position of every batch with exactly the remaining events", async () => {
    const log = await open({ partitionCount: 3 });
    for (let k = 0; k < 12; k++) await log.append(makeReadings(17 + k, { devices: 7, from: k * 100 }));
    const all = flat(await collect(log.read(undefined, { maxBatchSize: 100_000 })));
    expect(all).toHaveLength(12 * 17 + 66);
    for (const maxBatchSize of [1, 7, 64]) {
      const batches = await collect(log.read(undefined, { maxBatchSize }));
      expect(flat(batches)).toEqual(all);
      let consumed = 0;
      for (const batch of batches) {
        expect(batch.events.length).toBeLessThanOrEqual(maxBatchSize);
        consumed += batch.events.length;
        // Through text, as a consumer would checkpoint it.
        const resumed = flat(await collect(log.read(parseEventPosition(formatEventPosition(batch.position)), { maxBatchSize: 5 })));
        expect(resumed.map(key)).toEqual(all.slice(consumed).map(key));
      }
    }
  });

  it("puts a device on the same partition every time, also after reopening", async () => {
    let log = await open({ partitionCount: 8 });
    const first = await log.append(makeReadings(40, { devices: 40 }));
    await log.close();
    log = await open();
    expect(log.partitionCount).toBe(8);
    const second = await log.append(makeReadings(40, { devices: 40 }));
    for (let i = 0; i < 40; i++) {
      expect(second.events[i]!.partitionId).toBe(first.events[i]!.partitionId);
      expect(second.events[i]!.partitionId).toBe(partitionIdForKey(`dev-${i}`, 8));
    }
    expect(new Set(first.events.map((e) => e.partitionId)).size).toBeGreaterThan(4);
  });

  it("never lets enqueued times go back, even when the clock does", async () => {
    const times = [T0, T0 + 5000, T0 + 1000, T0 + 7000]; // the first is read when the log is created
    const log = await open({ clock: () => times.shift() ?? T0 });
    expect((await log.append(makeReadings(3))).enqueuedTimeMs).toBe(T0 + 5000);
    expect((await log.append(makeReadings(3))).enqueuedTimeMs).toBe(T0 + 5000);
    expect((await log.append(makeReadings(3))).enqueuedTimeMs).toBe(T0 + 7000);
  });

  it("reports partitions, counts and enqueued times", async () => {
    const log = await open({ partitionCount: 2 });
    const empty = await log.getProperties();
    expect(empty).toMatchObject({ location: path, partitionIds: ["0", "1"], eventCount: 0, deadLetterCount: 0, endPosition: { sequenceNumbers: {} } });
    expect(empty.partitions[0]).toEqual({ partitionId: "0", eventCount: 0, isEmpty: true, lastEnqueuedSequenceNumber: -1, firstEnqueuedTimeMs: undefined, lastEnqueuedTimeMs: undefined });
    await log.append(makeReadings(20));
    await log.append(makeReadings(20));
    const props = await log.getProperties();
    expect(props.eventCount).toBe(40);
    expect(props.partitions.reduce((n, p) => n + p.eventCount, 0)).toBe(40);
    for (const p of props.partitions.filter((q) => !q.isEmpty)) {
      expect(p.firstEnqueuedTimeMs).toBe(T0 + 20); // the clock was read once at open (created time)
      expect(p.lastEnqueuedTimeMs).toBe(T0 + 30);
      expect(props.endPosition.sequenceNumbers[p.partitionId]).toBe(p.lastEnqueuedSequenceNumber);
    }
  });

  it("stops quietly when the consumer breaks out of the loop", async () => {
    const log = await open();
    await log.append(makeReadings(100));
    let seen = 0;
    for await (const batch of log.read(undefined, { maxBatchSize: 10, follow: true })) {
      seen += batch.events.length;
      if (seen >= 30) break;
    }
    expect(seen).toBe(30);
  });
});

describe("LocalEventLog follow mode", () => {
  it("sees events appended after it started, and throws AbortError on abort", async () => {
    const log = await open();
    await log.append(makeReadings(5));
    const controller = new AbortController();
    const received: ReceivedEvent[] = [];
    const reading = (async () => {
      for await (const batch of log.read(undefined, { follow: true, abortSignal: controller.signal, pollIntervalInMs: 60_000 })) {
        received.push(...batch.events);
        if (received.length === 5) await log.append(makeReadings(7, { from: 5 })); // appended while reading
        if (received.length === 12) setTimeout(() => controller.abort(), 20);
      }
    })();
    const started = Date.now();
    const error = await reading.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
    // Woken by the in-process append and by the abort, not by the 60 s poll.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(received.map((e) => e.reading.value)).toEqual(expect.arrayContaining(makeReadings(12).map((r) => r.value)));
    expect(received).toHaveLength(12);
  });

  it("hands out events in enqueued-time order also when they arrive between batches", async () => {
    let now = T0;
    const writer = await open({ partitionCount: 2, clock: () => now });
    const reader = await open();
    const onPartition = (id: string, n: number): string[] =>
      Array.from({ length: 200 }, (_, i) => `d${i}`)
        .filter((d) => partitionIdForKey(d, 2) === id)
        .slice(0, n);
    const [a] = onPartition("0", 1);
    const [b] = onPartition("1", 1);
    const reading = (deviceId: string, value: number): Reading => ({ deviceId, sensorId: "s", ts: new Date(T0).toISOString(), value });
    now = T0 + 1;
    await writer.append([0, 1, 2, 3, 4].map((v) => reading(b!, v)));
    now = T0 + 2;
    await writer.append([reading(a!, 100)]);
    // Pages of 2 (4 per batch over 2 partitions): the first batch leaves partition 0's only event unread.
    const batches = reader.read(undefined, { maxBatchSize: 4, follow: true })[Symbol.asyncIterator]();
    const first = (await batches.next()).value as ReceivedEventBatch;
    expect(first.events.map((e) => e.reading.value)).toEqual([0, 1, 2, 3]);
    now = T0 + 3;
    await writer.append([reading(a!, 101)]);
    now = T0 + 4;
    await writer.append([reading(b!, 5)]);
    const second = (await batches.next()).value as ReceivedEventBatch;
    // 101 (T0 + 3) was appended after the first batch but comes before 5 (T0 + 4).
    expect(second.events.map((e) => e.reading.value)).toEqual([4, 100, 101, 5]);
    expect(second.events.map((e) => e.enqueuedTimeMs)).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
    await batches.return?.();
  });

  it("polls for events another connection appends", async () => {
    const writer = await open();
    const reader = await open();
    const controller = new AbortController();
    const received: ReceivedEvent[] = [];
    const reading = (async () => {
      for await (const batch of reader.read(undefined, { follow: true, abortSignal: controller.signal, pollIntervalInMs: 10 })) {
        received.push(...batch.events);
        if (received.length === 30) controller.abort();
      }
    })().catch((e: unknown) => {
      if (!isAbortError(e)) throw e;
    });
    for (let k = 0; k < 3; k++) {
      await writer.append(makeReadings(10, { from: k * 10 }));
      await new Promise((r) => setTimeout(r, 25));
    }
    await reading;
    expect(received.map((e) => e.reading.value).sort((a, b) => a - b)).toEqual(makeReadings(30).map((r) => r.value));
  });

  it("throws AbortError at once when the signal has already fired", async () => {
    const log = await open();
    const controller = new AbortController();
    controller.abort();
    const error = await collect(log.read(undefined, { follow: true, abortSignal: controller.signal })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
    await expect(log.append(makeReadings(1), { abortSignal: controller.signal })).rejects.toThrow(/aborted/);
    expect((await log.getProperties()).eventCount).toBe(0);
  });

  it("fails a follower with Unavailable when the log is closed under it", async () => {
    const log = await open();
    const reading = collect(log.read(undefined, { follow: true, pollIntervalInMs: 60_000 }));
    await new Promise((r) => setTimeout(r, 20));
    await log.close();
    await expectEventLogError(reading, "Unavailable", /is closed/);
    await expectEventLogError(log.append(makeReadings(1)), "Unavailable", /is closed/);
  });
});

describe("LocalEventLog invalid readings", () => {
  it("rejects a batch with an invalid reading, naming index and field, and writes nothing of it", async () => {
    const log = await open();
    await log.append(makeReadings(4));
    const before = await log.getProperties();
    const batch = makeReadings(10, { from: 4 }) as unknown[];
    batch[3] = { deviceId: "dev-1", sensorId: "s1", ts: "2024-02-30T00:00:00Z", value: 1 };
    batch[7] = { deviceId: "dev_1", sensorId: "s1", ts: "2024-06-01T00:00:00Z", value: Number.NaN };
    const error = await expectEventLogError(
      log.append(batch as Reading[]),
      "InvalidEvent",
      /^Invalid reading at index 3 of 10: ts: Invalid ISO datetime \(got "2024-02-30T00:00:00Z"\); 1 more invalid \(indexes 7\); nothing of this batch was written/,
    );
    expect(isEventLogError(error) && error.invalidReadings.map((r) => [r.index, r.field])).toEqual([
      [3, "ts"],
      [7, "deviceId"],
    ]);
    expect(isEventLogError(error) && error.invalidReadings[1]!.message).toMatch(/deviceId: must be 1-64 of .* \(got "dev_1"\); value: .* \(got NaN\)/);
    const after = await log.getProperties();
    expect(after).toEqual(before);
    expect(flat(await collect(log.read(undefined)))).toHaveLength(4);
  });

  it("names the problem of a reading that is not an object or lacks fields", async () => {
    const log = await open();
    await expectEventLogError(log.append([null as unknown as Reading]), "InvalidEvent", /index 0 of 1: reading: .*expected object.* \(got null\)/);
    await expectEventLogError(log.append([{ deviceId: "a", sensorId: "b", ts: "2024-06-01T00:00:00Z" } as Reading]), "InvalidEvent", /value: .* \(got undefined\)/);
    await expectEventLogError(log.append("nope" as unknown as Reading[]), "InvalidArgument", /array of readings/);
  });

  it("sets invalid readings aside as dead letters when asked, and appends the rest", async () => {
    const log = await open();
    const batch = makeReadings(5) as unknown[];
    batch[1] = { deviceId: "d", sensorId: "s", ts: "yesterday", value: 1 };
    const result = await log.append(batch as Reading[], { onInvalid: "deadLetter" });
    expect(result.events.map((e) => e.index)).toEqual([0, 2, 3, 4]);
    expect(result.deadLettered).toEqual([{ index: 1, field: "ts", message: 'ts: Invalid ISO datetime (got "yesterday")' }]);
    expect(flat(await collect(log.read(undefined)))).toHaveLength(4);
    const letters = [];
    for await (const letter of log.readDeadLetters()) letters.push(letter);
    expect(letters).toEqual([{ id: 1, enqueuedTimeMs: result.enqueuedTimeMs, reason: 'ts: Invalid ISO datetime (got "yesterday")', body: batch[1] }]);
    expect((await log.getProperties()).deadLetterCount).toBe(1);
  });

  it("treats an empty append as a no-op", async () => {
    const log = await open();
    const result = await log.append([]);
    expect(result.events).toEqual([]);
    expect((await log.getProperties()).eventCount).toBe(0);
  });
});

describe("LocalEventLog positions and options", () => {
  it("refuses a position for a partition the log lacks, or ahead of the log", async () => {
    const log = await open({ partitionCount: 2 });
    await log.append(makeReadings(10));
    await expectEventLogError(collect(log.read({ sequenceNumbers: { "2": 0 } })), "InvalidPosition", /names partition 2, .* has partitions 0 to 1/);
    const end = (await log.getProperties()).endPosition;
    const [id, last] = Object.entries(end.sequenceNumbers)[0]!;
    const ahead: EventPosition = { sequenceNumbers: { ...end.sequenceNumbers, [id]: last + 1 } };
    await expectEventLogError(collect(log.read(ahead)), "InvalidPosition", /beyond the last event of the log .* was the log recreated/);
    await expectEventLogError(collect(log.read({ sequenceNumbers: { "0": -3 } })), "InvalidPosition");
  });

  it("checks read and open options", async () => {
    const log = await open();
    await expectEventLogError(collect(log.read(undefined, { maxBatchSize: 0 })), "InvalidArgument", /maxBatchSize 0: expected an integer from 1 to 100000/);
    await expectEventLogError(collect(log.read(undefined, { pollIntervalInMs: 0.5 })), "InvalidArgument", /pollIntervalInMs/);
    await expectEventLogError(LocalEventLog.open(join(dir, "x.db"), { partitionCount: 0 }), "InvalidArgument", /partitionCount 0/);
    await expectEventLogError(log.append(makeReadings(1), { onInvalid: "skip" as "reject" }), "InvalidArgument", /onInvalid/);
  });

  it("keeps the partition count a log was created with", async () => {
    await (await open({ partitionCount: 6 })).close();
    await expectEventLogError(LocalEventLog.open(path, { partitionCount: 4 }), "InvalidArgument", /has 6 partitions, not the 4 asked for/);
    expect((await open()).partitionCount).toBe(6);
  });
});

describe("LocalEventLog files", () => {
  it("calls a file of garbage Unavailable, naming the path", async () => {
    const garbage = join(dir, "garbage.db");
    await writeFile(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const error = await expectEventLogError(LocalEventLog.open(garbage), "Unavailable", /not a SQLite database or it is corrupt/);
    expect(error.message).toContain(garbage);
    const tiny = join(dir, "tiny.db");
    await writeFile(tiny, "hello, not a database");
    expect((await expectEventLogError(LocalEventLog.open(tiny), "Unavailable")).message).toContain(tiny);
  });

  it("refuses a SQLite database that is not an event log", async () => {
    const other = join(dir, "other.db");
    const db = new Database(other);
    db.exec("CREATE TABLE window_aggregates (x INTEGER)");
    db.close();
    await expectEventLogError(LocalEventLog.open(other), "Unavailable", /is a SQLite database but not an event log \(it has tables window_aggregates/);
  });

  it("calls a missing folder, or a missing file with createIfNotExists false, Unavailable", async () => {
    const inMissing = join(dir, "no", "such", "events.db");
    expect((await expectEventLogError(LocalEventLog.open(inMissing), "Unavailable")).message).toContain(inMissing);
    await expectEventLogError(LocalEventLog.open(join(dir, "absent.db"), { createIfNotExists: false }), "Unavailable", /does not exist/);
  });

  it("refuses a file written by a newer schema", async () => {
    await (await open()).close();
    const db = new Database(path);
    db.prepare("INSERT INTO event_log_schema (version, applied_time_ms) VALUES (99, 0)").run();
    db.close();
    await expectEventLogError(LocalEventLog.open(path), "SchemaTooNew", /schema version 99; .* reads up to 1/);
  });

  it("uses WAL mode and records its schema version", async () => {
    await (await open()).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version FROM event_log_schema").pluck().all()).toEqual([1]);
    db.close();
  });
});
