import { isAnomaly, ModelParams } from "@fleetscore/contracts";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decisionFunction, float64SvmModel } from "./index.js";
import { FIXTURES } from "./test-fixtures/fixtures.js";

const SET = resolve(FIXTURES, "synthetic-5k");

describe("float64 RBF kernel on synthetic-5k (scikit-learn 1.2.1's scores in expected_predictions_subset.csv.gz)", () => {
  it("scores the subset's 77,489 rows of 130 models within 1e-12 of scikit-learn, every label equal", { timeout: 120_000 }, async () => {
    const text = gunzipSync(await readFile(resolve(SET, "expected_predictions_subset.csv.gz"))).toString("latin1");
    const byModel = new Map<string, { values: number[]; scores: number[]; labels: number[] }>();
    for (const line of text.split("\n").slice(1)) {
      if (!line) continue;
      const [, device, sensor, val, score, prediction] = line.split(",");
      const id = `${device}_${sensor}`;
      let m = byModel.get(id);
      if (!m) byModel.set(id, (m = { values: [], scores: [], labels: [] }));
      m.values.push(Number(val));
      m.scores.push(Number(score));
      m.labels.push(Number(prediction));
    }
    let rows = 0;
    let maxDiff = 0;
    for (const [id, m] of byModel) {
      const params = ModelParams.parse(JSON.parse(await readFile(resolve(SET, `models/model_${id}.json`), "utf8")));
      const scores = decisionFunction(float64SvmModel(params, id), Float64Array.from(m.values));
      for (let i = 0; i < scores.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(scores[i]! - m.scores[i]!));
        if ((isAnomaly(scores[i]!) ? 1 : 0) !== m.labels[i]) expect.fail(`model ${id} row ${i}: score ${scores[i]}, scikit-learn's label ${m.labels[i]}`);
      }
      rows += scores.length;
    }
    expect(byModel.size).toBe(130);
    expect(rows).toBe(77_489);
    expect(maxDiff).toBeLessThanOrEqual(1e-12);
  });
});
