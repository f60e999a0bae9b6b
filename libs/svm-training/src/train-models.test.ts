import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openScoringInput } from "@fleetscore/batch-scoring";
import { ModelParams } from "@fleetscore/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainModels } from "./train-models.js";
import { fitWithSklearn, normalPoints } from "./test-fixtures/sklearn-fits.js";

let tmp: string;
let csv: string;
/** device -> sensor -> values, as written to the CSV (interleaved by time, as readings arrive). */
const pairs: { device: string; sensor: string; values: number[] }[] = [
  { device: "1", sensor: "1", values: normalPoints(1, 300, 1).map((r) => r[0]!) },
  { device: "1", sensor: "2", values: normalPoints(2, 250, 1, 100, 0.5).map((r) => r[0]!) },
  { device: "2", sensor: "1", values: normalPoints(3, 280, 1, -5, 10).map((r) => r[0]!) },
  { device: "10", sensor: "1", values: normalPoints(4, 200, 1).map((r) => Math.round(r[0]!)) },
  { device: "3", sensor: "1", values: Array.from({ length: 50 }, () => 42.5) },
  { device: "4", sensor: "7", values: [1.5] },
];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "svm-training-"));
  const lines = ["TS,Device,Sensor,Value"];
  const longest = Math.max(...pairs.map((p) => p.values.length));
  for (let t = 0; t < longest; t++) {
    const ts = new Date(Date.UTC(2018, 7, 29) + t * 5000).toISOString().replace("T", " ").replace("Z", "");
    for (const p of pairs) if (t < p.values.length) lines.push(`${ts},${p.device},${p.sensor},${p.values[t]}`);
  }
  csv = join(tmp, "readings.csv");
  await writeFile(csv, `${lines.join("\n")}\nnot,a,reading\n`);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function train(out: string, workers: number) {
  const input = await openScoringInput(csv);
  try {
    return await trainModels(input, out, { nu: 0.05, workers });
  } finally {
    await input.close();
  }
}

describe("trainModels", () => {
  it("writes one model per pair equal to scikit-learn's fit of that pair's rows; too few rows and constant values fail alone", { timeout: 300_000 }, async () => {
    const progress: number[] = [];
    const input = await openScoringInput(csv);
    const summary = await trainModels(input, join(tmp, "out"), { nu: 0.05, workers: 2, onProgress: (p) => p.phase === "training" && progress.push(p.modelsDone) }).finally(() => input.close());
    expect(summary.trained.map((m) => m.modelId)).toEqual(["1_1", "1_2", "2_1", "10_1"]);
    expect(summary.failed.map((f) => [f.modelId, f.code])).toEqual([
      ["3_1", "ConstantValues"],
      ["4_7", "TooFewRows"],
    ]);
    expect(summary.malformed).toBe(1);
    expect(summary.rows).toBe(pairs.reduce((n, p) => n + p.values.length, 0));
    expect(progress.at(-1)).toBe(6);
    expect((await readdir(join(tmp, "out"))).sort()).toEqual(["model_10_1", "model_1_1", "model_1_2", "model_2_1"].flatMap((m) => [`${m}.json`, `${m}.onnx`]).sort());

    const trainedPairs = pairs.slice(0, 4);
    const sklearn = fitWithSklearn(trainedPairs.map((p) => ({ name: `${p.device}_${p.sensor}`, X: p.values.map((v) => [v]), heldOut: [[0]], params: { kernel: "rbf", nu: 0.05, gamma: "scale" } })));
    for (const [i, p] of trainedPairs.entries()) {
      const params = ModelParams.parse(JSON.parse(await readFile(join(tmp, "out", `model_${p.device}_${p.sensor}.json`), "utf8")));
      const expected = sklearn.results[i]!;
      expect(params.device).toBe(Number(p.device));
      expect(params.scaler).toEqual({ mean: expected.mean, scale: expected.scale });
      expect(params.svm.supportVectors).toEqual(expected.supportVectors);
      expect(params.svm.dualCoef).toEqual(expected.dualCoef);
      expect(params.svm.rho).toBe(expected.rho);
      expect(params.svm.gamma).toBe(expected.gamma);
    }
  });

  it("trains the same bytes on the calling thread as on worker threads", { timeout: 300_000 }, async () => {
    await train(join(tmp, "threads"), 3);
    await train(join(tmp, "main"), 0);
    for (const name of await readdir(join(tmp, "threads"))) {
      expect((await readFile(join(tmp, "main", name))).equals(await readFile(join(tmp, "threads", name))), name).toBe(true);
    }
  });

  it("refuses options out of their domain before it creates the output folder", async () => {
    const input = await openScoringInput(csv);
    await expect(trainModels(input, join(tmp, "never"), { nu: 1.5 })).rejects.toMatchObject({ code: "InvalidOption" });
    await expect(trainModels(input, join(tmp, "never"), { gamma: -1 })).rejects.toMatchObject({ code: "InvalidOption" });
    await input.close();
    await expect(readdir(join(tmp, "never"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
