#!/usr/bin/env node
/**
 * `npm run bench:ingest`: the ingestion path's throughput on this machine. Starts Azurite (in memory, free
 * port) and the local Event Hubs peer (free port), then measures with the built CLIs:
 *   1. simulator -> local event log (events/s),
 *   2. simulator -> local Event Hubs peer (events/s, the real @azure/event-hubs SDK over a socket),
 *   3. aggregator <- the peer (events/s, Blob checkpoints on Azurite, windows into SQLite).
 * Usage: node tools/bench/ingest-bench.mjs [--events N] [--devices N]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { ROOT, azuriteBlobMain, builtMain } from "./bench-paths.mjs";
import { machineInfo } from "./machine-info.mjs";

const { values } = parseArgs({ options: { events: { type: "string", default: "50000" }, devices: { type: "string", default: "100" } } });
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="; // Azurite's public dev key

const build = spawnSync("npx", ["nx", "run-many", "-t", "build", "-p", "simulator", "aggregator", "eventhubs-peer", "--outputStyle=static"], { cwd: ROOT, stdio: "ignore" });
if (build.status !== 0) throw new Error("building the simulator, the aggregator and the peer failed");
const simulator = builtMain("apps/simulator");
const aggregator = builtMain("apps/aggregator");

const work = await mkdtemp(join(tmpdir(), "fleetscore-ingest-bench-"));
const children = [];
/** Starts a long-running process and resolves with the first stdout/stderr match of `pattern`. */
function serve(args, pattern) {
  const child = spawn(process.execPath, args, { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((res, rej) => {
    let out = "";
    const on = (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) res(m);
    };
    child.stdout.on("data", on);
    child.stderr.on("data", on);
    child.once("exit", (code) => rej(new Error(`${args[0]} exited with ${code}:\n${out}`)));
  });
}

try {
  const [, azuritePort] = await serve([azuriteBlobMain(), "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry"], /successfully listens on https?:\/\/[^:\s]+:(\d+)/);
  const [line] = await serve([builtMain("libs/eventhubs-peer"), "--port", "0", "--partitions", "4"], /Endpoint=\S+/);
  const accountUrl = `http://127.0.0.1:${azuritePort}/devstoreaccount1`;
  const env = {
    PATH: process.env.PATH,
    FLEETSCORE_LOG_LEVEL: "warning",
    EVENTHUB_CONNECTION_STRING: line.split(";EntityPath=")[0],
    AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${accountUrl};`,
  };
  const run = (args) => {
    const r = spawnSync(process.execPath, args, { cwd: work, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(" ")} failed (${r.status}):\n${r.stderr}`);
    return r.stdout;
  };
  const rate = (text, re) => Number(re.exec(text)?.[1]);
  const sim = ["run", "--count", values.events, "--devices", values.devices, "--sensors", "5", "--start", "2024-01-01T00:00:00Z", "--anomaly-rate", "0"];
  const toLog = run([simulator, ...sim, "--to", `eventlog:${join(work, "events.db")}`]);
  const toPeer = run([simulator, ...sim, "--to", "eventhubs:readings"]);
  const fromPeer = run([aggregator, "run", "--from", "eventhubs:readings", "--consumer-group", "bench", "--checkpoints", `${accountUrl}/checkpoints`, "--to", `sqlite:${join(work, "aggregates.db")}`, "--close-windows"]);
  const rows = [
    ["simulator -> local event log", rate(toLog, /sent \d+ \((\d+)\/s\)/)],
    ["simulator -> local Event Hubs peer", rate(toPeer, /sent \d+ \((\d+)\/s\)/)],
    ["aggregator <- local Event Hubs peer (into SQLite)", rate(fromPeer, /readings \d+ \((\d+)\/s\)/)],
  ];
  const m = machineInfo();
  console.log(`ingest bench: ${values.events} events, ${values.devices} devices x 5 sensors; ${m.cpu}, ${m.cores} cores, node ${m.node}, load ${m.loadAverage1m}`);
  for (const [what, perSecond] of rows) console.log(`  ${what.padEnd(50)} ${perSecond.toLocaleString("en-US").padStart(10)} events/s`);
} finally {
  for (const c of children) c.kill("SIGTERM");
  await rm(work, { recursive: true, force: true });
}
