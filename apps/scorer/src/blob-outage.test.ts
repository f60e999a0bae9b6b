import { spawn, type ChildProcess } from "node:child_process";
import { readFile, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort } from "@fleetscore/sql-aggregates/testing";
import { openBlobStore } from "@fleetscore/storage/azure";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, assertBuilt, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";

/** Azurite's public development account key (documented by Microsoft; not a secret). */
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
let tmp: string;
let port: number;
let azurite: ChildProcess | undefined;

/** Azurite on a fixed port with its data on disk, so it can be stopped and started again. */
async function startAzurite(): Promise<void> {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("azurite/package.json");
  const main = join(dirname(pkgPath), (JSON.parse(await readFile(pkgPath, "utf8")) as { bin: Record<string, string> }).bin["azurite-blob"]!);
  const child = spawn(process.execPath, [main, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", join(tmp, "azurite"), "--skipApiVersionCheck", "--loose", "--disableTelemetry"], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Azurite did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (/successfully listens/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
  });
  azurite = child;
}

async function stopAzurite(): Promise<void> {
  const child = azurite;
  azurite = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // SIGTERM: Azurite saves its metadata on the way out (a SIGKILL can lose the container itself).
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  assertBuilt();
  tmp = await makeTempDir();
  port = await freePort();
  await startAzurite();
}, 60_000);
afterAll(async () => {
  await stopAzurite();
  await rm(tmp, { recursive: true, force: true });
});

describe("Blob output when Azurite goes away mid-run", () => {
  it("fails with a clear error, shows no partial prediction blob, and --resume then completes the run", async () => {
    const accountUrl = `http://127.0.0.1:${port}/devstoreaccount1`;
    const env = { AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${accountUrl};` };
    const out = `${accountUrl}/outage`;
    const args = ["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "o", "--retries", "2"];

    const clean = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", join(tmp, "folder"), "--run-id", "o"]);
    expect(clean.code, clean.stderr).toBe(0);

    // Stop Azurite once the run is under way (the output container exists, no prediction is uploaded yet),
    // with the scorer frozen meanwhile: the outage falls mid-run however fast or loaded the machine is, so
    // the run needs no long input to leave time for it.
    let stopping: Promise<void> | undefined;
    const failed = await runScorer(args, { ...env, FLEETSCORE_LOG_LEVEL: "info" }, {
      onStderr: (text, child) => {
        if (!stopping && text.includes('"msg":"run planned"')) {
          child.kill("SIGSTOP");
          stopping = stopAzurite().finally(() => child.kill("SIGCONT"));
        }
      },
    });
    await stopping;
    expect(stopping, "Azurite was stopped during the run").toBeDefined();
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/Cannot upload http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/outage/);
    expect(failed.stderr).not.toContain(KEY);

    await startAzurite();
    const store = await openBlobStore(out, { env });
    const seen: string[] = [];
    for await (const item of store.list("o/")) seen.push(item.name);
    expect(seen).not.toContain("o/_manifest.json");
    // Whatever is visible is complete: byte for byte the clean run's file.
    // The failed scorer's writer lease (it could not release it with Azurite gone) is no run file.
    for (const name of seen.filter((n) => !n.startsWith("o/_lease"))) {
      const local = await readFile(join(tmp, "folder", "o", name.slice(2)));
      expect(Buffer.from(await store.get(name)).equals(local), name).toBe(true);
    }

    const resumed = await runScorer([...args, "--resume"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const names = (await readdir(join(tmp, "folder", "o"))).filter((n) => n.startsWith("preds_"));
    expect(names).toHaveLength(15);
    for (const n of names) {
      expect(Buffer.from(await store.get(`o/${n}`)).equals(await readFile(join(tmp, "folder", "o", n))), n).toBe(true);
    }
    expect(JSON.parse(Buffer.from(await store.get("o/_manifest.json")).toString("utf8")).totals).toMatchObject({ scored: 15, failed: 0 });
    // Three scorer processes and an Azurite restart: a last guard only (on a saturated 2-core machine the
    // process starts alone can take over 30 s); the order of events is fixed by the freeze above, not by time.
  }, 120_000);
});
