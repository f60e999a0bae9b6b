import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ModelArtifact } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { decodeOnnxSvmModel, isScoringError, TsScoringEngine, type ScoringEngine, type ScoringErrorCode } from "./index.js";
import { OnnxScoringEngine } from "./onnx/index.js";
import { prng, REFERENCE_MODELS } from "./test-fixtures/fixtures.js";
import { writeSvmOnnx, type PlainModel, type SvmOnnxSpec } from "./test-fixtures/write-svm-onnx.js";

const GOOD: SvmOnnxSpec = {
  featureCount: 1,
  kernel: "RBF",
  gamma: 0.01,
  coef0: 0,
  degree: 3,
  supportVectors: [1.3, -1.7],
  coefficients: [0.015, 0.015],
  rho: -0.0285,
  offset: [12.4],
  scale: [0.735],
};

/* eslint-disable @typescript-eslint/no-explicit-any */
const svmNode = (m: PlainModel): any => m.graph.node.find((n: any) => n.opType === "SVMRegressor");
const scalerNode = (m: PlainModel): any => m.graph.node.find((n: any) => n.opType === "Scaler");
const attr = (node: any, name: string): any => node.attribute.find((a: any) => a.name === name);
const dropAttr = (node: any, name: string): void => {
  node.attribute = node.attribute.filter((a: any) => a.name !== name);
};
/* eslint-enable @typescript-eslint/no-explicit-any */

const written = (mutate: (m: PlainModel) => void, spec: Partial<SvmOnnxSpec> = {}) => writeSvmOnnx({ ...GOOD, ...spec, mutate });

interface Case {
  readonly title: string;
  readonly bytes: () => Uint8Array | Promise<Uint8Array>;
  readonly code: ScoringErrorCode;
  /** Node the error must name (in `error.node` and the message), when the fault is in one node. */
  readonly node?: string;
  readonly message: string;
}

const truncatedReference = async () => {
  const bytes = await readFile(resolve(REFERENCE_MODELS, "model_2_3.onnx"));
  return new Uint8Array(bytes.subarray(0, Math.floor(bytes.length / 2)));
};
const garbage = () => {
  const rnd = prng(42);
  return Uint8Array.from({ length: 512 }, () => Math.floor(rnd() * 256));
};

const CASES: Case[] = [
  {
    title: "an operator outside the family",
    bytes: () => written((m) => Object.assign(m.graph.node[3], { opType: "Relu", name: "Relu1" })),
    code: "UnsupportedModel",
    node: "Relu1",
    message: 'node "Relu1" (Relu) has operator "Relu"; supported operators: Scaler, SVMRegressor (ai.onnx.ml), Cast, Sign',
  },
  {
    title: "a Normalizer in place of the Scaler",
    bytes: () => written((m) => Object.assign(scalerNode(m), { opType: "Normalizer", name: "Norm", attribute: [] })),
    code: "UnsupportedModel",
    node: "Norm",
    message: 'node "Norm" (Normalizer) has operator "Normalizer" (domain "ai.onnx.ml")',
  },
  {
    title: "an SVMClassifier",
    bytes: () => written((m) => (svmNode(m).opType = "SVMClassifier")),
    code: "UnsupportedModel",
    node: "SVM",
    message: 'node "SVM" (SVMClassifier) is an SVMClassifier (a classifier)',
  },
  {
    title: "one_class=1",
    bytes: () => written((m) => svmNode(m).attribute.push({ name: "one_class", type: 2, i: 1 })),
    code: "UnsupportedModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has one_class=1',
  },
  {
    title: "post_transform LOGISTIC",
    bytes: () => written((m) => (attr(svmNode(m), "post_transform").s = new TextEncoder().encode("LOGISTIC"))),
    code: "UnsupportedModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has post_transform "LOGISTIC"; only NONE is supported',
  },
  {
    title: "an unknown kernel_type",
    bytes: () => written(() => undefined, { kernel: "LAPLACIAN" }),
    code: "UnsupportedModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has kernel_type "LAPLACIAN"; expected one of LINEAR, POLY, RBF, SIGMOID',
  },
  ...["support_vectors", "coefficients", "rho", "kernel_params"].map(
    (name): Case => ({
      title: `no ${name} attribute`,
      bytes: () => written((m) => dropAttr(svmNode(m), name)),
      code: "InvalidModel",
      node: "SVM",
      message: `node "SVM" (SVMRegressor) is missing required attribute ${name}`,
    }),
  ),
  {
    title: "no n_supports attribute",
    bytes: () => written((m) => dropAttr(svmNode(m), "n_supports")),
    code: "InvalidModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) is missing required attribute n_supports',
  },
  {
    title: "no Scaler offset",
    bytes: () => written((m) => dropAttr(scalerNode(m), "offset")),
    code: "InvalidModel",
    node: "Scaler",
    message: 'node "Scaler" (Scaler) is missing required attribute offset',
  },
  {
    title: "a NaN coefficient",
    bytes: () => written(() => undefined, { coefficients: [0.015, Number.NaN] }),
    code: "InvalidModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has coefficients[1] = NaN; parameters must be finite numbers',
  },
  {
    title: "an infinite support vector",
    bytes: () => written(() => undefined, { supportVectors: [Number.POSITIVE_INFINITY, 1] }),
    code: "InvalidModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has support_vectors[0] = Infinity',
  },
  {
    title: "a NaN Scaler scale",
    bytes: () => written(() => undefined, { scale: [Number.NaN] }),
    code: "InvalidModel",
    node: "Scaler",
    message: 'node "Scaler" (Scaler) has scale[0] = NaN',
  },
  {
    title: "support_vectors not a multiple of n_supports",
    bytes: () => written(() => undefined, { supportVectors: [1, 2, 3] }),
    code: "InvalidModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has 3 support_vectors values, not a multiple of n_supports=2',
  },
  {
    title: "coefficients that do not match n_supports",
    bytes: () => written((m) => (attr(svmNode(m), "n_supports").i = 1), { supportVectors: [1, 2], coefficients: [0.5, 0.5] }),
    code: "InvalidModel",
    node: "SVM",
    message: 'node "SVM" (SVMRegressor) has 2 coefficients; expected one per support vector (n_supports=1)',
  },
  {
    title: "Scaler offsets for another feature count",
    bytes: () => written(() => undefined, { featureCount: 3, supportVectors: [1, 2, 3, 4, 5, 6], offset: [1, 2], scale: [1, 1] }),
    code: "InvalidModel",
    node: "Scaler",
    message: 'node "Scaler" (Scaler) has 2 offset/scale values but "SVM" (SVMRegressor) has 3 features per support vector',
  },
  {
    title: "an input declared 3 wide for 1-feature support vectors",
    bytes: () => written((m) => (m.graph.input[0].type.tensorType.shape.dim[1].dimValue = 3)),
    code: "InvalidModel",
    node: "SVM",
    message: 'graph input "X" declares 3 features per row but node "SVM" (SVMRegressor) has support vectors of 1 feature',
  },
  {
    title: "no output carrying the score",
    bytes: () => written((m) => (m.graph.output = m.graph.output.filter((o: { name: string }) => o.name !== "scores"))),
    code: "UnsupportedModel",
    message: 'no graph output carries the SVMRegressor\'s score (expected SVMRegressor -> Cast(to=FLOAT) -> an output such as "scores"; outputs: "label")',
  },
  { title: "garbage bytes", bytes: garbage, code: "InvalidModel", message: "(truncated or not ONNX)" },
  { title: "a truncated file", bytes: truncatedReference, code: "InvalidModel", message: "cannot be read as an ONNX protobuf (truncated or not ONNX): " },
  { title: "an empty file", bytes: () => new Uint8Array(0), code: "InvalidModel", message: "the .onnx file is empty" },
];

const ENGINES: readonly ScoringEngine[] = [new TsScoringEngine(), new OnnxScoringEngine()];

describe("models outside the family are refused at load, naming the model and the node", () => {
  for (const c of CASES) {
    it(c.title, async () => {
      const artifact: ModelArtifact = { deviceId: "9", sensorId: "9", modelId: "9_9", source: "test", onnx: await c.bytes() };
      const errors: unknown[] = [];
      for (const engine of ENGINES) errors.push(await engine.load(artifact).then(() => undefined, (e: unknown) => e));
      try {
        decodeOnnxSvmModel(artifact.onnx!, "9_9");
      } catch (e) {
        errors.push(e);
      }
      expect(errors).toHaveLength(3);
      for (const error of errors) {
        expect(isScoringError(error), String(error)).toBe(true);
        expect(error).toMatchObject({ code: c.code, modelId: "9_9", ...(c.node && { node: c.node }) });
        const message = (error as Error).message;
        expect(message.startsWith('Model "9_9": ')).toBe(true);
        expect(message).toContain(c.message);
        // The same clear error from both engines: onnxruntime never sees a refused model.
        expect(message).toBe((errors[0] as Error).message);
      }
    });
  }

  it("the well-formed model of these cases loads", async () => {
    const model = decodeOnnxSvmModel(writeSvmOnnx(GOOD), "9_9");
    expect(model).toMatchObject({ featureCount: 1, nSupports: 2, kernel: "rbf", rho: Math.fround(-0.0285) });
    expect(model.gamma).toBe(Math.fround(0.01));
    expect(Array.from(model.scaler!.offset)).toEqual([Math.fround(12.4)]);
  });

  it("decodes the reference models as skl2onnx wrote them", async () => {
    const bytes = new Uint8Array(await readFile(resolve(REFERENCE_MODELS, "model_1_1.onnx")));
    const model = decodeOnnxSvmModel(bytes, "1_1");
    expect(model).toMatchObject({ modelId: "1_1", featureCount: 1, inputName: "X", scoreOutputName: "scores", kernel: "rbf", nSupports: 2 });
    expect(model.gamma).toBe(Math.fround(0.01));
    expect(model.rho).toBe(Math.fround(-0.028558312472700954));
    expect(model.scaler!.scale[0]).toBe(Math.fround(1 / 1.359883687643532));
  });
});
