import type { ModelParams } from "@fleetscore/contracts";
import { encodeOnnxModelObject, onnxSvmModelObject } from "./onnx-svm-layout.js";

export interface EncodeOnnxSvmModelOptions {
  /** The graph's name (e.g. `model_1_4`). */
  readonly graphName?: string;
  /** `producer_name` of the model (default `fleetscore`). */
  readonly producerName?: string;
  /** Extra `metadata_props` (device, sensor, source...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Encodes float64 parameters as the ONNX model skl2onnx writes for `Pipeline(StandardScaler, OneClassSVM)`
 * ({@link onnxSvmModelObject}: `Scaler(offset = mean, scale = 1/scale) -> SVMRegressor -> ...`). Every parameter becomes
 * float32, so `decodeOnnxSvmModel(encodeOnnxSvmModel(p))` equals `p` rounded to float32 (the scale as
 * `fround(1 / scale)`, rho negated as ONNX stores it).
 */
export function encodeOnnxSvmModel(params: ModelParams, options: EncodeOnnxSvmModelOptions = {}): Uint8Array {
  const { nFeatures, scaler, svm } = params;
  return encodeOnnxModelObject(
    onnxSvmModelObject({
      graphName: options.graphName ?? "model",
      producerName: options.producerName ?? "fleetscore",
      modelVersion: 1,
      docString: "Pipeline(StandardScaler, OneClassSVM) in skl2onnx layout; outputs: label (int64 sign of score), scores (float32 decision_function)",
      metadata: { layout: "skl2onnx-ocsvm-pipeline", ...options.metadata },
      featureCount: nFeatures,
      scaler: { offset: scaler.mean, scale: scaler.scale.map((s) => 1 / s) },
      kernelType: svm.kernel.toUpperCase(),
      kernelParams: [svm.gamma, svm.coef0, svm.degree],
      coefficients: svm.dualCoef,
      rho: -svm.rho,
      supportVectors: svm.supportVectors.flat(),
    }),
  );
}
