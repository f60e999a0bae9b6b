import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EventHubsProducer } from "@fleetscore/event-hubs";
import { EventHubsPeer } from "@fleetscore/eventhubs-peer";
import { generateReadings } from "@fleetscore/ingestion-simulator";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { deadLetters, windows } from "./test-fixtures/end-to-end-aggregates.js";
import { REFERENCE_DATA, assertBuilt, makeTempDir, runSimulator, startNode } from "./test-fixtures/run-simulator.js";

const AGGREGATOR = resolve(import.meta.dirname, "../../aggregator/dist/main.js");
const SCORER = resolve(import.meta.dirname, "../../scorer/dist/main.js");
const MODELS = resolve(import.meta.dirname, "../../../data/reference/models");

beforeAll(() => [undefined, AGGREGATOR, SCORER].forEach((m) => assertBuilt(m)));

const peers: EventHubsPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.stop()));
});
async function startPeer(): Promise<EventHubsPeer> {
  const peer = await EventHubsPeer.start({ partitionCount: 4, hubName: "readings" });
  peers.push(peer);
  return peer;
}

const env = (peer: EventHubsPeer) => ({ EVENTHUB_CONNECTION_STRING: peer.connectionString, AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });
const checkpointsUrl = () => `${inject("azuriteAccountUrl")}/checkpoints-${randomUUID().slice(0, 8)}`;
const aggregate = (args: readonly string[], e: NodeJS.ProcessEnv = {}) => startNode(AGGREGATOR, ["run", ...args], e);

describe("simulator -> local Event Hubs peer -> aggregator -> SQLite -> scorer", () => {
  it("gives the windows of the same readings through the local log, late and malformed ones reported, and the scorer scores them", async () => {
    const dir = await makeTempDir();
    const peer = await startPeer();
    const sim = ["--profile-from", REFERENCE_DATA, "--start", "2018-08-28T23:00:00Z", "--duration", "20m", "--seed", "9", "--late-rate", "0.01", "--malformed-rate", "0.01", "--duplicate-rate", "0.01"];
    const sent = await runSimulator(["run", "--to", "eventhubs:readings", ...sim], env(peer));
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/sent \d+ .*per partition: /);
    const viaHub = `sqlite:${join(dir, "hub.db")}`;
    const a = await aggregate(["--from", "eventhubs:readings", "--consumer-group", "aggregator", "--checkpoints", checkpointsUrl(), "--to", viaHub, "--close-windows"], env(peer)).done;
    expect(a.code).toBe(0);

    expect((await runSimulator(["run", "--to", `eventlog:${join(dir, "events.db")}`, ...sim])).code).toBe(0);
    const viaLog = `sqlite:${join(dir, "log.db")}`;
    const b = await aggregate(["--from", `eventlog:${join(dir, "events.db")}`, "--to", viaLog, "--close-windows"]).done;
    expect(b.code).toBe(0);

    const [hub, log] = await Promise.all([windows(viaHub), windows(viaLog)]);
    expect(hub.length).toBe(log.length);
    expect(hub.reduce((n, w) => n + w.count, 0)).toBe(log.reduce((n, w) => n + w.count, 0));
    const late = (out: string) => /late adjusted (\d+)/.exec(out)![1];
    expect(late(a.stdout)).toBe(/late (\d+),/.exec(sent.stdout)![1]);
    expect(late(a.stdout)).toBe(late(b.stdout));
    const malformedSent = Number(/malformed (\d+)/.exec(sent.stdout)![1]);
    expect(malformedSent).toBeGreaterThan(0);
    expect(a.stdout).toMatch(new RegExp(`malformed ${malformedSent} \\(${malformedSent} kept in dead_letters\\),`));
    // Every malformed event is kept with its reason and where it was, once.
    const dead = await deadLetters(viaHub);
    expect(dead.length).toBe(malformedSent);
    expect(new Set(dead.map((d) => d.sourceKey)).size).toBe(malformedSent);
    for (const d of dead) {
      expect(d.sourceKey).toMatch(/^partition \d+ #\d+$/);
      expect(d.reason.length).toBeGreaterThan(0);
      expect(d.checkpointName).toMatch(/eventhubs/);
    }
    expect(a.stdout).toMatch(new RegExp(`duplicates ${/duplicate (\d+)/.exec(sent.stdout)![1]},`));

    const score = await startNode(SCORER, ["score", "--models", MODELS, "--data", viaHub, "--from", "2018-08-28T00:00:00Z", "--to", "2018-08-30T00:00:00Z", "--out", join(dir, "out"), "--run-id", "e2e", "--workers", "0"]).done;
    expect(score.code).toBe(0);
    expect(score.stdout).toMatch(/15 models scored, 0 failed/);
    expect((await readdir(join(dir, "out", "e2e"))).filter((f) => f.startsWith("preds_")).length).toBe(15);
  }, 600_000);

  it("an aggregator killed with SIGKILL mid-stream and restarted ends with the aggregates of an uninterrupted run", async () => {
    const dir = await makeTempDir();
    const peer = await startPeer();
    // 120,000 readings sent in large batches (the aggregator commits every 50,000 events).
    const producer = await EventHubsProducer.create({ connectionString: peer.connectionString, eventHubName: "readings" }, { arrivalTime: () => arrival });
    let arrival = 0;
    let batch: Parameters<typeof producer.append>[0][number][] = [];
    for (const e of generateReadings({ startMs: Date.parse("2024-01-01T00:00:00Z"), count: 120_000, devices: 8, sensors: 5, seed: 4, faults: { duplicate: 0.02, outOfOrder: 0.05 } })) {
      batch.push(e.reading);
      arrival = e.sendAtMs;
      if (batch.length === 10_000) {
        await producer.append(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await producer.append(batch);
    await producer.close();
    const flags = ["--from", "eventhubs:readings", "--close-windows", "--late-arrival", "1h"];

    const clean = `sqlite:${join(dir, "clean.db")}`;
    expect((await aggregate([...flags, "--consumer-group", "clean", "--checkpoints", checkpointsUrl(), "--to", clean], env(peer)).done).code).toBe(0);

    const killed = `sqlite:${join(dir, "killed.db")}`;
    const checkpoints = checkpointsUrl();
    const run = aggregate([...flags, "--consumer-group", "killed", "--checkpoints", checkpoints, "--to", killed], env(peer));
    // Kill it once its first batch is committed (windows in SQL), long before the end.
    for (;;) {
      const n = await windows(killed).then((w) => w.length).catch(() => 0);
      if (n > 0) break;
      const exited = await Promise.race([run.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);
      if (exited) throw new Error("the aggregator finished before it could be killed: send more readings");
    }
    run.child.kill("SIGKILL");
    expect((await run.done).signal).toBe("SIGKILL");
    const restarted = await aggregate([...flags, "--consumer-group", "killed", "--checkpoints", checkpoints, "--to", killed], env(peer)).done;
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/continued from v1:/);
    expect(await windows(killed)).toEqual(await windows(clean));
  }, 600_000);

  it("the peer stopped mid-send: the simulator fails clearly (exit 1, where to resume) and --skip sends the rest, nothing counted twice", async () => {
    const dir = await makeTempDir();
    const peer = await startPeer();
    const sim = ["--start", "2024-01-01T00:00:00Z", "--count", "6000", "--seed", "2"];
    const run = startNode(resolve(import.meta.dirname, "../dist/main.js"), ["run", "--to", "eventhubs:readings", ...sim], env(peer));
    while (Object.values(peer.eventCounts()).reduce((a, b) => a + b, 0) < 300) await new Promise((r) => setTimeout(r, 20));
    const held = peer.eventCounts();
    await peer.stop();
    const failed = await run.done;
    expect(failed.code).toBe(1);
    const skip = Number(/--skip (\d+)/.exec(failed.stderr)?.[1]);
    expect(failed.stderr).toMatch(/error: Sending failed after \d+ events/);
    expect(skip).toBeGreaterThan(0);
    // Everything acknowledged was stored (the failed batch may have been stored in part too).
    expect(skip).toBeLessThanOrEqual(Object.values(held).reduce((a, b) => a + b, 0));

    // The peer keeps events in memory, so a new one stands in for the hub coming back: --skip sends exactly the rest.
    const again = await startPeer();
    const rest = await runSimulator(["run", "--to", "eventhubs:readings", ...sim, "--skip", String(skip)], env(again));
    expect(rest.code).toBe(0);
    expect(rest.stdout).toMatch(new RegExp(`sent ${6000 - skip} .*skipped ${skip}`));
    const db = `sqlite:${join(dir, "a.db")}`;
    const r = await aggregate(["--from", "eventhubs:readings", "--consumer-group", "g", "--checkpoints", checkpointsUrl(), "--to", db, "--close-windows"], env(again)).done;
    expect(r.code).toBe(0);
    expect((await windows(db)).reduce((n, w) => n + w.count, 0)).toBe(6000 - skip);
  }, 600_000);
});
