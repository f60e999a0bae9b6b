import { randomUUID } from "node:crypto";
import type { Reading } from "@fleetscore/contracts";
import { partitionIdForKey, type EventPosition, type ReceivedEvent, type ReceivedEventBatch } from "@fleetscore/event-transport";
import { requireTestFramework, type TestFramework as BaseTestFramework } from "@fleetscore/test-support";
import type { EventHubsCheckpoints } from "../blob-checkpoints.js";
import type { EventHubsConnection } from "../connection.js";
import { EventHubsConsumer } from "../event-hubs-consumer.js";
import { EventHubsProducer } from "../event-hubs-producer.js";

export type TestFramework = BaseTestFramework<{ toBe(expected: unknown): void; toEqual(expected: unknown): void }>;

export interface EventHubsUnderTest {
  readonly connection: EventHubsConnection;
  /** A fresh checkpoints container (Azurite in our tests); the checkpoint test is skipped without one. */
  readonly openCheckpoints?: () => Promise<EventHubsCheckpoints>;
}

export interface DescribeEventHubsOptions {
  readonly framework: TestFramework;
}

async function collect(batches: AsyncIterable<ReceivedEventBatch>): Promise<ReceivedEventBatch[]> {
  const out: ReceivedEventBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

/** Readings of devices unique to this run, so the suite also runs on a real (non-empty) hub. */
function readings(run: string, devices: number, perDevice: number): Reading[] {
  const out: Reading[] = [];
  for (let k = 0; k < perDevice; k++) {
    for (let d = 0; d < devices; d++) out.push({ deviceId: `${run}-d${d}`, sensorId: "s1", ts: new Date(Date.UTC(2024, 0, 1, 0, 0, k)).toISOString(), value: d * 1000 + k });
  }
  return out;
}

const mine = (run: string) => (e: ReceivedEvent): boolean => e.reading.deviceId.startsWith(`${run}-`);

/**
 * The conformance suite of the Event Hubs producer and consumer: runs the real SDK against `open()`'s hub
 * (the local peer, a real namespace or the official emulator).
 */
export function describeEventHubs(name: string, open: () => Promise<EventHubsUnderTest>, options: DescribeEventHubsOptions): void {
  const { describe, it, expect } = requireTestFramework<{ toBe(expected: unknown): void; toEqual(expected: unknown): void }>(
    options?.framework,
    `describeEventHubs("${name}")`,
    `describeEventHubs("${name}", openHub, { framework: { describe, it, expect } })`,
  );
  const setup = async () => {
    const hub = await open();
    const producer = await EventHubsProducer.create(hub.connection);
    const consumer = await EventHubsConsumer.create(hub.connection);
    const start = (await consumer.getProperties()).endPosition;
    return { hub, producer, consumer, start, close: () => Promise.all([producer.close(), consumer.close()]) };
  };

  describe(`Event Hubs transport: ${name}`, () => {
    it("delivers every reading once, on its device's partition, in sequence, with the simulated arrival time when given", async () => {
      const { hub, consumer, start, close } = await setup();
      const run = randomUUID().slice(0, 8);
      const arrival = Date.UTC(2024, 0, 1, 0, 0, 30);
      const simulated = await EventHubsProducer.create(hub.connection, { arrivalTime: () => arrival });
      const sent = readings(run, 7, 30);
      const result = await simulated.append(sent);
      const partitions = (await consumer.getProperties()).partitionIds.length;
      expect(result.events.map((e) => e.partitionId)).toEqual(sent.map((r) => partitionIdForKey(r.deviceId, partitions)));
      const events = (await collect(consumer.read(start, { maxBatchSize: 50 }))).flatMap((b) => b.events).filter(mine(run));
      expect(events.length).toBe(sent.length);
      expect(events.map((e) => JSON.stringify(e.reading)).sort()).toEqual(sent.map((r) => JSON.stringify(r)).sort());
      for (const e of events) {
        expect(e.partitionId).toBe(partitionIdForKey(e.reading.deviceId, partitions));
        expect(e.enqueuedTimeMs).toBe(arrival);
      }
      for (const d of new Set(events.map((e) => e.reading.deviceId))) {
        const values = events.filter((e) => e.reading.deviceId === d).map((e) => e.reading.value);
        expect(values).toEqual([...values].sort((a, b) => a - b));
      }
      await simulated.close();
      await close();
    }, 120_000);

    it("resumes after any batch's position with exactly the events not yet read", async () => {
      const { producer, consumer, start, close } = await setup();
      const run = randomUUID().slice(0, 8);
      await producer.append(readings(run, 5, 40));
      const all = await collect(consumer.read(start, { maxBatchSize: 60 }));
      const key = (e: ReceivedEvent) => `${e.partitionId}/${e.sequenceNumber}`;
      const everything = all.flatMap((b) => b.events).map(key);
      for (const cut of [0, 1, Math.floor(all.length / 2)]) {
        const from: EventPosition = all[cut]!.position;
        const rest = (await collect(consumer.read(from, { maxBatchSize: 60 }))).flatMap((b) => b.events).map(key);
        const before = all.slice(0, cut + 1).flatMap((b) => b.events).map(key);
        expect([...before, ...rest].sort()).toEqual([...everything].sort());
        expect(new Set([...before, ...rest]).size).toBe(everything.length);
      }
      await close();
    }, 120_000);

    it("sets invalid bodies aside with the reason, and delivers the valid ones around them", async () => {
      const { producer, consumer, start, close } = await setup();
      const run = randomUUID().slice(0, 8);
      const good = readings(run, 2, 3);
      const bad = { deviceId: `${run}-d0`, sensorId: "s1", ts: "2024-01-01T25:61:00.000Z", value: 1 } as Reading;
      const result = await producer.append([...good, bad], { onInvalid: "deadLetter" });
      expect(result.deadLettered.length).toBe(1);
      const batches = await collect(consumer.read(start));
      expect(batches.flatMap((b) => b.events).filter(mine(run)).length).toBe(good.length);
      const invalid = batches.flatMap((b) => b.invalid ?? []).filter((i) => (i.body as Reading).deviceId === `${run}-d0`);
      expect(invalid.length).toBe(1);
      expect(/ts: Invalid ISO datetime/.test(invalid[0]!.reason)).toBe(true);
      await close();
    }, 120_000);

    it("follows new events until aborted (AbortError)", async () => {
      const { producer, consumer, start, close } = await setup();
      const run = randomUUID().slice(0, 8);
      const stop = new AbortController();
      const seen: ReceivedEvent[] = [];
      const reading = (async () => {
        for await (const b of consumer.read(start, { follow: true, abortSignal: stop.signal })) {
          seen.push(...b.events.filter(mine(run)));
          if (seen.length >= 10) stop.abort();
        }
      })().catch((e: Error) => e.name);
      await producer.append(readings(run, 2, 5));
      expect(await reading).toBe("AbortError");
      expect(seen.length).toBe(10);
      await close();
    }, 120_000);

    it("writes Blob checkpoints once the next batch is asked for, and a read without a position starts after them", async () => {
      const hub = await open();
      if (!hub.openCheckpoints) return;
      const checkpoints = await hub.openCheckpoints();
      const producer = await EventHubsProducer.create(hub.connection);
      const plain = await EventHubsConsumer.create(hub.connection);
      const start = (await plain.getProperties()).endPosition;
      const consumer = await EventHubsConsumer.create(hub.connection, { checkpoints });
      const run = randomUUID().slice(0, 8);
      await producer.append(readings(run, 3, 20));
      const batches = consumer.read(start, { maxBatchSize: 25 })[Symbol.asyncIterator]();
      const first = await batches.next();
      // Not processed yet (the next batch was not asked for): no checkpoint of it in the fresh container.
      expect(await checkpoints.read(...namespaceOf(consumer))).toBe(undefined);
      const second = await batches.next();
      expect(await checkpoints.read(...namespaceOf(consumer))).toEqual(first.value!.position);
      let last = second.done ? first.value!.position : second.value.position;
      for (let r = await batches.next(); !r.done; r = await batches.next()) last = r.value.position;
      // The iteration ended normally: the last batch was checkpointed too.
      const again = (await collect(consumer.read(undefined))).flatMap((b) => b.events).filter(mine(run));
      expect(again.length).toBe(0);
      const saved = await checkpoints.read(...namespaceOf(consumer));
      expect(saved).toEqual(last);
      await Promise.all([producer.close(), plain.close(), consumer.close()]);
    }, 120_000);
  });
}

function namespaceOf(consumer: EventHubsConsumer): [string, string, string] {
  const [, rest] = consumer.location.split("eventhubs:");
  const slash = rest!.lastIndexOf("/");
  return [rest!.slice(0, slash), rest!.slice(slash + 1), consumer.consumerGroup];
}
