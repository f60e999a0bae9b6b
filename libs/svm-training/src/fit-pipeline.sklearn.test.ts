import { float64SvmModel, decisionFunction } from "@fleetscore/svm-scoring";
import { beforeAll, describe, expect, it } from "vitest";
import { fitPipeline } from "./fit-pipeline.js";
import { fitWithSklearn, normalPoints, type SklearnCase, type SklearnFit } from "./test-fixtures/sklearn-fits.js";

const kernels = ["rbf", "linear", "poly", "sigmoid"] as const;
const cases: SklearnCase[] = [];
for (const [k, kernel] of kernels.entries()) {
  cases.push({ name: `${kernel} 10 points 1 feature`, X: normalPoints(10 + k, 10, 1), heldOut: normalPoints(100 + k, 50, 1), params: { kernel, nu: 0.05, gamma: "scale" } });
  cases.push({ name: `${kernel} 500 points 3 features nu 0.2 gamma auto`, X: normalPoints(20 + k, 500, 3), heldOut: normalPoints(200 + k, 200, 3), params: { kernel, nu: 0.2, gamma: "auto", coef0: kernel === "sigmoid" ? 0.5 : 1 } });
  cases.push({ name: `${kernel} 300 points 1 feature nu 0.5 gamma 0.3`, X: normalPoints(30 + k, 300, 1), heldOut: normalPoints(300 + k, 100, 1), params: { kernel, nu: 0.5, gamma: 0.3 } });
}

let sklearn: { sklearn: string; results: SklearnFit[] };
beforeAll(() => {
  sklearn = fitWithSklearn(cases);
}, 600_000);

const relative = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

describe("fitPipeline equals scikit-learn's Pipeline(StandardScaler, OneClassSVM)", () => {
  it.each(cases.map((c, i) => [c.name, i] as const))("%s", (_, i) => {
    const c = cases[i]!;
    const expected = sklearn.results[i]!;
    const fitted = fitPipeline(c.X, c.params);
    expect(fitted.params.scaler.mean).toEqual(expected.mean);
    expect(fitted.params.scaler.scale).toEqual(expected.scale);
    expect(fitted.svm.gamma).toBe(expected.gamma);
    expect(fitted.svm.support).toEqual(expected.support);
    const worst = Math.max(relative(fitted.svm.rho, expected.rho), ...fitted.svm.dualCoef.map((a, k) => relative(a, expected.dualCoef[k]!)));
    expect(worst).toBeLessThanOrEqual(1e-9);
    const model = float64SvmModel(fitted.params, c.name);
    const scores = decisionFunction(model, Float64Array.from(c.heldOut.flat()));
    expect(Array.from(scores, (s) => (s > 0 ? 1 : -1))).toEqual(expected.predict);
    console.log(c.name, "support", fitted.svm.support.length, "iterations", fitted.svm.iterations, "worst relative", worst);
  });
});
