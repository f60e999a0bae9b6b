import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getRunReport, openRunStore, parseSchedulerConfig, ProcessExecutor, Scheduler, type PipelineConfig } from "./index.js";
import { makeTempDir, REFERENCE_DATA, REFERENCE_MODELS, SCORER_MAIN, WRAPPERS } from "./test-fixtures/wrappers.js";

const AT = new Date("2026-11-25T14:00:00Z");
const RUN_ID = "ref-20261125T1400Z";

interface Setup {
  readonly dir: string;
  readonly scheduler: Scheduler;
  readonly store: Awaited<ReturnType<typeof openRunStore>>;
}

/** One pipeline on the reference CSV, 2 shards, through the real scorer (or a wrapper around it). */
async function setup(options: { scorer?: string; models?: string; extra?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Setup> {
  const dir = await makeTempDir("fleetscore-exec-");
  const config = parseSchedulerConfig(
    JSON.stringify({
      runStore: `sqlite:${join(dir, "runs.db")}`,
      logDir: join(dir, "logs"),
      pipelines: [
        {
          name: "ref",
          models: options.models ?? REFERENCE_MODELS,
          data: { source: REFERENCE_DATA },
          output: join(dir, "out"),
          shards: 2,
          workersPerShard: 0,
          retries: { maxAttempts: 2, backoff: "0s" },
          executor: { kind: "process", scorer: options.scorer ?? SCORER_MAIN },
          trigger: { type: "recurrence", frequency: "hour", interval: 1 },
          ...JSON.parse(options.extra ?? "{}"),
        },
      ],
    }),
    "test.json",
  );
  const store = await openRunStore(config.runStore);
  const env = { ...process.env, SCORER_MAIN, FLEETSCORE_LOG_LEVEL: "info", ...options.env };
  const scheduler = new Scheduler(config, { store, executorFor: (p: PipelineConfig) => new ProcessExecutor(p.executor as Extract<PipelineConfig["executor"], { kind: "process" }>, env) });
  return { dir, scheduler, store };
}

const predictions = async (out: string): Promise<Map<string, Buffer>> => {
  const names = (await readdir(out)).filter((n) => n.startsWith("preds_")).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(out, n))] as const)));
};

let reference: Map<string, Buffer>;
beforeAll(async () => {
  const { dir, scheduler, store } = await setup();
  const run = await scheduler.runOnce("ref", { at: AT });
  expect(run).toMatchObject({ runId: RUN_ID, status: "succeeded", totals: { models: 15, scored: 15, failed: 0, rows: 17_768 } });
  reference = await predictions(join(dir, "out", RUN_ID));
  expect(reference.size).toBe(15);
  await store.close();
}, 120_000);

describe("executing a run through the scorer CLI", () => {
  it("runs each shard once, logs it, merges the manifests, and never writes a finished run twice", async () => {
    const { dir, scheduler, store } = await setup();
    await scheduler.runOnce("ref", { at: AT });
    const shards = await store.listShards(RUN_ID);
    expect(shards.map((s) => [s.status, s.attempts, s.exitCode])).toEqual([
      ["succeeded", 1, 0],
      ["succeeded", 1, 0],
    ]);
    expect(await readFile(shards[0]!.logPath!, "utf8")).toMatch(/"msg":"run finished"/);
    const manifest = await readFile(join(dir, "out", RUN_ID, "_manifest.json"), "utf8");
    const again = await scheduler.runOnce("ref", { at: AT });
    expect(again.status).toBe("succeeded");
    expect((await store.listShards(RUN_ID)).map((s) => s.attempts)).toEqual([1, 1]);
    expect(await readFile(join(dir, "out", RUN_ID, "_manifest.json"), "utf8")).toBe(manifest);
    await store.close();
  }, 120_000);

  it("retries a shard that fails, then succeeds, with --resume", async () => {
    const flaky = await makeTempDir("fleetscore-flaky-");
    const { dir, scheduler, store } = await setup({ scorer: join(WRAPPERS, "flaky-scorer.mjs"), env: { FLAKY_DIR: flaky } });
    const run = await scheduler.runOnce("ref", { at: AT });
    expect(run.status).toBe("succeeded");
    const shards = await store.listShards(RUN_ID);
    expect(shards.map((s) => [s.status, s.attempts])).toEqual([
      ["succeeded", 2],
      ["succeeded", 2],
    ]);
    const log = await readFile(shards[1]!.logPath!, "utf8");
    expect(log).toMatch(/transient failure of shard 1-of-2/);
    expect(log).toMatch(/"--resume"/);
    expect(await predictions(join(dir, "out", RUN_ID))).toEqual(reference);
    await store.close();
  }, 180_000);

  it("a shard that always fails: the run is partial within maxFailedShards, failed beyond it; show names the model, error and log", async () => {
    const models = await makeTempDir("fleetscore-models-");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    const broken = (await readdir(models)).filter((n) => n.endsWith(".onnx")).sort()[0]!;
    await writeFile(join(models, broken), "not a model");
    await writeFile(join(models, broken.replace(/\.onnx$/, ".json")), "{ not json");
    for (const [maxFailedShards, status] of [[1, "partial"], [0, "failed"]] as const) {
      const { scheduler, store } = await setup({ models, extra: JSON.stringify({ maxFailedShards }) });
      const run = await scheduler.runOnce("ref", { at: AT });
      expect(run.status).toBe(status);
      expect(run.error).toMatch(/1 of 2 shards failed/);
      const report = await getRunReport(store, RUN_ID);
      const failed = report.shards.filter((s) => s.status === "failed");
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ attempts: 2, exitCode: 3 });
      expect(report.failedModels).toEqual([{ shard: failed[0]!.index, modelId: expect.stringMatching(/^\d+_\d+$/), error: expect.any(String), logPath: failed[0]!.logPath }]);
      expect(broken).toBe(`model_${report.failedModels[0]!.modelId}.onnx`);
      await store.close();
    }
  }, 240_000);

  it("records a run with no data row as `empty`: its shards are not failed or retried; allowEmpty makes them exit 0", async () => {
    const data = join(await makeTempDir("fleetscore-empty-"), "header-only.csv");
    await writeFile(data, "TS,Device,Sensor,Value\n");
    // Default (allowEmpty false, as the scorer's): the shards exit 5, which is kept for alerting.
    for (const [allowEmpty, exitCode] of [[undefined, 5], [true, 0]] as const) {
      const { scheduler, store } = await setup({ extra: JSON.stringify({ data: { source: data }, ...(allowEmpty !== undefined && { allowEmpty }) }) });
      const run = await scheduler.runOnce("ref", { at: AT });
      expect(run).toMatchObject({ status: "empty", totals: { scored: 0, failed: 0, rows: 0 } });
      expect((await store.listShards(RUN_ID)).map((s) => [s.status, s.attempts, s.exitCode])).toEqual([
        ["empty", 1, exitCode],
        ["empty", 1, exitCode],
      ]);
      await store.close();
    }
  }, 240_000);

  it("stops a shard over its timeout and records it as failed", async () => {
    const { scheduler, store } = await setup({ scorer: join(WRAPPERS, "hang-scorer.mjs"), extra: JSON.stringify({ shardTimeout: "300ms", retries: { maxAttempts: 1 }, shards: 1 }) });
    const run = await scheduler.runOnce("ref", { at: AT });
    expect(run.status).toBe("failed");
    const [shard] = await store.listShards(RUN_ID);
    expect(shard).toMatchObject({ status: "failed", attempts: 1 });
    // 130 when the stand-in had set up its SIGTERM handler, null when the signal came first.
    expect([130, null]).toContain(shard!.exitCode);
    expect(shard!.error).toMatch(/^timed out after 300 ms/);
    await store.close();
  }, 60_000);
});
