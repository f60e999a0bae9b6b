/**
 * scikit-learn itself (Debian's python3-sklearn 1.2.1, a subprocess) fits the same sets; the comparison asks
 * for what issue 19 asks: the same support vector indices, dual coefficients and rho within 1e-9 relative,
 * the same predictions on held-out points, and (stricter) the scaler's and gamma's exact bits. Every case here
 * is in fact bit-identical (each test logs its worst relative difference: 0). The bound is kept at 1e-9 and
 * not 0 for one reason: V8's Math.exp / Math.tanh and glibc's exp / tanh may round a kernel value 1 ulp
 * apart; the float32 kernel cache absorbs that unless the value sits within an ulp of a float32 rounding
 * boundary, and the float64 diagonal would carry it as a ~1e-16 relative change of a step, far inside 1e-9.
 */
import { float64SvmModel, decisionFunction } from "@fleetscore/svm-scoring";
import { beforeAll, describe, expect, it } from "vitest";
import { fitPipeline } from "./fit-pipeline.js";
import { resolveGamma } from "./fit-one-class-svm.js";
import { fitStandardScaler, standardize } from "./standard-scaler.js";
import { Matrix } from "ml-matrix";
import { fitWithSklearn, normalPoints, type SklearnCase, type SklearnFit } from "./test-fixtures/sklearn-fits.js";

const kernels = ["rbf", "linear", "poly", "sigmoid"] as const;
const cases: SklearnCase[] = [];
for (const [k, kernel] of kernels.entries()) {
  cases.push({ name: `${kernel} 10 points 1 feature`, X: normalPoints(10 + k, 10, 1), heldOut: normalPoints(100 + k, 50, 1), params: { kernel, nu: 0.05, gamma: "scale" } });
  cases.push({ name: `${kernel} 500 points 3 features nu 0.2 gamma auto`, X: normalPoints(20 + k, 500, 3), heldOut: normalPoints(200 + k, 200, 3), params: { kernel, nu: 0.2, gamma: "auto", coef0: kernel === "sigmoid" ? 0.5 : 1 } });
  cases.push({ name: `${kernel} 300 points 1 feature nu 0.5 gamma 0.3`, X: normalPoints(30 + k, 300, 1), heldOut: normalPoints(300 + k, 100, 1), params: { kernel, nu: 0.5, gamma: 0.3 } });
  cases.push({ name: `${kernel} 5,000 points 1 feature`, X: normalPoints(40 + k, 5000, 1), heldOut: normalPoints(400 + k, 200, 1), params: { kernel, nu: 0.05, gamma: "scale" } });
  cases.push({ name: `${kernel} 5,000 points 3 features nu 0.1`, X: normalPoints(50 + k, 5000, 3), heldOut: normalPoints(500 + k, 200, 3), params: { kernel, nu: 0.1, gamma: "scale", coef0: 0.2 } });
  // Readings rounded to one decimal: many exact duplicates (ties in the working-set selection).
  cases.push({ name: `${kernel} 800 points with duplicates`, X: normalPoints(60 + k, 800, 1).map((r) => r.map((v) => Math.round(v * 10) / 10)), heldOut: normalPoints(600 + k, 100, 1), params: { kernel, nu: 0.05, gamma: "scale" } });
  // A near-constant sensor: spread within float64 rounding of the mean, so the scaler keeps scale 1.
  cases.push({ name: `${kernel} near-constant sensor`, X: Array.from({ length: 200 }, (_, i) => [1e6 + (i % 3) * 2 ** -33]), heldOut: [[1e6], [1e6 + 1], [1e6 - 1e-9]], params: { kernel, nu: 0.05, gamma: "auto" } });
}

// numpy sums runs of 8192 values pairwise, then the runs in turn: sizes on both sides of 8192 and 16384.
const scalerCases: SklearnCase[] = [8191, 8193, 20_000, 7000].map((n, k) => ({
  name: `scaler and gamma='scale' on ${n} points of ${k === 3 ? 3 : 1} feature${k === 3 ? "s" : ""}`,
  X: normalPoints(70 + k, n, k === 3 ? 3 : 1, 1e3, 0.01),
  heldOut: [],
  scalerOnly: true,
  params: { kernel: "rbf", nu: 0.5, gamma: "scale" },
}));
cases.push(...scalerCases);

let sklearn: { sklearn: string; results: SklearnFit[] };
beforeAll(() => {
  sklearn = fitWithSklearn(cases);
}, 600_000);

const relative = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

describe("StandardScaler and gamma='scale' equal scikit-learn's bit for bit", () => {
  it.each(scalerCases.map((c) => [c.name, cases.indexOf(c)] as const))("%s", (_, i) => {
    const x = new Matrix(cases[i]!.X as number[][]);
    const scaler = fitStandardScaler(x);
    const expected = sklearn.results[i]!;
    expect(Array.from(scaler.mean)).toEqual(expected.mean);
    expect(Array.from(scaler.scale)).toEqual(expected.scale);
    expect(resolveGamma("scale", standardize(x, scaler))).toBe(expected.gamma);
  });
});

describe("fitPipeline equals scikit-learn's Pipeline(StandardScaler, OneClassSVM)", () => {
  it.each(cases.flatMap((c, i) => (c.scalerOnly ? [] : [[c.name, i] as const])))("%s", (_, i) => {
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
