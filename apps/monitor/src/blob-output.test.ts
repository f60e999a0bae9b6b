import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { makeTempDir, modelsWithOneCorrupt, monitor, scoreReference } from "./test-fixtures/runs.js";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteAccountUrl: string;
    azuriteConnectionString: string;
  }
}

// The scorer writes its runs as blobs into a container on Azurite (started by libs/storage's globalSetup);
// the monitor reads them through @fleetscore/storage's BlobStore with the account key of the connection string.
const env = (): Record<string, string> => ({ AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });
let dir: string;
let out: string;

beforeAll(async () => {
  dir = await makeTempDir();
  out = `${inject("azuriteAccountUrl")}/m${randomBytes(6).toString("hex")}/runs`;
  const models = await modelsWithOneCorrupt(dir);
  expect((await scoreReference(out, "b-failed", { models, env: env() })).code).toBe(3);
  expect((await scoreReference(out, "b-shard", { extra: ["--shard", "1/2"], env: env() })).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a Blob output (Azurite)", () => {
  it("lists, shows and reports runs stored as blobs, with the same statuses and exit codes as a folder", async () => {
    const runs = await monitor(["runs", "--out", out], { env: env() });
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/^b-shard\s+in progress\s+1\/2\s/m);
    expect(runs.stdout).toMatch(/^b-failed\s+failed\s+1\/1\s+14\s+1\s/m);

    const failed = await monitor(["show", "--out", out, "b-failed"], { env: env() });
    expect(failed.code).toBe(3);
    expect(failed.stdout).toContain("1_4: [InvalidModel]");
    expect(failed.stdout).toContain(`recorded in ${out}/b-failed/_manifest.json`);

    const abandoned = await monitor(["show", "--out", out, "b-shard", "--stale-after", "0"], { env: env() });
    expect(abandoned.code).toBe(4);
    expect(abandoned.stdout).toMatch(/abandoned: .*shard\(s\) 0\/2 never finished/);

    const html = join(dir, "b-failed.html");
    const report = await monitor(["report", "--out", out, "b-failed", "--html", html], { env: env() });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(`report of run b-failed (failed) written to ${html}`);
  });

  it("exits 2 for a container that does not exist", async () => {
    const r = await monitor(["runs", "--out", `${inject("azuriteAccountUrl")}/nocontainer${randomBytes(4).toString("hex")}`], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: Cannot list/m);
  });
});
