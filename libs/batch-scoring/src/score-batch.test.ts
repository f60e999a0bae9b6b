import { cp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { RunManifest } from "@fleetscore/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderRunOutput, finalizeRun, isBatchScoringError, scoreBatch, type BatchProgress, type ScoreBatchOptions } from "./index.js";
import { REFERENCE_DATA, REFERENCE_MODELS, makeTempDir } from "./test-fixtures/paths.js";

let tmp: string;
let baseline: Map<string, Buffer>;

beforeAll(async () => {
  tmp = await makeTempDir();
  await run("baseline", {});
  baseline = await predictionFiles(join(tmp, "baseline"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function run(runId: string, options: Partial<ScoreBatchOptions>, outDir = tmp): Promise<RunManifest> {
  return scoreBatch({
    runId,
    data: REFERENCE_DATA,
    models: REFERENCE_MODELS,
    engine: "auto",
    workers: 0,
    output: await FolderRunOutput.create(outDir, runId),
    ...options,
  });
}

async function predictionFiles(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).filter((n) => n.startsWith("preds_")).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}

/** Names whose bytes differ from the baseline run, or that only one side has. */
function differencesFromBaseline(files: Map<string, Buffer>): string[] {
  const names = new Set([...files.keys(), ...baseline.keys()]);
  return [...names].filter((n) => !files.has(n) || !baseline.has(n) || !files.get(n)!.equals(baseline.get(n)!));
}

describe("scoreBatch", () => {
  it("scores the reference set, reports progress and writes the manifest last", async () => {
    const progress: BatchProgress[] = [];
    const manifest = await run("progress", { onProgress: (p) => progress.push(p) });
    expect(manifest).toMatchObject({ status: "succeeded", maxFailedModels: "0", workers: 0 });
    expect(manifest.totals).toMatchObject({ models: 15, scored: 15, scoredRows: 17_768, failed: 0 });
    expect(baseline.size).toBe(15);
    expect(progress.at(-1)).toMatchObject({ phase: "done", rowsDone: 17_768, modelsDone: 15, modelsTotal: 15 });
    expect(progress.some((p) => p.phase === "scoring")).toBe(true);
    const names = await readdir(join(tmp, "progress"));
    expect(names.filter((n) => n.includes(".partial") || n.includes(".tmp"))).toEqual([]);
    expect(RunManifest.parse(JSON.parse(await readFile(join(tmp, "progress", "_manifest.json"), "utf8")))).toEqual(manifest);
  });

  it("writes the same bytes with worker threads, tiny chunks, or a rerun of the same run id", async () => {
    await run("threads", { workers: 2 });
    expect(differencesFromBaseline(await predictionFiles(join(tmp, "threads")))).toEqual([]);
    await run("tiny-chunks", { chunkSizeInBytes: 4096 });
    expect(differencesFromBaseline(await predictionFiles(join(tmp, "tiny-chunks")))).toEqual([]);
    await run("baseline", {});
    expect(differencesFromBaseline(await predictionFiles(join(tmp, "baseline")))).toEqual([]);
  });

  it("splits a run into shards that together score every model once; the last shard merges the manifest", async () => {
    const out = join(tmp, "sharded");
    const shardManifests: RunManifest[] = [];
    for (const index of [2, 0, 1]) shardManifests.push(await run("s", { shard: { index, count: 3 } }, out));
    const scored = shardManifests.flatMap((m) => m.models.filter((r) => r.status === "scored").map((r) => r.modelId));
    expect(scored.sort()).toEqual([...baseline.keys()].map((n) => n.slice(6, -4)).sort());
    expect(new Set(scored).size).toBe(15);
    const runDir = join(out, "s");
    expect(differencesFromBaseline(await predictionFiles(runDir))).toEqual([]);
    const merged = RunManifest.parse(JSON.parse(await readFile(join(runDir, "_manifest.json"), "utf8")));
    expect(merged).toMatchObject({ mergedShards: 3, status: "succeeded" });
    expect(merged.totals).toMatchObject({ models: 15, scored: 15, scoredRows: 17_768 });
    // finalize again: same manifest.
    const again = await finalizeRun(await FolderRunOutput.create(out, "s"));
    expect(again).toEqual(merged);
  });

  it("refuses a shard count other than the run's before any work, leaving the run's files as they were", async () => {
    const out = join(tmp, "shard-count");
    await run("c", { shard: { index: 0, count: 2 } }, out);
    const before = await readdir(join(out, "c"));
    await writeFile(join(out, "c", "preds_3_5.csv.partial"), "TS,Device,Sensor,Val,Score,Prediction\n");
    const err = await run("c", { shard: { index: 1, count: 3 } }, out).catch((e: unknown) => e);
    expect(isBatchScoringError(err) && err.code).toBe("ShardMismatch");
    expect((err as Error).message).toMatch(/shard 1\/3 does not match run c in .*, which was split into 2 shards \(_manifest\.shard-0-of-2\.json\)/);
    expect((await readdir(join(out, "c"))).sort()).toEqual([...before, "preds_3_5.csv.partial"].sort());
  });

  it("balances shards by rows when an earlier run's row counts are given", async () => {
    const earlier = RunManifest.parse(JSON.parse(await readFile(join(tmp, "baseline", "_manifest.json"), "utf8")));
    const rowsPerModel = new Map(earlier.models.map((m) => [m.modelId, m.rows]));
    const out = join(tmp, "balanced");
    const shards = [];
    for (const index of [0, 1, 2]) shards.push(await run("b", { shard: { index, count: 3 }, rowsPerModel }, out));
    const rows = shards.map((m) => m.totals.scoredRows);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(17_768);
    const heaviest = Math.max(...rowsPerModel.values());
    expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(heaviest);
    expect(differencesFromBaseline(await predictionFiles(join(out, "b")))).toEqual([]);
  });

  it("refuses to finalize with a shard missing, naming it", async () => {
    const out = join(tmp, "half");
    await run("h", { shard: { index: 0, count: 2 } }, out);
    const err = await finalizeRun(await FolderRunOutput.create(out, "h")).catch((e: unknown) => e);
    expect(isBatchScoringError(err)).toBe(true);
    expect((err as Error).message).toMatch(/missing the manifests of shard\(s\) 1 of 2/);
    await expect(readFile(join(out, "h", "_manifest.json"))).rejects.toThrow();
  });

  it("resumes: keeps complete files, removes stale partials, scores the rest to the same bytes", async () => {
    const out = join(tmp, "resume");
    await cp(join(tmp, "baseline"), join(out, "r"), { recursive: true });
    await rm(join(out, "r", "_manifest.json"));
    await rm(join(out, "r", "preds_2_3.csv"));
    await rm(join(out, "r", "preds_3_1.csv"));
    await writeFile(join(out, "r", "preds_3_1.csv.partial"), "TS,Device,Sensor,Val,Score,Prediction\n2018-08-28 23:00:05.000,3,1,1");
    const manifest = await run("r", { resume: true }, out);
    expect(manifest.totals).toMatchObject({ scored: 15, resumed: 13, scoredRows: 17_768 });
    expect(manifest.models.filter((m) => m.resumed).map((m) => m.modelId)).toHaveLength(13);
    // Resumed models keep the engine and parameters the first attempt recorded in the run's state.
    const first = RunManifest.parse(JSON.parse(await readFile(join(tmp, "baseline", "_manifest.json"), "utf8")));
    const firstWith = new Map(first.models.map((m) => [m.modelId, { engine: m.engine, parameters: m.parameters }]));
    for (const m of manifest.models.filter((r) => r.resumed)) {
      expect({ engine: m.engine, parameters: m.parameters }, m.modelId).toEqual(firstWith.get(m.modelId));
      expect(m.engine, m.modelId).toBeDefined();
    }
    expect(differencesFromBaseline(await predictionFiles(join(out, "r")))).toEqual([]);
    expect((await readdir(join(out, "r"))).filter((n) => n.endsWith(".partial"))).toEqual([]);
  });

  it("writes the prediction files of the unquoted data for a fully or partly quoted CSV", async () => {
    const lines = (await readFile(REFERENCE_DATA, "latin1")).split("\n");
    const quote = (line: string, which: (k: number) => boolean): string =>
      line === "" ? line : line.split(",").map((f, k) => (which(k) ? `"${f}"` : f)).join(",");
    const fully = join(tmp, "quoted.csv");
    await writeFile(fully, lines.map((l) => quote(l, () => true)).join("\n"), "latin1");
    // Every third line quoted in one field or another: quoted and plain rows mix within each chunk.
    const partly = join(tmp, "partly-quoted.csv");
    await writeFile(partly, lines.map((l, i) => (i % 3 === 1 ? quote(l, (k) => k === i % 4) : l)).join("\n"), "latin1");
    for (const [runId, data] of [["quoted", fully], ["partly-quoted", partly]] as const) {
      const manifest = await run(runId, { data, chunkSizeInBytes: 4096 });
      expect(manifest.totals, runId).toMatchObject({ scoredRows: 17_768 });
      expect(manifest.input.malformedRows, runId).toBe(0);
      expect(differencesFromBaseline(await predictionFiles(join(tmp, runId))), runId).toEqual([]);
    }
  });

  it("records a corrupt model among good ones and applies the failure threshold", async () => {
    const models = join(tmp, "models-corrupt");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    await rm(join(models, "model_2_4.json"));
    await writeFile(join(models, "model_2_4.onnx"), "garbage");
    const cases: Array<[string, string]> = [["0", "failed"], ["1", "partial"], ["10%", "partial"], ["5%", "failed"]];
    for (const [maxFailedModels, status] of cases) {
      const m = await run(`t-${maxFailedModels.replace("%", "pct")}`, { models, maxFailedModels });
      expect(m.status, maxFailedModels).toBe(status);
      expect(m.totals).toMatchObject({ scored: 14, failed: 1 });
      expect(m.models.find((r) => r.modelId === "2_4")).toMatchObject({ status: "failed", error: { code: "InvalidModel" } });
    }
    const files = await predictionFiles(join(tmp, "t-0"));
    expect(files.has("preds_2_4.csv")).toBe(false);
    for (const [name, bytes] of files) expect(bytes.equals(baseline.get(name)!), name).toBe(true);
  });

  it("fails a model with more features than the data has as FeatureMismatch, whatever its row count", async () => {
    const models = join(tmp, "models-3-features");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    // model_1_1 as a 3-feature model (json only): the readings have one value per row.
    const params = JSON.parse(await readFile(join(models, "model_1_1.json"), "utf8"));
    const triple = (v: number[]): number[] => [...v, ...v, ...v];
    params.nFeatures = 3;
    params.scaler = { mean: triple(params.scaler.mean), scale: triple(params.scaler.scale) };
    params.svm.supportVectors = params.svm.supportVectors.map(triple);
    await writeFile(join(models, "model_1_1.json"), JSON.stringify(params));
    await rm(join(models, "model_1_1.onnx"));
    // The whole reference data, and a file holding exactly 3 rows of 1_1 (a multiple of its feature count).
    const lines = (await readFile(REFERENCE_DATA, "latin1")).split("\n");
    const threeRows = join(tmp, "three-rows-of-1-1.csv");
    await writeFile(threeRows, [lines[0], ...lines.filter((l) => l.includes(",1,1,")).slice(0, 3), ...lines.filter((l) => l.includes(",1,2,"))].join("\n"));
    for (const [runId, data] of [["features-all", REFERENCE_DATA], ["features-3", threeRows]] as const) {
      const m = await run(runId, { models, data, maxFailedModels: "1" });
      expect(m.models.find((r) => r.modelId === "1_1"), runId).toMatchObject({ status: "failed", error: { code: "FeatureMismatch" } });
      expect(m.totals.failed, runId).toBe(1);
      expect((await predictionFiles(join(tmp, runId))).has("preds_1_1.csv"), runId).toBe(false);
    }
  });

  it("counts a line over the length limit malformed with its line number and quotes no input whole", async () => {
    const lines = (await readFile(REFERENCE_DATA, "latin1")).split("\n");
    const data = join(tmp, "long-line.csv");
    // Line 4 of the file: a Value field of 1 MB; line 6: a Value of 20,000 characters (under the limit).
    const long = `2018-08-28 23:00:05.000,1,2,${"7".repeat(1 << 20)}`;
    const wide = `2018-08-28 23:00:05.000,1,3,${"x".repeat(20_000)}`;
    await writeFile(data, [...lines.slice(0, 3), long, lines[3], wide, ...lines.slice(4)].join("\n"), "latin1");
    const m = await run("long-line", { data });
    expect(m.input.malformedRows).toBe(2);
    expect(m.input.malformedSamples.map((s) => s.line)).toEqual([4, 6]);
    expect(m.input.malformedSamples[0]!.message).toBe("line: longer than the limit of 65,536 bytes");
    expect(m.input.malformedSamples[1]!.message).toMatch(/^Value "x{100}"\.\.\. \(20,000 characters\): must be a decimal number$/);
    for (const sample of m.input.malformedSamples) expect(sample.message.length).toBeLessThan(200);
    expect(m.totals.scoredRows).toBe(17_768);
    expect(differencesFromBaseline(await predictionFiles(join(tmp, "long-line")))).toEqual([]);
  });

  it("does not print a model file linked to /etc/passwd", async () => {
    const passwd = await readFile("/etc/passwd", "utf8");
    const models = join(tmp, "models-passwd");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    await rm(join(models, "model_1_1.json"));
    await symlink("/etc/passwd", join(models, "model_1_1.json"));
    await rm(join(models, "model_1_2.json"));
    await rm(join(models, "model_1_2.onnx"));
    await symlink("/etc/passwd", join(models, "model_1_2.onnx"));
    const m = await run("passwd", { models, maxFailedModels: "2" });
    const errors = m.models.filter((r) => r.status === "failed").map((r) => r.error!);
    expect(errors.map((e) => e.code)).toEqual(["CorruptModel", "InvalidModel"]);
    for (const { message } of errors) {
      expect(message.length, message).toBeLessThan(400);
      // At most the first ~100 escaped characters of the file, raw or escaped.
      const escaped = JSON.stringify(passwd).slice(1, -1);
      expect(message).not.toContain(escaped.slice(0, 110));
      expect(message).not.toContain(passwd.slice(0, 110));
      expect(message).not.toContain(passwd.trim().split("\n").at(-1));
    }
  });

  it("fails a model whose .json and .onnx disagree, or whose .onnx beside a .json is truncated, with its own code", async () => {
    const models = join(tmp, "models-disagree");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    const edit = async (id: string, change: (p: { device: unknown; scaler: { mean: number[] }; svm: { rho: number } }) => void): Promise<void> => {
      const path = join(models, `model_${id}.json`);
      const params = JSON.parse(await readFile(path, "utf8"));
      change(params);
      await writeFile(path, JSON.stringify(params));
    };
    await edit("1_1", (p) => void (p.svm.rho *= 1.001));
    await edit("1_2", (p) => void (p.scaler.mean[0]! += 0.01));
    await edit("1_3", (p) => void (p.device = 2));
    await cp(join(models, "model_2_2.json"), join(models, "model_2_1.json")); // another model's parameters
    const onnx = await readFile(join(models, "model_1_4.onnx"));
    await writeFile(join(models, "model_1_4.onnx"), onnx.subarray(0, Math.floor(onnx.length / 2)));
    for (const engine of ["auto", "ts", "onnx"] as const) {
      const runId = `disagree-${engine}`;
      const m = await run(runId, { models, engine, maxFailedModels: "5" });
      const failed = Object.fromEntries(m.models.filter((r) => r.status === "failed").map((r) => [r.modelId, r.error!.code]));
      expect(failed, engine).toEqual({ "1_1": "ModelMismatch", "1_2": "ModelMismatch", "1_3": "ModelMismatch", "2_1": "ModelMismatch", "1_4": "InvalidModel" });
      expect(m.models.find((r) => r.modelId === "1_1")!.error!.message, engine).toMatch(/\.json and \.onnx disagree on rho/);
      if (engine !== "onnx") {
        for (const [name, bytes] of await predictionFiles(join(tmp, runId))) expect(bytes.equals(baseline.get(name)!), name).toBe(true);
      }
    }
  });

  it("reports a truncated gzip file clearly and leaves no partial files or manifest", async () => {
    const gz = gzipSync(await readFile(REFERENCE_DATA));
    const truncated = join(tmp, "truncated.csv.gz");
    await writeFile(truncated, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const err = await run("trunc", { data: truncated }).catch((e: unknown) => e);
    expect(isBatchScoringError(err)).toBe(true);
    expect((err as { code: string }).code).toBe("InvalidInput");
    expect((err as Error).message).toMatch(/truncated\.csv\.gz is not valid gzip or is truncated/);
    // Only the run's record of its input is left, for a --resume.
    expect(await readdir(join(tmp, "trunc"))).toEqual(["_input.json"]);
  });

  it("stops on abort with an AbortError, no partial files and no manifest", async () => {
    const controller = new AbortController();
    const runPromise = run("aborted", { abortSignal: controller.signal, chunkSizeInBytes: 4096, onProgress: () => controller.abort() });
    await expect(runPromise).rejects.toMatchObject({ name: "AbortError" });
    // Only the run's record of its input is left, for a --resume.
    expect(await readdir(join(tmp, "aborted"))).toEqual(["_input.json"]);
  });
});
