/**
 * Throughput of the local event log: append in batches of several sizes, then read everything back with
 * several batch sizes, on a fresh file in the temp folder. Prints events/s and bytes per event.
 *
 *   npx nx run event-transport:build && node libs/event-transport/dist/bench/event-log-bench.js [--events N] [--devices N]
 */
import type { Reading } from "@fleetscore/contracts";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LocalEventLog } from "../local-event-log.js";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, devices: { type: "string", default: "1000" } } });
const total = Number(values.events);
const devices = Number(values.devices);

const start = Date.UTC(2024, 0, 1);
const readings: Reading[] = Array.from({ length: total }, (_, i) => ({
  deviceId: String(1 + (i % devices)),
  sensorId: String(1 + (Math.floor(i / devices) % 4)),
  ts: new Date(start + i * 10).toISOString(),
  value: Math.round(Math.sin(i) * 1e6) / 1e4,
}));

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString("en-US")} events/s`;

async function fileSize(path: string): Promise<number> {
  let size = 0;
  for (const suffix of ["", "-wal"]) size += await stat(path + suffix).then((s) => s.size, () => 0);
  return size;
}

const dir = await mkdtemp(join(tmpdir(), "fleetscore-event-log-bench-"));
try {
  console.log(`event log bench: ${total.toLocaleString("en-US")} readings over ${devices} devices, 4 partitions, node ${process.version}`);
  let path = "";
  for (const batchSize of [100, 1000, 10_000]) {
    path = join(dir, `append-${batchSize}.db`);
    const log = await LocalEventLog.open(path);
    const t = performance.now();
    for (let i = 0; i < total; i += batchSize) await log.append(readings.slice(i, i + batchSize));
    const ms = performance.now() - t;
    await log.close();
    const size = await fileSize(path);
    console.log(`append, batches of ${String(batchSize).padStart(6)}: ${rate(total, ms).padStart(20)}  (${(ms / 1000).toFixed(2)} s, ${(size / total).toFixed(1)} bytes/event on disk)`);
  }
  const log = await LocalEventLog.open(path);
  for (const maxBatchSize of [100, 1000, 10_000]) {
    const t = performance.now();
    let n = 0;
    let checksum = 0;
    for await (const batch of log.read(undefined, { maxBatchSize })) {
      n += batch.events.length;
      for (const e of batch.events) checksum += e.reading.value;
    }
    const ms = performance.now() - t;
    if (n !== total) throw new Error(`read ${n} events, expected ${total}`);
    console.log(`read, maxBatchSize ${String(maxBatchSize).padStart(6)}: ${rate(n, ms).padStart(20)}  (${(ms / 1000).toFixed(2)} s, checksum ${checksum.toFixed(2)})`);
  }
  await log.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
