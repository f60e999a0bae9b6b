import { readFile } from "node:fs/promises";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AML_API_VERSION } from "../index.js";
import { LocalArmServer } from "../testing/index.js";
import { runPublisherCli } from "./program.js";

const EXAMPLE = resolve(import.meta.dirname, "../../examples/azure-ml.example.yaml");
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
let server: LocalArmServer;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, abortSignal: new AbortController().signal };
  const code = await runPublisherCli(argv, io, {
    credential,
    client: { endpoint: server.endpoint, trustedCa: server.certificate, pollIntervalInMs: 10, retryDelayInMs: 10 },
    now: () => new Date("2026-12-01T21:07:33Z"),
  });
  return { code, out, err };
}

beforeEach(async () => {
  server = await LocalArmServer.start({ apiVersion: AML_API_VERSION });
});
afterEach(async () => server.close());

describe("fleetscore-publisher", () => {
  it("deploy --dry-run prints the plan and sends nothing", async () => {
    const { code, out } = await cli("deploy", "--dry-run", "--config", EXAMPLE);
    expect(code).toBe(0);
    expect(out).toBe(await readFile(resolve(import.meta.dirname, "../test-fixtures/example.dry-run.json"), "utf8"));
    expect(server.requests).toHaveLength(0);
  });

  it("deploy, deploy again, trigger, status and undeploy", async () => {
    const first = await cli("deploy", "--config", EXAMPLE);
    expect(first.out).toMatch(/^created {3}compute fleetscore-cpu\n/);
    expect(first.out).toContain("deployed schedule fleetscore-reference: 5 of 5 resources written\n");
    expect((await cli("deploy", "--config", EXAMPLE)).out).toContain("0 of 5 resources written");
    expect((await cli("trigger", "--config", EXAMPLE)).out).toBe("submitted: job reference-20261201T2107Z\n");
    expect((await cli("trigger", "--config", EXAMPLE)).out).toBe("already submitted: job reference-20261201T2107Z\n");
    const status = await cli("status", "--config", EXAMPLE);
    expect(status.out).toMatch(/^schedule fleetscore-reference: enabled \(Succeeded\), trigger .*"expression":"0 \* \* \* \*"/);
    expect(status.out).toContain("  reference-20261201T2107Z  NotStarted");
    expect((await cli("undeploy", "--config", EXAMPLE)).out).toBe("schedule fleetscore-reference disabled\n");
    expect((await cli("status", "--config", EXAMPLE)).out).toMatch(/^schedule fleetscore-reference: disabled/);
  });

  it("exits 2 naming the field of a bad config, and 1 naming the resource ARM refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "publisher-cli-"));
    const bad = join(dir, "bad.example.yaml");
    await writeFile(bad, (await readFile(EXAMPLE, "utf8")).replace("shards: 4", "shards: 0"));
    const invalid = await cli("deploy", "--dry-run", "--config", bad);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain(`${bad}: pipelines.0.shards: Too small: expected number to be >0 (got 0)`);

    const missing = await cli("undeploy", "--config", EXAMPLE);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: GET \/subscriptions\/.+\/schedules\/fleetscore-reference failed: 404 ResourceNotFound: The schedule does not exist: deploy it first/);
  });
});
