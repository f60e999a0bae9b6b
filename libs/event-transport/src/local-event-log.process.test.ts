import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReceivedEvent } from "./event-log.js";
import { isAbortError } from "./event-log-error.js";
import { LocalEventLog } from "./local-event-log.js";

const CHILD = resolve(import.meta.dirname, "test-fixtures/append-child.mjs");
const BUILT = resolve(import.meta.dirname, "../dist/index.js");

/** Runs the append script in its own node process; resolves with its stdout, rejects on a non-zero exit. */
function appendFromChild(path: string, writer: string, batches: number, batchSize: number, delayMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CHILD, path, writer, String(batches), String(batchSize), String(delayMs)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`append child ${writer} exited ${code}: ${err}`))));
  });
}

let dir: string;

beforeEach(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npx nx run event-transport:build\` (nx run event-transport:test does it for you)`);
  dir = await mkdtemp(join(tmpdir(), "fleetscore-event-log-proc-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("LocalEventLog across processes (WAL)", () => {
  it("a follower in this process sees everything two other processes append at the same time", async () => {
    const path = join(dir, "events.db");
    const log = await LocalEventLog.open(path);
    const expected = 2 * 25 * 40;
    const controller = new AbortController();
    const received: ReceivedEvent[] = [];
    const reading = (async () => {
      for await (const batch of log.read(undefined, { follow: true, pollIntervalInMs: 5, maxBatchSize: 64, abortSignal: controller.signal })) {
        received.push(...batch.events);
        if (received.length >= expected) controller.abort();
      }
    })().catch((e: unknown) => {
      if (!isAbortError(e)) throw e;
    });
    const outputs = await Promise.all([appendFromChild(path, "a", 25, 40, 2), appendFromChild(path, "b", 25, 40, 2)]);
    expect(outputs).toEqual(["a appended 1000\n", "b appended 1000\n"]);
    await reading;
    await log.close();

    expect(received).toHaveLength(expected);
    // No loss, no duplicate: each partition's sequence numbers are exactly 0..n-1 even with two writers.
    for (const id of ["0", "1", "2", "3"]) {
      const seqs = received.filter((e) => e.partitionId === id).map((e) => e.sequenceNumber);
      expect(seqs).toEqual([...seqs.keys()]);
    }
    for (const writer of ["a", "b"]) {
      const values = received.filter((e) => e.reading.deviceId.startsWith(`${writer}-`)).map((e) => e.reading.value);
      expect(values.sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    }
    // Enqueued times never go back in the order they were received.
    for (let i = 1; i < received.length; i++) expect(received[i]!.enqueuedTimeMs).toBeGreaterThanOrEqual(received[i - 1]!.enqueuedTimeMs);
  });
});
