import { cp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer } from "./test-fixtures/run-scorer.js";
import { useScorerTempDir } from "./test-fixtures/scorer-suite.js";
import { REFERENCE_LINES, inputRowsOf, readManifest } from "./test-fixtures/reference-rows.js";

const tmp = useScorerTempDir("empty-store");

describe("scorer score: reruns, damaged inputs and usage errors (built CLI, end to end)", () => {
  it("rewrites byte-identical prediction files when a run id is run again", async () => {
    const out = join(tmp(), "out-rerun");
    const args = ["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "again"];
    expect((await runScorer(args)).code).toBe(0);
    const first = await readRunFiles(join(out, "again"));
    expect((await runScorer(args)).code).toBe(0);
    const second = await readRunFiles(join(out, "again"));
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, bytes] of first) if (name !== "_manifest.json") expect(second.get(name)!.equals(bytes), name).toBe(true);
  });

  it("records a missing model, a corrupt model and malformed rows, scores the rest and exits 3", async () => {
    const models = join(tmp(), "models-damaged");
    await cp(REFERENCE_MODELS, models, { recursive: true });
    await rm(join(models, "model_2_2.onnx"));
    await rm(join(models, "model_2_2.json"));
    await rm(join(models, "model_3_3.json"));
    await writeFile(join(models, "model_3_3.onnx"), Buffer.from("this is not a protobuf \x00\xff\xfe", "latin1"));
    await writeFile(join(models, "model_3_4.json"), "{ broken");
    const data = join(tmp(), "data-malformed.csv");
    const lines = [...REFERENCE_LINES];
    lines.splice(5, 0, "2018-08-28 23:00:05.000,1,1,not-a-number", "2018-08-28 23:00:05.000,1,1", "2018-02-30 23:00:05.000,1,1,1.0");
    await writeFile(data, lines.join("\n") + "\n");

    const out = join(tmp(), "out-damaged");
    const r = await runScorer(["score", "--models", models, "--data", data, "--out", out, "--run-id", "damaged"]);
    expect(r.code).toBe(3);
    const manifest = await readManifest(join(out, "damaged"));
    expect(manifest.status).toBe("failed");
    expect(manifest.input).toMatchObject({ rows: 17_771, malformedRows: 3 });
    expect(manifest.input.malformedSamples.map((s) => s.line)).toEqual([6, 7, 8]);
    const byId = new Map(manifest.models.map((m) => [m.modelId, m]));
    expect(byId.get("2_2")).toMatchObject({ status: "no-model", rows: inputRowsOf("2", "2").length });
    expect(byId.get("3_3")).toMatchObject({ status: "failed", error: { code: "InvalidModel" } });
    expect(byId.get("3_3")?.error?.message).toContain("3_3");
    expect(byId.get("3_4")).toMatchObject({ status: "failed", error: { code: "CorruptModel" } });
    expect(byId.get("3_4")?.error?.message).toContain("model_3_4.json");
    expect(manifest.totals).toMatchObject({ scored: 12, failed: 2, noModel: 1 });
    const files = await readdir(join(out, "damaged"));
    expect(files).not.toContain("preds_3_3.csv");
    expect(files).not.toContain("preds_2_2.csv");
    expect(files.filter((f) => f.startsWith("preds_"))).toHaveLength(12);
    expect(r.stdout).toContain("failed: model 3_3");
    expect(r.stdout).toContain("malformed row:");
    expect(r.stderr).toContain('"level":"warning"');

    // The same run with a threshold that allows two failed models succeeds, failures listed.
    const tolerant = await runScorer(["score", "--models", models, "--data", data, "--out", out, "--run-id", "tolerant", "--max-failed-models", "2"]);
    expect(tolerant.code).toBe(0);
    expect((await readManifest(join(out, "tolerant"))).status).toBe("partial");
    expect(tolerant.stdout).toContain("status: partial");
    const strict = await runScorer(["score", "--models", models, "--data", data, "--out", out, "--run-id", "strict", "--max-failed-models", "10%"]);
    expect(strict.code, "2 of 14 models is above 10%").toBe(3);
  });

  it("exits 2 with a message naming the flag or file on usage and input errors", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["score", "--models", REFERENCE_MODELS, "--out", tmp()], /--data <file\|url>/],
      [["score", "--models", REFERENCE_MODELS, "--data", join(tmp(), "missing.csv"), "--out", tmp()], /--data: Data file .*missing\.csv does not exist/],
      [["score", "--models", join(tmp(), "no-models"), "--data", REFERENCE_DATA, "--out", tmp()], /--models: Model folder .*no-models does not exist/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--engine", "gpu"], /--engine.*gpu.*auto, onnx, ts/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--run-id", "../escape"], /--run-id: must be 1-128/],
      [["frobnicate"], /unknown command 'frobnicate'/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--shard", "0/2", "--balance-from", join(tmp(), "nope.json")], /--balance-from: cannot read .*nope\.json/],
      [["score", "--models", tmp(), "--data", REFERENCE_DATA, "--out", `${tmp()}-empty-store`], /--models: Model store .* holds no models/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--shard", "3/3"], /--shard: shard "3\/3" must be i\/n/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--max-failed-models", "lots"], /--max-failed-models: max failed models "lots"/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--resume"], /--resume needs --run-id/],
      [["finalize", "--out", tmp(), "--run-id", "nothing-here"], /No shard manifests/],
      [[], /Usage: fleetscore-scorer/],
      [["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--run-id", "two-shards", "--shard", "0/3"], /--shard: shard 0\/3 does not match run two-shards .* split into 2 shards/],
      [["score", "--models", tmp(), "--data", REFERENCE_DATA, "--out", join(tmp(), "runs")], /--out .*runs is inside --models .*: its run folders would be taken for models/],
      [["score", "--models", tmp(), "--data", REFERENCE_DATA, "--out", tmp()], /--out .* is inside --models/],
    ];
    // A run split into 2 shards, for the shard-count case.
    expect((await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp(), "--run-id", "two-shards", "--shard", "1/2"])).code).toBe(0);
    for (const [args, message] of cases) {
      const r = await runScorer(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const badLevel = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", tmp()], { FLEETSCORE_LOG_LEVEL: "loud" });
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/FLEETSCORE_LOG_LEVEL/);
  });
});

async function readRunFiles(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}
