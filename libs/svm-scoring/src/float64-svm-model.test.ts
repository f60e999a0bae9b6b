import { isAnomaly, ModelParams } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { decisionFunction, float64SvmModel, isScoringError, predictions, TsScoringEngine } from "./index.js";
import { loadArtifact, readReferenceValues, REFERENCE_IDS, REFERENCE_MODELS } from "./test-fixtures/fixtures.js";
import { sklearnDecision } from "./test-fixtures/sklearn-decision.js";
import { THREE_FEATURE_PARAMS } from "./test-fixtures/three-feature-model.js";

describe("ts engine with float64 parameters", () => {
  it("reproduces scikit-learn on the whole reference set (scores within 1e-12, every label equal)", async () => {
    const values = await readReferenceValues();
    const engine = new TsScoringEngine();
    let rows = 0;
    let anomalies = 0;
    let maxDiff = 0;
    for (const id of REFERENCE_IDS) {
      const artifact = await loadArtifact(REFERENCE_MODELS, id);
      const session = await engine.load(artifact);
      expect(session).toMatchObject({ modelId: id, engine: "ts", parameters: "float64-json", featureCount: 1 });
      const x = values.get(id)!;
      const scores = await session.score(x);
      expect(scores).toHaveLength(x.length);
      const labels = predictions(scores);
      for (let i = 0; i < x.length; i++) {
        const expected = sklearnDecision(artifact.params!, [x[i]!]);
        maxDiff = Math.max(maxDiff, Math.abs(scores[i]! - expected));
        expect(isAnomaly(scores[i]!), `model ${id} row ${i}`).toBe(isAnomaly(expected));
        expect(labels[i]).toBe(isAnomaly(expected) ? 1 : 0);
        anomalies += labels[i]!;
      }
      rows += x.length;
      await session.release();
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-12);
    expect(rows).toBe(17_768);
    // fixtures/README.md: about 38% of the reference rows are anomalies.
    expect(anomalies / rows).toBeGreaterThan(0.3);
    expect(anomalies / rows).toBeLessThan(0.45);
  });

  it("computes all four kernels on three features like the plain formula", () => {
    for (const kernel of ["linear", "poly", "rbf", "sigmoid"] as const) {
      for (const degree of [2, 3, 5]) {
        const params = ModelParams.parse({ ...THREE_FEATURE_PARAMS, svm: { ...THREE_FEATURE_PARAMS.svm, kernel, degree } });
        const model = float64SvmModel(params, "k_1");
        const x = [1.5, -2.5, 0.25, 0, 0, 0, -3, 4, 2.75];
        const scores = decisionFunction(model, Float64Array.from(x));
        for (let r = 0; r < 3; r++) {
          const expected = sklearnDecision(params, x.slice(r * 3, r * 3 + 3));
          expect(Math.abs(scores[r]! - expected), `${kernel} degree ${degree} row ${r}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  });

  it("refuses inconsistent parameters that skipped the contracts schema", () => {
    const params = {
      nFeatures: 2,
      scaler: { mean: [0, 0], scale: [1, 1] },
      svm: { kernel: "rbf", gamma: 0.1, coef0: 0, degree: 3, supportVectors: [[1, 2], [3]], dualCoef: [1, 1], rho: 0 },
    } as ModelParams;
    let error: unknown;
    try {
      float64SvmModel(params, "7_7");
    } catch (e) {
      error = e;
    }
    expect(isScoringError(error)).toBe(true);
    expect(error).toMatchObject({ code: "InvalidModel", modelId: "7_7" });
    expect((error as Error).message).toBe('Model "7_7" float64 parameters: supportVectors[1] has 1 values; expected nFeatures = 2');
  });
});
