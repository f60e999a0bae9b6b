import { describe, expect, it } from "vitest";
import { decodeOnnxSvmModel, onnxDecisionFunction, TsScoringEngine } from "./index.js";
import { OnnxScoringEngine } from "./onnx/index.js";
import { BIT_EXACT_PLATFORM, compareScores, mergeComparisons, type ScoreComparison } from "./test-fixtures/compare.js";
import { prng } from "./test-fixtures/fixtures.js";
import { writeSvmOnnx, type SvmOnnxSpec } from "./test-fixtures/write-svm-onnx.js";

const KERNELS = ["LINEAR", "POLY", "RBF", "SIGMOID"] as const;

/** A random model in the skl2onnx layout, written by the test itself. */
function randomSpec(rnd: () => number, kernel: string, featureCount: number, nSupports: number, extra: Partial<SvmOnnxSpec> = {}): SvmOnnxSpec {
  return {
    featureCount,
    kernel,
    gamma: 0.05 + rnd() * 0.5,
    coef0: rnd() - 0.5,
    degree: 3,
    supportVectors: Array.from({ length: nSupports * featureCount }, () => rnd() * 4 - 2),
    coefficients: Array.from({ length: nSupports }, () => rnd()),
    rho: -rnd(),
    offset: Array.from({ length: featureCount }, () => rnd() * 20 - 10),
    scale: Array.from({ length: featureCount }, () => 0.2 + rnd()),
    ...extra,
  };
}

/** Scores n rows (around the scaler offsets) with ts-on-onnx and onnxruntime. */
async function compareOn(spec: SvmOnnxSpec, rowCounts: readonly number[], rnd: () => number): Promise<ScoreComparison> {
  const artifact = { deviceId: "t", sensorId: "1", modelId: "t_1", source: "written by the test", onnx: writeSvmOnnx(spec) };
  const ts = await new TsScoringEngine().load(artifact);
  const ort = await new OnnxScoringEngine().load(artifact);
  try {
    const F = spec.featureCount;
    const out: ScoreComparison[] = [];
    for (const n of rowCounts) {
      const rows = Float64Array.from({ length: n * F }, (_, i) => (spec.offset?.[i % F] ?? 0) + (rnd() * 6 - 3) / (spec.scale?.[i % F] ?? 1));
      out.push(compareScores(await ts.score(rows), await ort.score(rows)));
    }
    return mergeComparisons(out);
  } finally {
    await ts.release();
    await ort.release();
  }
}

function expectAgreement(c: ScoreComparison, what: string): void {
  expect(c.maxRelDiff, `${what}: max |ts - onnxruntime| / max(1, |score|)`).toBeLessThanOrEqual(1e-5);
  if (BIT_EXACT_PLATFORM) expect(c.equal, `${what}: scores bit for bit equal`).toBe(c.count);
}

describe("ts evaluation of written .onnx models vs onnxruntime", () => {
  // 1 row takes MLAS's M=1 kernel, more rows the general one; 1, 3, 6 and 43 support vectors cover the
  // single-vector path and the column blocks of 4, 2 and 1.
  const rowCounts = [1, 2, 7, 64];
  for (const kernel of KERNELS) {
    for (const F of [1, 3, 5]) {
      it(`${kernel} kernel, ${F} feature${F === 1 ? "" : "s"}`, async () => {
        const rnd = prng(F * 101 + kernel.length);
        for (const nSupports of [1, 3, 6, 43]) {
          const spec = randomSpec(rnd, kernel, F, nSupports);
          expectAgreement(await compareOn(spec, rowCounts, rnd), `${kernel} F=${F} nSupports=${nSupports}`);
        }
      });
    }
  }

  it("gamma 1 and coef0 0 (the M=1 kernel also for the kernel SGEMM, no C), and no Scaler", async () => {
    const rnd = prng(5);
    for (const kernel of KERNELS) {
      for (const F of [1, 3]) {
        for (const nSupports of [1, 5]) {
          const spec = randomSpec(rnd, kernel, F, nSupports, { gamma: 1, coef0: 0 });
          expectAgreement(await compareOn(spec, rowCounts, rnd), `${kernel} F=${F} nSupports=${nSupports} gamma=1`);
          const { offset: _o, scale: _s, ...unscaled } = spec;
          expectAgreement(await compareOn(unscaled, rowCounts, rnd), `${kernel} F=${F} nSupports=${nSupports} without Scaler`);
        }
      }
    }
  });

  it("polynomial degrees 0 to 7 (Eigen's square, cube, repeated squaring and std::pow tail)", async () => {
    const rnd = prng(11);
    for (const degree of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const spec = randomSpec(rnd, "POLY", 3, 7, { degree });
      expectAgreement(await compareOn(spec, [1, 3, 5, 13], rnd), `POLY degree ${degree}`);
    }
  });

  it("more than 1024 support vectors (MLAS splits K into blocks) and a length-1 Scaler", async () => {
    const rnd = prng(13);
    expectAgreement(await compareOn(randomSpec(rnd, "RBF", 1, 1500), [1, 5, 40], rnd), "RBF with 1500 support vectors");
    expectAgreement(await compareOn(randomSpec(rnd, "LINEAR", 2, 1100), [1, 5, 40], rnd), "LINEAR with 1100 support vectors");
    const broadcast = randomSpec(rnd, "RBF", 3, 5, { offset: [0.5], scale: [2] });
    expectAgreement(await compareOn(broadcast, [1, 8], rnd), "Scaler with one offset and scale for 3 features");
  });

  it("exp of the RBF kernel is glibc's expf (200,000 arguments from 0 down to -110)", async () => {
    // One support vector at 0, coefficient 1, rho 0, no Scaler: the score is expf(-x*x) itself.
    const spec: SvmOnnxSpec = { featureCount: 1, kernel: "RBF", gamma: 1, coef0: 0, degree: 3, supportVectors: [0], coefficients: [1], rho: 0 };
    const rows = Float64Array.from({ length: 200_000 }, (_, i) => Math.sqrt(i * 0.00055));
    const artifact = { deviceId: "e", sensorId: "1", modelId: "e_1", source: "test", onnx: writeSvmOnnx(spec) };
    const ts = await new TsScoringEngine().load(artifact);
    const ort = await new OnnxScoringEngine().load(artifact);
    const c = compareScores(await ts.score(rows), await ort.score(rows));
    await ort.release();
    expect(c.maxAbsDiff).toBeLessThanOrEqual(1e-7);
    if (process.platform === "linux") expect(c.equal).toBe(c.count);
  });

  it("onnxDecisionFunction scores without a session and writes into a given array", () => {
    const model = decodeOnnxSvmModel(writeSvmOnnx(randomSpec(prng(3), "RBF", 2, 4)), "t_2");
    expect(model).toMatchObject({ modelId: "t_2", featureCount: 2, nSupports: 4, kernel: "rbf", inputName: "X", scoreOutputName: "scores" });
    const rows = new Float64Array([1, 2, 3, 4, 5, 6]);
    const out = new Float64Array(3);
    expect(onnxDecisionFunction(model, rows, out)).toBe(out);
    expect(out).toEqual(onnxDecisionFunction(model, rows));
  });
});
