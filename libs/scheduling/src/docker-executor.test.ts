import { spawnSync } from "node:child_process";
import { chmod, readdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DockerExecutor, openRunStore, parseSchedulerConfig, Scheduler } from "./index.js";
import { makeTempDir, REFERENCE_DATA, REFERENCE_MODELS } from "./test-fixtures/wrappers.js";

/**
 * Needs a Docker daemon and the scorer image (`nx run scorer:docker`): .ci/run starts one and sets
 * FLEETSCORE_DOCKER_HOST (see apps/scorer/src/docker-image.test.ts, which builds the image); without it
 * this test is skipped, and reported as skipped.
 */
const DOCKER_HOST = process.env["FLEETSCORE_DOCKER_HOST"];

describe.skipIf(!DOCKER_HOST)("docker executor (skipped: FLEETSCORE_DOCKER_HOST is not set, no Docker daemon to run the scorer image on)", () => {
  // The scorer's own image test builds the image too, but Nx may run this project first: build it when missing
  // (the scorer is built before these tests; the build needs no network).
  beforeAll(() => {
    const env = { ...process.env, DOCKER_HOST: DOCKER_HOST! };
    const root = new URL("../../../", import.meta.url).pathname;
    if (spawnSync("docker", ["image", "inspect", "fleetscore/scorer:latest"], { env, stdio: "ignore" }).status === 0) return;
    const build = spawnSync(process.execPath, ["tools/docker/build-scorer-image.mjs", "--network", "none"], { cwd: root, env, encoding: "utf8" });
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  }, 600_000);

  it("runs each shard in the scorer image with --network none and writes the 15 prediction files", async () => {
    const dir = await makeTempDir("fleetscore-docker-exec-");
    await chmod(dir, 0o777);
    const config = parseSchedulerConfig(
      JSON.stringify({
        runStore: `sqlite:${join(dir, "runs.db")}`,
        logDir: join(dir, "logs"),
        pipelines: [{ name: "ref", models: REFERENCE_MODELS, data: { source: REFERENCE_DATA }, output: join(dir, "out"), shards: 2, executor: { kind: "docker" }, trigger: { type: "recurrence", frequency: "hour", interval: 1 } }],
      }),
      "docker.json",
    );
    const store = await openRunStore(config.runStore);
    const scheduler = new Scheduler(config, { store, executorFor: (p) => new DockerExecutor(p.executor as Extract<typeof p.executor, { kind: "docker" }>, { dockerHost: DOCKER_HOST! }) });
    const run = await scheduler.runOnce("ref", { at: new Date("2026-11-25T14:00:00Z") });
    expect(run).toMatchObject({ status: "succeeded", totals: { scored: 15 } });
    expect((await readdir(join(dir, "out", run.runId))).filter((n) => n.startsWith("preds_"))).toHaveLength(15);
    await store.close();
  }, 300_000);
});
