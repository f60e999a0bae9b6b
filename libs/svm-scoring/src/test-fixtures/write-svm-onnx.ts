import { onnxProtoRoot } from "../onnx-proto.js";

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

/* eslint-disable @typescript-eslint/no-explicit-any */
export type PlainModel = { graph: { node: any[]; input: any[]; output: any[]; [k: string]: any }; [k: string]: any };
/* eslint-enable @typescript-eslint/no-explicit-any */

const utf8 = new TextEncoder();
const floats = (name: string, values: readonly number[]) => ({ name, type: 6, floats: [...values] });
const int = (name: string, i: number) => ({ name, type: 2, i });
const str = (name: string, s: string) => ({ name, type: 3, s: utf8.encode(s) });
const tensorInfo = (name: string, elemType: number, width: number) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } },
});

/**
 * Writes ONNX bytes with protobufjs in the node layout skl2onnx uses:
 * `X -> Scaler -> SVMRegressor -> Cast -> scores` and `scores -> Sign -> Cast -> label`.
 */
export function writeSvmOnnx(spec: SvmOnnxSpec): Uint8Array {
  const nSupports = spec.coefficients.length;
  const nodes = [];
  const scaled = spec.offset !== undefined && spec.scale !== undefined;
  if (scaled) {
    nodes.push({
      input: ["X"],
      output: ["variable"],
      name: "Scaler",
      opType: "Scaler",
      domain: "ai.onnx.ml",
      attribute: [floats("offset", spec.offset!), floats("scale", spec.scale!)],
    });
  }
  nodes.push(
    {
      input: [scaled ? "variable" : "X"],
      output: ["SVMO1"],
      name: "SVM",
      opType: "SVMRegressor",
      domain: "ai.onnx.ml",
      attribute: [
        floats("coefficients", spec.coefficients),
        floats("kernel_params", [spec.gamma, spec.coef0, spec.degree]),
        str("kernel_type", spec.kernel),
        int("n_supports", nSupports),
        str("post_transform", "NONE"),
        floats("rho", [spec.rho]),
        floats("support_vectors", spec.supportVectors),
      ],
    },
    { input: ["SVMO1"], output: ["scores"], name: "Cast", opType: "Cast", attribute: [int("to", 1)] },
    { input: ["scores"], output: ["float_prediction"], name: "Sign", opType: "Sign" },
    { input: ["float_prediction"], output: ["label"], name: "Cast1", opType: "Cast", attribute: [int("to", 7)] },
  );
  const model: PlainModel = {
    irVersion: 8,
    producerName: "fleetscore-test",
    opsetImport: [
      { domain: "", version: 15 },
      { domain: "ai.onnx.ml", version: 1 },
    ],
    graph: {
      name: spec.name ?? "svm",
      node: nodes,
      input: [tensorInfo("X", 1, spec.featureCount)],
      output: [tensorInfo("label", 7, 1), tensorInfo("scores", 1, 1)],
    },
  };
  spec.mutate?.(model);
  const type = onnxProtoRoot().lookupType("onnx.ModelProto");
  return type.encode(type.fromObject(model)).finish();
}
