import type { ModelParams } from "@fleetscore/contracts";
import { OnnxAttributeType, OnnxDataType, onnxProtoRoot } from "./onnx-proto.js";

export interface EncodeOnnxSvmModelOptions {
  /** The graph's name (e.g. `model_1_4`). */
  readonly graphName?: string;
  /** `producer_name` of the model (default `fleetscore`). */
  readonly producerName?: string;
  /** Extra `metadata_props` (device, sensor, source...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const utf8 = new TextEncoder();

/**
 * Encodes float64 parameters as the ONNX model skl2onnx writes for `Pipeline(StandardScaler, OneClassSVM)`
 * (fixtures/README "ONNX layout"): `Scaler(offset = mean, scale = 1/scale) -> SVMRegressor -> Cast -> scores`
 * and `Sign -> Cast(int64) -> label`; ir_version 8, opsets "" 15 and ai.onnx.ml 1. Every parameter becomes
 * float32, so `decodeOnnxSvmModel(encodeOnnxSvmModel(p))` equals `p` rounded to float32 (the scale as
 * `fround(1 / scale)`, rho negated as ONNX stores it).
 */
export function encodeOnnxSvmModel(params: ModelParams, options: EncodeOnnxSvmModelOptions = {}): Uint8Array {
  const { nFeatures, scaler, svm } = params;
  const floats = (name: string, values: readonly number[]) => ({ name, type: OnnxAttributeType.FLOATS, floats: values });
  const string = (name: string, value: string) => ({ name, type: OnnxAttributeType.STRING, s: utf8.encode(value) });
  const int = (name: string, value: number) => ({ name, type: OnnxAttributeType.INT, i: value });
  const tensor = (name: string, elemType: number, width: number) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } },
  });
  const node = (name: string, opType: string, input: string, output: string, attribute: object[], domain?: string) => ({
    input: [input],
    output: [output],
    name,
    opType,
    attribute,
    ...(domain !== undefined && { domain }),
  });

  const model = {
    irVersion: 8,
    producerName: options.producerName ?? "fleetscore",
    modelVersion: 1,
    docString: "Pipeline(StandardScaler, OneClassSVM) in skl2onnx layout; outputs: label (int64 sign of score), scores (float32 decision_function)",
    opsetImport: [
      { domain: "", version: 15 },
      { domain: "ai.onnx.ml", version: 1 },
    ],
    graph: {
      name: options.graphName ?? "model",
      // Attributes sorted by name, as onnx.helper.make_node writes them.
      node: [
        node("Scaler", "Scaler", "X", "variable", [floats("offset", scaler.mean), floats("scale", scaler.scale.map((s) => 1 / s))], "ai.onnx.ml"),
        node(
          "SVM",
          "SVMRegressor",
          "variable",
          "SVMO1",
          [
            floats("coefficients", svm.dualCoef),
            floats("kernel_params", [svm.gamma, svm.coef0, svm.degree]),
            string("kernel_type", svm.kernel.toUpperCase()),
            int("n_supports", svm.supportVectors.length),
            string("post_transform", "NONE"),
            floats("rho", [-svm.rho]),
            floats("support_vectors", svm.supportVectors.flat()),
          ],
          "ai.onnx.ml",
        ),
        node("Cast", "Cast", "SVMO1", "scores", [int("to", OnnxDataType.FLOAT)]),
        node("Sign", "Sign", "scores", "float_prediction", []),
        node("Cast1", "Cast", "float_prediction", "label", [int("to", OnnxDataType.INT64)]),
      ],
      input: [tensor("X", OnnxDataType.FLOAT, nFeatures)],
      output: [tensor("label", OnnxDataType.INT64, 1), tensor("scores", OnnxDataType.FLOAT, 1)],
    },
    metadataProps: [{ key: "layout", value: "skl2onnx-ocsvm-pipeline" }, ...Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value }))],
  };
  const type = onnxProtoRoot().lookupType("onnx.ModelProto");
  return type.encode(type.fromObject(model)).finish();
}
