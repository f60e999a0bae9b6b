import type { ModelArtifact } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { isScoringError, TsScoringEngine, type ScoringEngine } from "../index.js";
import { OnnxScoringEngine } from "../onnx/index.js";
import { loadArtifact, REFERENCE_MODELS } from "../test-fixtures/fixtures.js";
import { writeSvmOnnx } from "../test-fixtures/write-svm-onnx.js";

const threeFeatures: ModelArtifact = {
  deviceId: "t",
  sensorId: "3",
  modelId: "t_3",
  source: "written by the test",
  onnx: writeSvmOnnx({
    featureCount: 3,
    kernel: "RBF",
    gamma: 0.2,
    coef0: 0,
    degree: 3,
    supportVectors: [0, 1, 2, 2, 1, 0],
    coefficients: [1, 1],
    rho: -0.5,
    offset: [0, 0, 0],
    scale: [1, 1, 1],
  }),
};

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "expected a rejection").toBeInstanceOf(Error);
  return e as Error;
}

const engines: [string, () => ScoringEngine][] = [
  ["ts", () => new TsScoringEngine()],
  ["onnx", () => new OnnxScoringEngine()],
];

describe.each(engines)("%s engine sessions", (_name, engine) => {
  it("refuse rows that are not a multiple of the feature count", async () => {
    const session = await engine().load(threeFeatures);
    const e = await rejection(session.score(new Float64Array(7)));
    expect(isScoringError(e)).toBe(true);
    expect(e).toMatchObject({ code: "FeatureMismatch", modelId: "t_3" });
    expect(e.message).toBe('Model "t_3" expects 3 features per row but got 7 values (not a multiple of 3)');
    await session.release();
  });

  it("refuse non-finite values, naming the row (and feature)", async () => {
    const session = await engine().load(threeFeatures);
    const rows = new Float64Array(9);
    rows[4] = Number.NaN;
    const e = await rejection(session.score(rows));
    expect(e).toMatchObject({ name: "ScoringError", code: "InvalidInput", message: 'Model "t_3": row 1 feature 1 is NaN; values must be finite numbers' });
    await session.release();

    const one = await engine().load(await loadArtifact(REFERENCE_MODELS, "2_2", { params: false }));
    const values = Float64Array.from({ length: 10 }, () => 50);
    values[6] = Number.NEGATIVE_INFINITY;
    expect(await rejection(one.score(values))).toMatchObject({ code: "InvalidInput", message: 'Model "2_2": row 6 is -Infinity; values must be finite numbers' });
    await one.release();
  });

  it("refuse rows that are not a Float64Array with a TypeError", async () => {
    const session = await engine().load(threeFeatures);
    const e = await rejection(session.score([1, 2, 3] as unknown as Float64Array));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain("rows must be a Float64Array");
    await session.release();
  });

  it("refuse score() after release()", async () => {
    const session = await engine().load(threeFeatures);
    await session.release();
    expect(await rejection(session.score(new Float64Array(3)))).toMatchObject({ code: "SessionReleased", modelId: "t_3" });
  });

  it("honour an aborted signal with the signal's AbortError", async () => {
    const controller = new AbortController();
    controller.abort();
    const load = await rejection(engine().load(threeFeatures, { abortSignal: controller.signal }));
    expect(load.name).toBe("AbortError");
    const session = await engine().load(threeFeatures);
    const score = await rejection(session.score(new Float64Array(3), { abortSignal: controller.signal }));
    expect(score.name).toBe("AbortError");
    await session.release();
  });

  it("score multi-feature rows, one score per row", async () => {
    const session = await engine().load(threeFeatures);
    expect(session.featureCount).toBe(3);
    const scores = await session.score(new Float64Array([0, 1, 2, 2, 1, 0, 9, 9, 9]));
    expect(scores).toHaveLength(3);
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[2]).toBeLessThan(0);
    await session.release();
  });
});

describe("TsScoringEngine", () => {
  it("prefers float64 parameters and falls back to the .onnx", async () => {
    const engine = new TsScoringEngine();
    const both = await engine.load(await loadArtifact(REFERENCE_MODELS, "3_4"));
    const onnxOnly = await engine.load(await loadArtifact(REFERENCE_MODELS, "3_4", { params: false }));
    expect(both).toMatchObject({ engine: "ts", parameters: "float64-json" });
    expect(onnxOnly).toMatchObject({ engine: "ts", parameters: "onnx" });
    const rows = Float64Array.from({ length: 50 }, (_, i) => 40 + i);
    const [exact, float32] = [await both.score(rows), await onnxOnly.score(rows)];
    for (let i = 0; i < rows.length; i++) expect(Math.abs(exact[i]! - float32[i]!)).toBeLessThan(1e-6);
  });

  it("refuses an artifact with neither parameters nor .onnx bytes", async () => {
    const e = await rejection(new TsScoringEngine().load({ deviceId: "1", sensorId: "1", modelId: "1_1", source: "/models/model_1_1.onnx" }));
    expect(e).toMatchObject({ code: "InvalidModel", message: 'Model "1_1" (/models/model_1_1.onnx) has neither float64 parameters nor .onnx bytes' });
  });
});
