import { describe, expect, it } from "vitest";
import { createScoringEngine, isScoringError } from "./index.js";
import { loadArtifact, REFERENCE_MODELS } from "./test-fixtures/fixtures.js";

describe("createScoringEngine", () => {
  it("auto (the default) picks ts when float64 parameters are present and onnx otherwise", async () => {
    const engine = await createScoringEngine();
    expect(engine.name).toBe("auto");
    const withParams = await engine.load(await loadArtifact(REFERENCE_MODELS, "1_4"));
    const onnxOnly = await engine.load(await loadArtifact(REFERENCE_MODELS, "1_4", { params: false }));
    const paramsOnly = await engine.load(await loadArtifact(REFERENCE_MODELS, "1_4", { onnx: false }));
    expect(withParams).toMatchObject({ modelId: "1_4", engine: "ts", parameters: "float64-json" });
    expect(onnxOnly).toMatchObject({ modelId: "1_4", engine: "onnx", parameters: "onnx" });
    expect(paramsOnly).toMatchObject({ modelId: "1_4", engine: "ts", parameters: "float64-json" });
    const rows = Float64Array.from([10, 20, 30, 40]);
    const a = await withParams.score(rows);
    const b = await onnxOnly.score(rows);
    for (let i = 0; i < rows.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    for (const s of [withParams, onnxOnly, paramsOnly]) await s.release();
  });

  it("ts and onnx give the engine of that name for every model", async () => {
    const artifact = await loadArtifact(REFERENCE_MODELS, "2_5");
    const ts = await createScoringEngine("ts");
    const onnx = await createScoringEngine("onnx");
    expect([ts.name, onnx.name]).toEqual(["ts", "onnx"]);
    expect(await ts.load(artifact)).toMatchObject({ engine: "ts", parameters: "float64-json" });
    const session = await onnx.load(artifact);
    expect(session).toMatchObject({ engine: "onnx", parameters: "onnx" });
    await session.release();
  });

  it("auto passes refusals through, the same from either path", async () => {
    const engine = await createScoringEngine("auto");
    const bad = { deviceId: "1", sensorId: "1", modelId: "1_1", source: "test", onnx: new Uint8Array([1, 2, 3]) };
    const e = await engine.load(bad).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isScoringError(e)).toBe(true);
    expect(e).toMatchObject({ code: "InvalidModel", modelId: "1_1" });
  });

  it("refuses an unknown choice with a RangeError listing the choices", async () => {
    await expect(createScoringEngine("gpu" as "ts")).rejects.toThrow(new RangeError('Unknown scoring engine "gpu"; expected one of auto, onnx, ts'));
  });
});
