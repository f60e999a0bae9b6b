import {
  decodeOnnxModelProto,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
} from "./onnx-proto.js";
import { ScoringError, type ScoringErrorCode } from "./scoring-error.js";
import type { SvmKernel } from "./svm-kernel.js";

/**
 * The parameters of a `Scaler -> SVMRegressor` ONNX model, validated, exactly as onnxruntime holds them:
 * every number is a float32 value.
 */
export interface OnnxSvmModel {
  readonly modelId: string;
  /** Values per row: the width of the graph input and of each support vector. */
  readonly featureCount: number;
  /** Name of the graph input (float32 [N, featureCount]). */
  readonly inputName: string;
  /** Name of the graph output that carries the decision function (`scores` in the skl2onnx layout). */
  readonly scoreOutputName: string;
  /**
   * The `Scaler` node, computing `(x - offset) * scale`, with length-1 attributes broadcast to
   * `featureCount`; undefined when the graph has no Scaler.
   */
  readonly scaler: { readonly offset: Float32Array; readonly scale: Float32Array } | undefined;
  readonly kernel: SvmKernel;
  /** `kernel_params` [gamma, coef0, degree]; 0, 0, 0 when absent (linear kernel), as in onnxruntime. */
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
  readonly nSupports: number;
  /** `support_vectors`, row-major [nSupports, featureCount], in scaled space. */
  readonly supportVectors: Float32Array;
  /** `coefficients`: one dual coefficient per support vector. */
  readonly coefficients: Float32Array;
  /** `rho[0]` as stored in ONNX, i.e. *added* to the sum: minus libsvm's rho. */
  readonly rho: number;
}

const ML_DOMAIN = "ai.onnx.ml";
const SUPPORTED_OPS = "Scaler, SVMRegressor (ai.onnx.ml), Cast, Sign";
const KERNELS: Readonly<Record<string, SvmKernel>> = { LINEAR: "linear", POLY: "poly", RBF: "rbf", SIGMOID: "sigmoid" };
const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Decodes and validates the ONNX bytes of a `Pipeline(StandardScaler, OneClassSVM)` model in the layout
 * skl2onnx writes (`Scaler -> SVMRegressor -> Cast -> scores`, plus `Sign -> Cast -> label`).
 * @throws ScoringError `InvalidModel` (unreadable protobuf, missing attribute, non-finite or inconsistent
 *   parameters, input width different from the support vectors') or `UnsupportedModel` (another operator,
 *   a classifier, `one_class=1`, a post_transform other than NONE, ...), naming the model and the node.
 */
export function decodeOnnxSvmModel(bytes: Uint8Array, modelId: string): OnnxSvmModel {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`decodeOnnxSvmModel: bytes must be a Uint8Array, got ${typeof bytes}`);
  /** Node labels as used in messages (`"SVM" (SVMRegressor)`) -> the `node` of the error (`SVM`). */
  const nodeNames = new Map<string, string>();
  const fail: Fail = (code, message, node, cause) => {
    throw new ScoringError(`Model "${modelId}": ${message}`, code, {
      modelId,
      ...(node !== undefined && { node: nodeNames.get(node) ?? node }),
      ...(cause !== undefined && { cause }),
    });
  };

  if (bytes.byteLength === 0) fail("InvalidModel", "the .onnx file is empty");
  let model: OnnxModel;
  try {
    model = decodeOnnxModelProto(bytes);
  } catch (e) {
    return fail("InvalidModel", `cannot be read as an ONNX protobuf (truncated or not ONNX): ${(e as Error).message}`, undefined, e);
  }
  const graph = model.graph;
  if (!graph) return fail("InvalidModel", "is not an ONNX model: it has no graph (truncated or not ONNX)");
  if (graph.node.length === 0) fail("InvalidModel", "has an empty graph (no nodes)");

  const declaredDomains = new Set(model.opsetImport.map((o) => normalizeDomain(o.domain)));
  let scalerNode: OnnxNode | undefined;
  let svmNode: OnnxNode | undefined;
  const producers = new Map<string, OnnxNode>();
  graph.node.forEach((node, index) => nodeNames.set(nodeLabel(node, index), node.name || `#${index}`));
  for (const [index, node] of graph.node.entries()) {
    const op = node.opType ?? "";
    const domain = normalizeDomain(node.domain);
    const label = nodeLabel(node, index);
    if (op === "SVMClassifier") {
      fail("UnsupportedModel", `node ${label} is an SVMClassifier (a classifier); only one-class SVMs exported as SVMRegressor are supported`, label);
    }
    const known =
      (domain === ML_DOMAIN && (op === "Scaler" || op === "SVMRegressor")) || (domain === "" && (op === "Cast" || op === "Sign"));
    if (!known) {
      fail("UnsupportedModel", `node ${label} has operator "${op}"${domain ? ` (domain "${domain}")` : ""}; supported operators: ${SUPPORTED_OPS}`, label);
    }
    if (!declaredDomains.has(domain)) {
      fail("InvalidModel", `node ${label} uses domain "${domain || "ai.onnx"}" but the model imports no opset for it`, label);
    }
    if (op === "Scaler") {
      if (scalerNode) fail("UnsupportedModel", `has more than one Scaler node (${label}); expected at most one`, label);
      scalerNode = node;
    } else if (op === "SVMRegressor") {
      if (svmNode) fail("UnsupportedModel", `has more than one SVMRegressor node (${label}); expected exactly one`, label);
      svmNode = node;
    }
    if (node.input.length !== 1 || !node.input[0]) fail("UnsupportedModel", `node ${label} has ${node.input.length} inputs; expected exactly one`, label);
    if (node.output.length !== 1 || !node.output[0]) fail("UnsupportedModel", `node ${label} has ${node.output.length} outputs; expected exactly one`, label);
    const out = node.output[0]!;
    if (producers.has(out)) fail("InvalidModel", `value "${out}" is produced by more than one node (${label})`, label);
    producers.set(out, node);
  }
  if (!svmNode) return fail("UnsupportedModel", `has no SVMRegressor node; expected Scaler -> SVMRegressor (nodes: ${graph.node.map((n, i) => nodeLabel(n, i)).join(", ")})`);
  const svmLabel = nodeLabel(svmNode, graph.node.indexOf(svmNode));

  // Graph input: exactly one float tensor [N, F].
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !initializers.has(i.name));
  if (inputs.length !== 1) fail("UnsupportedModel", `has ${inputs.length} graph inputs; expected exactly one float tensor [N, features]`);
  const input = inputs[0]!;
  const inputName = input.name ?? "";
  const tensorType = input.type?.tensorType;
  if (tensorType?.elemType !== OnnxDataType.FLOAT) {
    fail("UnsupportedModel", `graph input "${inputName}" has element type ${tensorType?.elemType ?? "(none)"}; expected float (1)`);
  }

  // Wiring: input -> [Scaler] -> SVMRegressor.
  const scalerLabel = scalerNode ? nodeLabel(scalerNode, graph.node.indexOf(scalerNode)) : undefined;
  if (scalerNode && scalerNode.input[0] !== inputName) {
    fail("UnsupportedModel", `node ${scalerLabel} reads "${scalerNode.input[0]}"; expected the graph input "${inputName}"`, scalerLabel);
  }
  const svmSource = scalerNode ? scalerNode.output[0] : inputName;
  if (svmNode.input[0] !== svmSource) {
    fail("UnsupportedModel", `node ${svmLabel} reads "${svmNode.input[0]}"; expected "${svmSource}" (${scalerNode ? `the output of ${scalerLabel}` : "the graph input"})`, svmLabel);
  }
  for (const [index, node] of graph.node.entries()) {
    if (node === svmNode || node === scalerNode) continue;
    const label = nodeLabel(node, index);
    if (!producers.has(node.input[0]!)) fail("UnsupportedModel", `node ${label} reads "${node.input[0]}", which no node produces`, label);
    if (node.opType === "Cast") {
      const to = node.attribute.find((a) => a.name === "to");
      if (to?.i === undefined) fail("InvalidModel", `node ${label} (Cast) has no "to" attribute`, label);
    }
  }

  // SVMRegressor attributes.
  const svm = new AttributeReader(svmNode, svmLabel, fail);
  if (svm.int("one_class", 0) !== 0) {
    fail("UnsupportedModel", `node ${svmLabel} has one_class=1: onnxruntime then outputs only +-1 and the score is lost; export with one_class=0 (skl2onnx default)`, svmLabel);
  }
  const postTransform = svm.string("post_transform", "NONE");
  if (postTransform !== "NONE") fail("UnsupportedModel", `node ${svmLabel} has post_transform "${postTransform}"; only NONE is supported`, svmLabel);
  const kernelType = svm.string("kernel_type", "LINEAR");
  const kernel = KERNELS[kernelType];
  if (!kernel) fail("UnsupportedModel", `node ${svmLabel} has kernel_type "${kernelType}"; expected one of ${Object.keys(KERNELS).join(", ")}`, svmLabel);
  const kernelParams = svm.floats("kernel_params", kernel !== "linear");
  if (kernelParams && kernelParams.length !== 3) {
    fail("InvalidModel", `node ${svmLabel} has ${kernelParams.length} kernel_params; expected 3 (gamma, coef0, degree)`, svmLabel);
  }
  const nSupports = svm.int("n_supports");
  if (nSupports === undefined) return fail("InvalidModel", `node ${svmLabel} is missing required attribute n_supports`, svmLabel);
  if (!Number.isSafeInteger(nSupports) || nSupports < 1) {
    fail("UnsupportedModel", `node ${svmLabel} has n_supports=${nSupports}; expected at least 1 support vector (linear-only SVMRegressor is not supported)`, svmLabel);
  }
  const supportVectors = svm.floats("support_vectors", true)!;
  const coefficients = svm.floats("coefficients", true)!;
  const rho = svm.floats("rho", true)!;
  if (supportVectors.length === 0) fail("InvalidModel", `node ${svmLabel} has an empty support_vectors attribute`, svmLabel);
  if (supportVectors.length % nSupports !== 0) {
    fail("InvalidModel", `node ${svmLabel} has ${supportVectors.length} support_vectors values, not a multiple of n_supports=${nSupports}`, svmLabel);
  }
  const featureCount = supportVectors.length / nSupports;
  if (coefficients.length !== nSupports) {
    fail("InvalidModel", `node ${svmLabel} has ${coefficients.length} coefficients; expected one per support vector (n_supports=${nSupports})`, svmLabel);
  }
  if (rho.length !== 1) fail("InvalidModel", `node ${svmLabel} has ${rho.length} rho values; expected 1`, svmLabel);

  // Scaler attributes.
  let scaler: OnnxSvmModel["scaler"];
  if (scalerNode) {
    const s = new AttributeReader(scalerNode, scalerLabel!, fail);
    const offset = s.floats("offset", true)!;
    const scale = s.floats("scale", true)!;
    if (scale.length === 0) fail("InvalidModel", `node ${scalerLabel} has an empty scale attribute`, scalerLabel);
    if (offset.length !== scale.length) {
      fail("InvalidModel", `node ${scalerLabel} has ${offset.length} offset and ${scale.length} scale values; they must have the same length`, scalerLabel);
    }
    if (scale.length !== featureCount && scale.length !== 1) {
      fail("InvalidModel", `node ${scalerLabel} has ${scale.length} offset/scale values but ${svmLabel} has ${featureCount} features per support vector; expected ${featureCount} (or 1)`, scalerLabel);
    }
    scaler = { offset: broadcast(offset, featureCount), scale: broadcast(scale, featureCount) };
  }

  // Declared input width.
  const dims = tensorType?.shape?.dim;
  if (dims) {
    if (dims.length !== 2) fail("UnsupportedModel", `graph input "${inputName}" has rank ${dims.length}; expected [N, ${featureCount}]`);
    const width = dims[1]?.dimValue;
    if (width !== undefined && width !== featureCount) {
      fail("InvalidModel", `graph input "${inputName}" declares ${width} feature${width === 1 ? "" : "s"} per row but node ${svmLabel} has support vectors of ${featureCount} feature${featureCount === 1 ? "" : "s"}`, svmLabel);
    }
  }

  return {
    modelId,
    featureCount,
    inputName,
    scoreOutputName: findScoreOutput(model, svmNode, producers, fail),
    scaler,
    kernel,
    gamma: kernelParams?.[0] ?? 0,
    coef0: kernelParams?.[1] ?? 0,
    degree: kernelParams?.[2] ?? 0,
    nSupports,
    supportVectors,
    coefficients,
    rho: rho[0]!,
  };
}

type Fail = (code: ScoringErrorCode, message: string, node?: string, cause?: unknown) => never;

/**
 * The graph output that carries the SVMRegressor's value through `Cast(to=FLOAT)` nodes only (not
 * through `Sign`): `scores` in the skl2onnx layout.
 */
function findScoreOutput(model: OnnxModel, svmNode: OnnxNode, producers: Map<string, OnnxNode>, fail: Fail): string {
  const graph = model.graph!;
  const carriesScore = (value: string): boolean => {
    for (let hops = 0; hops <= producers.size; hops++) {
      const node = producers.get(value);
      if (!node) return false;
      if (node === svmNode) return true;
      if (node.opType !== "Cast" || node.attribute.find((a) => a.name === "to")?.i !== OnnxDataType.FLOAT) return false;
      value = node.input[0]!;
    }
    return false;
  };
  const candidates = graph.output.map((o) => o.name ?? "").filter(carriesScore);
  const chosen = candidates.includes("scores") ? "scores" : candidates[0];
  if (chosen === undefined) {
    return fail("UnsupportedModel", `no graph output carries the SVMRegressor's score (expected SVMRegressor -> Cast(to=FLOAT) -> an output such as "scores"; outputs: ${graph.output.map((o) => `"${o.name}"`).join(", ") || "none"})`);
  }
  return chosen;
}

function normalizeDomain(domain: string | undefined): string {
  return domain === undefined || domain === "ai.onnx" ? "" : domain;
}

function nodeLabel(node: OnnxNode, index: number): string {
  return node.name ? `"${node.name}" (${node.opType ?? "?"})` : `#${index} (${node.opType ?? "?"})`;
}

function broadcast(values: Float32Array, length: number): Float32Array {
  return values.length === length ? values : new Float32Array(length).fill(values[0]!);
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 1: "FLOAT", 2: "INT", 3: "STRING", 6: "FLOATS", 7: "INTS", 8: "STRINGS" };

/** Typed access to a node's attributes, failing with the node's name. */
class AttributeReader {
  readonly #attributes: Map<string, OnnxAttribute>;
  constructor(
    readonly node: OnnxNode,
    readonly label: string,
    readonly fail: Fail,
  ) {
    this.#attributes = new Map(node.attribute.map((a) => [a.name ?? "", a]));
  }

  #get(name: string, type: number): OnnxAttribute | undefined {
    const a = this.#attributes.get(name);
    if (a && a.type !== undefined && a.type !== type) {
      this.fail("InvalidModel", `node ${this.label} has attribute ${name} of type ${TYPE_NAMES[a.type] ?? a.type}; expected ${TYPE_NAMES[type]}`, this.label);
    }
    return a;
  }

  int(name: string): number | undefined;
  int(name: string, fallback: number): number;
  int(name: string, fallback?: number): number | undefined {
    const a = this.#get(name, OnnxAttributeType.INT);
    return a?.i ?? fallback;
  }

  string(name: string, fallback: string): string {
    const a = this.#get(name, OnnxAttributeType.STRING);
    return a?.s ? utf8.decode(a.s) : fallback;
  }

  /** The values as float32, checked finite; undefined when absent and not required. */
  floats(name: string, required: boolean): Float32Array | undefined {
    const a = this.#get(name, OnnxAttributeType.FLOATS);
    if (!a || (a.floats.length === 0 && a.type === undefined)) {
      if (required) this.fail("InvalidModel", `node ${this.label} is missing required attribute ${name}`, this.label);
      return undefined;
    }
    const values = Float32Array.from(a.floats);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        this.fail("InvalidModel", `node ${this.label} has ${name}[${i}] = ${values[i]}; parameters must be finite numbers`, this.label);
      }
    }
    return values;
  }
}
