import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import type { PipelineConfig } from "@fleetscore/scheduling";
import { makeTempDir, modelsWithOneCorrupt, monitor, REFERENCE_DATA, SCORER_MAIN } from "./test-fixtures/runs.js";

// A real run store made by the scheduler's run-once with the real scorer CLI: 2 shards, a corrupt model
// beyond --max-failed-models 0: its shard fails both attempts (exit 3) and the run is failed.
let dir: string;
let configFile: string;
const RUN_ID = "ref-20261125T1400Z";
const QUEUED = "ref-20261125T1500Z";

beforeAll(async () => {
  // Imported as the monitor does, lazily (only a --config loads the scheduler's and publisher's code).
  const { openRunStore, parseSchedulerConfig, ProcessExecutor, Scheduler } = await import("@fleetscore/scheduling");
  dir = await makeTempDir();
  const pipeline = {
    name: "ref",
    models: await modelsWithOneCorrupt(dir),
    data: { source: REFERENCE_DATA },
    output: join(dir, "out"),
    shards: 2,
    workersPerShard: 0,
    retries: { maxAttempts: 2, backoff: "0s" },
    executor: { kind: "process", scorer: SCORER_MAIN },
    trigger: { type: "recurrence", frequency: "hour", interval: 1 },
  };
  const text = JSON.stringify({ runStore: `sqlite:${join(dir, "runs.db")}`, logDir: join(dir, "logs"), pipelines: [pipeline] });
  configFile = join(dir, "scheduler.json");
  await writeFile(configFile, text);
  const config = parseSchedulerConfig(text, configFile);
  const store = await openRunStore(config.runStore);
  const scheduler = new Scheduler(config, { store, executorFor: (p: PipelineConfig) => new ProcessExecutor(p.executor as Extract<PipelineConfig["executor"], { kind: "process" }>, { ...process.env, FLEETSCORE_LOG_LEVEL: "info" }) });
  const run = await scheduler.runOnce("ref", { at: new Date("2026-11-25T14:00:00Z") });
  expect(run.status).toBe("failed");
  // A run the store has queued: no file written yet.
  await store.createRun({ runId: QUEUED, pipeline: "ref", scheduledAt: new Date("2026-11-25T15:00:00Z"), shardCount: 2, output: join(dir, "out", QUEUED) });
  await store.close();
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the scheduler's run store as a source (--config)", () => {
  it("runs lists the store's runs too, the queued one that wrote no file in progress", async () => {
    const r = await monitor(["runs", "--config", configFile, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout) as { runId: string; status: string }[];
    expect(runs.map((x) => [x.runId, x.status])).toEqual(expect.arrayContaining([[QUEUED, "in progress"], [RUN_ID, "failed"]]));
    const without = await monitor(["runs", "--out", join(dir, "out"), "--json"]);
    expect((JSON.parse(without.stdout) as { runId: string }[]).map((x) => x.runId)).not.toContain(QUEUED);
  });

  it("show names each shard's attempts, exit code, error and log, and reads the shard logs itself", async () => {
    const r = await monitor(["show", "--config", configFile, RUN_ID]);
    expect(r.stdout).toMatch(/scheduler run store sqlite:.*: failed/);
    expect(r.stdout).toMatch(/shard \d\/2: failed, attempts 2, exit 3: .*\(log .*shard-\d-of-2\.log\)/);
    expect(r.stdout).toMatch(/model_1_4|1_4/);
    expect(r.stdout).toMatch(/log .*shard-\d-of-2\.log:\d+/); // the failure's log line, from the store's log paths
    expect(r.code).toBe(3); // the shards wrote their manifests and the merged one says failed
    expect((await monitor(["show", "--config", configFile, QUEUED])).code).toBe(4);
    expect((await monitor(["show", "--config", configFile, "ref-20991231T0000Z"])).code).toBe(2);
  });

  it("a bad config is a usage error naming the file", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ pipelines: [] }));
    const r = await monitor(["runs", "--config", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.json");
  });
});

describe("Azure ML job status (a config with an azure section) against a local ARM server", () => {
  it("shows the pipeline job of the run and its child jobs with their state", async () => {
    const { AML_API_VERSION, loadPublisherConfig } = await import("@fleetscore/pipeline-publisher");
    const { LocalArmServer } = await import("@fleetscore/pipeline-publisher/testing");
    const server = await LocalArmServer.start({ apiVersion: AML_API_VERSION });
    try {
      const example = join(import.meta.dirname, "../../../libs/pipeline-publisher/examples/azure-ml.example.yaml");
      const azure = (await loadPublisherConfig(example)).azure;
      const file = join(dir, "publisher.json");
      const scheduler = JSON.parse(await readFile(configFile, "utf8")) as object;
      await writeFile(file, JSON.stringify({ ...scheduler, azure }));
      const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
      const base = `/subscriptions/${azure.subscriptionId}/resourceGroups/${azure.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${azure.workspace}/jobs`;
      const job = (name: string, props: Record<string, unknown>) => server.resources.set(`${base}/${name}`.toLowerCase(), { name, id: `${base}/${name}`, properties: { jobType: "Pipeline", experimentName: azure.experimentName, ...props } });
      job(RUN_ID, { status: "Running" });
      job("step-a", { status: "Completed", displayName: "score_shard_0", properties: { "azureml.pipelinerunid": RUN_ID } });
      job("step-b", { status: "Failed", displayName: "score_shard_1", properties: { "azureml.pipelinerunid": RUN_ID } });
      job("other", { status: "Completed", properties: { "azureml.pipelinerunid": "someone-else" } });
      const r = await monitor(["show", "--config", file, RUN_ID], {}, { credential, client: { endpoint: server.endpoint, trustedCa: server.certificate, retryDelayInMs: 10 } });
      expect(r.stdout).toMatch(/Azure ML .*: Running: pipeline job ref-20261125T1400Z: 2 child job\(s\)/);
      expect(r.stdout).toMatch(/score_shard_0: Completed \(log https:\/\/ml\.azure\.com\/runs\/step-a/);
      expect(r.stdout).toMatch(/score_shard_1: Failed/);
      expect(r.stdout).not.toMatch(/^\s+other:/m);
      expect(r.code).toBe(3); // _manifest.json decides: failed
      expect(server.requests.every((q) => q.authorization === "Bearer test-token")).toBe(true);
    } finally {
      await server.close();
    }
  });
});
