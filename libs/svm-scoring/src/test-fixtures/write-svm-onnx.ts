import { encodeOnnxModelObject, onnxSvmModelObject, type OnnxModelObject } from "../onnx-svm-layout.js";

/** What {@link writeSvmOnnx} writes: a model in the skl2onnx layout for Pipeline(StandardScaler, OneClassSVM). */
export interface SvmOnnxSpec {
  readonly name?: string;
  readonly featureCount: number;
  /** `kernel_type`: LINEAR, POLY, RBF or SIGMOID. */
  readonly kernel: string;
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
  /** Flattened row-major [nSupports, featureCount]. */
  readonly supportVectors: readonly number[];
  readonly coefficients: readonly number[];
  /** As stored in ONNX (minus libsvm's rho). */
  readonly rho: number;
  /** Scaler `offset` / `scale` (multiplier); no Scaler node when undefined. */
  readonly offset?: readonly number[];
  readonly scale?: readonly number[];
  /** Edits the plain ModelProto object (protobufjs camelCase form) before encoding: to write broken models. */
  readonly mutate?: (model: PlainModel) => void;
}

export type PlainModel = OnnxModelObject;

/**
 * Writes ONNX bytes with protobufjs in the node layout skl2onnx uses (the one the model writer uses:
 * onnxSvmModelObject): `X -> Scaler -> SVMRegressor -> Cast -> scores` and `scores -> Sign -> Cast -> label`.
 */
export function writeSvmOnnx(spec: SvmOnnxSpec): Uint8Array {
  const model = onnxSvmModelObject({
    graphName: spec.name ?? "svm",
    producerName: "fleetscore-test",
    featureCount: spec.featureCount,
    ...(spec.offset !== undefined && spec.scale !== undefined && { scaler: { offset: spec.offset, scale: spec.scale } }),
    kernelType: spec.kernel,
    kernelParams: [spec.gamma, spec.coef0, spec.degree],
    coefficients: spec.coefficients,
    rho: spec.rho,
    supportVectors: spec.supportVectors,
  });
  spec.mutate?.(model);
  return encodeOnnxModelObject(model);
}
