import { ModelParams, type ModelArtifact } from "@fleetscore/contracts";
import { writeSvmOnnx } from "./write-svm-onnx.js";

/** A 3-feature polynomial model (the reference models have one feature), as float64 parameters. */
export const THREE_FEATURE_PARAMS = ModelParams.parse({
  nFeatures: 3,
  scaler: { mean: [1, -2, 0.5], scale: [2, 0.5, 1.5] },
  svm: {
    kernel: "poly",
    gamma: 0.3,
    coef0: 0.25,
    degree: 3,
    supportVectors: [
      [0.1, -0.4, 1.2],
      [-1.1, 0.7, 0.3],
      [0.9, 0.2, -0.6],
    ],
    dualCoef: [0.5, 1, 0.25],
    rho: 0.4,
  },
});

/** {@link THREE_FEATURE_PARAMS} as a model store would hand it over: the same model as .onnx and, unless left out, float64 parameters. */
export function threeFeatureArtifact(include: { params?: boolean } = {}): ModelArtifact {
  const p = THREE_FEATURE_PARAMS;
  return {
    deviceId: "900",
    sensorId: "3",
    modelId: "900_3",
    source: "three-feature-model.ts",
    onnx: writeSvmOnnx({
      featureCount: 3,
      kernel: "POLY",
      gamma: p.svm.gamma,
      coef0: p.svm.coef0,
      degree: p.svm.degree,
      supportVectors: p.svm.supportVectors.flat(),
      coefficients: p.svm.dualCoef,
      rho: -p.svm.rho,
      offset: p.scaler.mean,
      scale: p.scaler.scale.map((s) => 1 / s),
    }),
    ...(include.params !== false && { params: p }),
  };
}
