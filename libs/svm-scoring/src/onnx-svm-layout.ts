import { OnnxAttributeType, OnnxDataType, onnxProtoRoot } from "./onnx-proto.js";

/**
 * The values of a `Pipeline(StandardScaler, OneClassSVM)` model as skl2onnx stores them (fixtures/README
 * "ONNX layout"): the Scaler's offset and multiplier, the SVMRegressor's attributes as they are (rho already
 * negated, the support vectors flattened row-major), and the model's descriptive fields.
 */
export interface OnnxSvmLayout {
  readonly graphName: string;
  readonly producerName: string;
  readonly docString?: string;
  readonly modelVersion?: number;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly featureCount: number;
  /** No Scaler node when undefined (the SVM reads X itself). */
  readonly scaler?: { readonly offset: readonly number[]; readonly scale: readonly number[] };
  /** `kernel_type`: LINEAR, POLY, RBF or SIGMOID. */
  readonly kernelType: string;
  /** `kernel_params`: gamma, coef0, degree. */
  readonly kernelParams: readonly [number, number, number];
  readonly coefficients: readonly number[];
  readonly rho: number;
  readonly supportVectors: readonly number[];
}

/** A ModelProto as the plain object protobufjs encodes (camelCase), which tests may edit before encoding. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export type OnnxModelObject = { graph: { node: any[]; input: any[]; output: any[]; [k: string]: any }; [k: string]: any };
/* eslint-enable @typescript-eslint/no-explicit-any */

const utf8 = new TextEncoder();
const floats = (name: string, values: readonly number[]) => ({ name, type: OnnxAttributeType.FLOATS, floats: [...values] });
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

/**
 * The ModelProto of `layout` in skl2onnx's node layout: `X -> Scaler -> SVMRegressor -> Cast -> scores` and
 * `scores -> Sign -> Cast(int64) -> label`; ir_version 8, opsets "" 15 and ai.onnx.ml 1. Attributes are
 * sorted by name, as onnx.helper.make_node writes them.
 */
export function onnxSvmModelObject(layout: OnnxSvmLayout): OnnxModelObject {
  const svmInput = layout.scaler ? "variable" : "X";
  return {
    irVersion: 8,
    producerName: layout.producerName,
    ...(layout.modelVersion !== undefined && { modelVersion: layout.modelVersion }),
    ...(layout.docString !== undefined && { docString: layout.docString }),
    opsetImport: [
      { domain: "", version: 15 },
      { domain: "ai.onnx.ml", version: 1 },
    ],
    graph: {
      name: layout.graphName,
      node: [
        ...(layout.scaler ? [node("Scaler", "Scaler", "X", "variable", [floats("offset", layout.scaler.offset), floats("scale", layout.scaler.scale)], "ai.onnx.ml")] : []),
        node(
          "SVM",
          "SVMRegressor",
          svmInput,
          "SVMO1",
          [
            floats("coefficients", layout.coefficients),
            floats("kernel_params", layout.kernelParams),
            string("kernel_type", layout.kernelType),
            int("n_supports", layout.coefficients.length),
            string("post_transform", "NONE"),
            floats("rho", [layout.rho]),
            floats("support_vectors", layout.supportVectors),
          ],
          "ai.onnx.ml",
        ),
        node("Cast", "Cast", "SVMO1", "scores", [int("to", OnnxDataType.FLOAT)]),
        node("Sign", "Sign", "scores", "float_prediction", []),
        node("Cast1", "Cast", "float_prediction", "label", [int("to", OnnxDataType.INT64)]),
      ],
      input: [tensor("X", OnnxDataType.FLOAT, layout.featureCount)],
      output: [tensor("label", OnnxDataType.INT64, 1), tensor("scores", OnnxDataType.FLOAT, 1)],
    },
    ...(layout.metadata !== undefined && { metadataProps: Object.entries(layout.metadata).map(([key, value]) => ({ key, value })) }),
  };
}

/** The ONNX bytes of a ModelProto object. */
export function encodeOnnxModelObject(model: OnnxModelObject): Uint8Array {
  const type = onnxProtoRoot().lookupType("onnx.ModelProto");
  return type.encode(type.fromObject(model)).finish();
}
