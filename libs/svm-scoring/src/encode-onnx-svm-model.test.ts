import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ModelParams } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { decodeOnnxSvmModel, encodeOnnxSvmModel } from "./index.js";

const REFERENCE = join(import.meta.dirname, "../../../../shared/fixtures/reference/models");
const f32 = (values: readonly number[]) => Float32Array.from(values);

describe("encodeOnnxSvmModel", () => {
  it("writes the reference models so they decode exactly as the fixtures' skl2onnx-layout .onnx files do", async () => {
    const names = (await readdir(REFERENCE)).filter((n) => n.endsWith(".json"));
    expect(names).toHaveLength(15);
    for (const name of names) {
      const params = ModelParams.parse(JSON.parse(await readFile(join(REFERENCE, name), "utf8")));
      const id = name.replace(/\.json$/, "");
      const fixture = decodeOnnxSvmModel(await readFile(join(REFERENCE, `${id}.onnx`)), id);
      expect(decodeOnnxSvmModel(encodeOnnxSvmModel(params, { graphName: id }), id), name).toEqual(fixture);
    }
  });

  it.each(["linear", "poly", "rbf", "sigmoid"] as const)("round-trips a %s model of 3 features to float32 rounding", (kernel) => {
    const params = ModelParams.parse({
      nFeatures: 3,
      scaler: { mean: [1.1, -2.2, 3.3], scale: [0.5, 3, 7.25] },
      svm: { kernel, gamma: 0.123456789, coef0: 0.7, degree: 2, supportVectors: [[0.1, 0.2, 0.3], [-1, 2.5, 1e-9]], dualCoef: [0.25, 0.75], rho: 0.333 },
    });
    const decoded = decodeOnnxSvmModel(encodeOnnxSvmModel(params), "m");
    expect(decoded).toMatchObject({ featureCount: 3, kernel, nSupports: 2, inputName: "X", scoreOutputName: "scores" });
    expect(decoded.scaler!.offset).toEqual(f32([1.1, -2.2, 3.3]));
    expect(decoded.scaler!.scale).toEqual(f32([1 / 0.5, 1 / 3, 1 / 7.25]));
    expect(decoded.supportVectors).toEqual(f32([0.1, 0.2, 0.3, -1, 2.5, 1e-9]));
    expect(decoded.coefficients).toEqual(f32([0.25, 0.75]));
    expect([decoded.gamma, decoded.coef0, decoded.degree]).toEqual([Math.fround(0.123456789), Math.fround(0.7), 2]);
    expect(decoded.rho).toBe(Math.fround(-0.333));
  });
});
