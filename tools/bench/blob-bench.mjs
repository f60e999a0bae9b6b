#!/usr/bin/env node
/**
 * `npm run bench:blob`: Blob storage end to end on a local Azurite (in memory, free port): push the
 * synthetic-2k models as a version, then score synthetic-2k with --models and --out on Azurite, once
 * with an empty model cache (cold: every model downloaded) and once more with the same cache (warm:
 * nothing downloaded). Prints seconds for push, cold run and warm run, and the same run on folders.
 * Usage: node tools/bench/blob-bench.mjs [--fixture DIR] [--workers N]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, SHARED_FIXTURES, azuriteBlobMain, builtMain } from "./bench-paths.mjs";

const { values } = parseArgs({ options: { fixture: { type: "string", default: join(SHARED_FIXTURES, "synthetic-2k") }, workers: { type: "string" } } });
const fixture = resolve(values.fixture);
const data = join(fixture, "sensor_data.csv.gz");
const main = builtMain("apps/scorer");
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="; // Azurite's public dev key

const build = spawnSync("npx", ["nx", "run", "scorer:build", "--outputStyle=static"], { cwd: ROOT, stdio: "ignore" });
if (build.status !== 0) throw new Error("scorer build failed");

const work = await mkdtemp(join(tmpdir(), "fleetscore-blob-bench-"));
const azurite = spawn(process.execPath, [azuriteBlobMain(), "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
const port = await new Promise((res, rej) => {
  let out = "";
  const on = (d) => {
    out += d;
    const m = /successfully listens on https?:\/\/[^:\s]+:(\d+)/.exec(out);
    if (m) res(Number(m[1]));
  };
  azurite.stdout.on("data", on);
  azurite.stderr.on("data", on);
  setTimeout(() => rej(new Error(`Azurite did not start: ${out}`)), 30_000);
});
const accountUrl = `http://127.0.0.1:${port}/devstoreaccount1`;
const env = { ...process.env, FLEETSCORE_LOG_LEVEL: "warning", AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${accountUrl};` };
const workers = values.workers ? ["--workers", values.workers] : [];

function timed(label, args, extraEnv = {}) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [main, ...args], { env: { ...env, ...extraEnv }, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr}`);
  console.log(`${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s`);
  return seconds;
}

try {
  console.log(`blob bench: ${fixture} on Azurite ${accountUrl}; node ${process.version}`);
  const cache = join(work, "cache");
  timed("push models (models push)", ["models", "push", "--from", join(fixture, "models"), "--to", `${accountUrl}/models`]);
  const common = ["score", "--models", `${accountUrl}/models`, "--data", data, ...workers];
  timed("score, cold cache (Blob -> Blob)", [...common, "--out", `${accountUrl}/runs`, "--run-id", "cold"], { FLEETSCORE_MODEL_CACHE_DIR: cache });
  timed("score, warm cache (Blob -> Blob)", [...common, "--out", `${accountUrl}/runs`, "--run-id", "warm"], { FLEETSCORE_MODEL_CACHE_DIR: cache });
  timed("score, folders (for comparison)", ["score", "--models", join(fixture, "models"), "--data", data, ...workers, "--out", join(work, "out"), "--run-id", "folder"]);
} finally {
  azurite.kill("SIGTERM");
  await rm(work, { recursive: true, force: true });
}
