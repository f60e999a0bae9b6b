import { cp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RunManifest } from "@fleetscore/contracts";
import { FolderModelStore } from "@fleetscore/model-store";
import { createScoringEngine } from "@fleetscore/svm-scoring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderRunOutput, scoreBatch, type BatchProgress } from "./index.js";
import { REFERENCE_DATA, REFERENCE_MODELS, makeTempDir } from "./test-fixtures/paths.js";

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("scoreBatch", () => {
  it("scores every pair, reports progress per model and writes the manifest last", async () => {
    const progress: BatchProgress[] = [];
    const clock = [new Date("2026-01-01T00:00:00.000Z"), new Date("2026-01-01T00:00:02.500Z")];
    const output = await FolderRunOutput.create(tmp, "run-a");
    const manifest = await scoreBatch({
      runId: "run-a",
      data: REFERENCE_DATA,
      models: await FolderModelStore.create(REFERENCE_MODELS),
      engine: await createScoringEngine("ts"),
      engineChoice: "ts",
      output,
      maxConcurrency: 3,
      onProgress: (p) => progress.push(p),
      now: () => clock.shift() ?? new Date("2026-01-01T00:00:09.000Z"),
    });
    expect(manifest).toMatchObject({ runId: "run-a", engine: "ts", status: "succeeded", durationMs: 2500 });
    expect(manifest.totals.scoredRows).toBe(17_768);
    expect(progress).toHaveLength(15);
    expect(progress.at(-1)).toMatchObject({ modelsDone: 15, modelsTotal: 15, rowsDone: 17_768, rowsTotal: 17_768 });
    const onDisk = RunManifest.parse(JSON.parse(await readFile(join(output.location, "_manifest.json"), "utf8")));
    expect(onDisk).toEqual(manifest);
    // No temporary files left behind.
    expect((await readdir(output.location)).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("records models without data and pairs without a model", async () => {
    const models = join(tmp, "models");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    await rm(join(models, "model_1_1.onnx"));
    await rm(join(models, "model_1_1.json"));
    const data = join(tmp, "two-pairs.csv");
    await writeFile(data, "TS,Device,Sensor,Value\n2018-08-28 23:00:05.000,1,1,10.16\n2018-08-28 23:00:05.000,1,2,20.5\n");
    const manifest = await scoreBatch({
      runId: "run-b",
      data,
      models: await FolderModelStore.create(models),
      engine: await createScoringEngine("auto"),
      engineChoice: "auto",
      output: await FolderRunOutput.create(tmp, "run-b"),
    });
    expect(manifest.totals).toMatchObject({ models: 15, scored: 1, noModel: 1, noData: 13, failed: 0 });
    expect(manifest.models[0]).toMatchObject({ modelId: "1_1", status: "no-model", rows: 1 });
    expect(manifest.models[1]).toMatchObject({ modelId: "1_2", status: "scored", rows: 1, output: "preds_1_2.csv" });
  });

  it("stops with an AbortError when aborted and writes no manifest", async () => {
    const controller = new AbortController();
    controller.abort();
    const output = await FolderRunOutput.create(tmp, "run-c");
    await expect(
      scoreBatch({
        runId: "run-c",
        data: REFERENCE_DATA,
        models: await FolderModelStore.create(REFERENCE_MODELS),
        engine: await createScoringEngine("ts"),
        engineChoice: "ts",
        output,
        abortSignal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(await readdir(output.location)).not.toContain("_manifest.json");
  });
});
