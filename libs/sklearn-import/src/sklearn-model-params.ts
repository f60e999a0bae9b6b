import { ModelParams, type KernelType } from "@fleetscore/contracts";
import { arrayToFloat64, NumpyArray } from "./pickle/numpy-globals.js";
import { describeValue, isPickleTuple, type PickleValue } from "./pickle/pickle-values.js";
import { SklearnEstimator } from "./pickle/sklearn-globals.js";
import { SklearnImportError, type SklearnImportErrorCode } from "./sklearn-import-error.js";

/** Which of the two supported shapes the pickle held. */
export type ImportedEstimator = "Pipeline(StandardScaler, OneClassSVM)" | "OneClassSVM";

export interface SklearnModelParams {
  readonly params: ModelParams;
  readonly estimator: ImportedEstimator;
  /** `_sklearn_version` as pickled (scikit-learn >= 0.18 stores it), or undefined. */
  readonly sklearnVersion: string | undefined;
}

export interface ToModelParamsOptions {
  /** The file, for messages. */
  readonly file: string;
  readonly device?: string | number;
  readonly sensor?: string | number;
  /** Where the parameters came from, recorded as `source` in the JSON. */
  readonly source?: string;
}

const KERNELS: readonly KernelType[] = ["linear", "poly", "rbf", "sigmoid"];

/**
 * Reads the fitted parameters out of an unpickled `Pipeline(StandardScaler, OneClassSVM)` or bare
 * `OneClassSVM`, exactly: every float64 is kept bit for bit (float32 arrays widen exactly). The arrays the
 * decision function really uses are taken (`_dual_coef_`, `_intercept_`, `_gamma` where newer versions keep
 * them); libsvm's rho is minus the intercept. A bare OneClassSVM gets an identity scaler (mean 0, scale 1).
 * @throws SklearnImportError `UnsupportedEstimator` (another estimator or pipeline, a kernel other than
 *   linear/poly/rbf/sigmoid, a sparse fit) or `InvalidParameters` (missing attributes, non-finite values,
 *   shapes that disagree), naming the file and the attribute.
 */
export function toModelParams(root: PickleValue, options: ToModelParamsOptions): SklearnModelParams {
  const { file } = options;
  const fail = (code: SklearnImportErrorCode, message: string): never => {
    throw new SklearnImportError(`${file}: ${message}`, code, file);
  };
  if (!(root instanceof SklearnEstimator)) return fail("UnsupportedEstimator", `holds ${describeValue(root)}, not a scikit-learn estimator`);

  let scaler: SklearnEstimator | undefined;
  let svm: SklearnEstimator;
  if (root.estimator === "Pipeline") {
    const steps = root.state.get("steps");
    const estimators = Array.isArray(steps) ? steps.map((s) => (isPickleTuple(s) && s.length === 2 ? s[1] : s)) : [];
    const names = estimators.map((e) => (e instanceof SklearnEstimator ? e.estimator : describeValue(e ?? null)));
    if (estimators.length !== 2 || names[0] !== "StandardScaler" || names[1] !== "OneClassSVM") {
      return fail("UnsupportedEstimator", `is a Pipeline(${names.join(", ") || "no steps"}); only Pipeline(StandardScaler, OneClassSVM) and a bare OneClassSVM can be imported`);
    }
    scaler = estimators[0] as SklearnEstimator;
    svm = estimators[1] as SklearnEstimator;
  } else if (root.estimator === "OneClassSVM") {
    svm = root;
  } else {
    return fail("UnsupportedEstimator", `is a bare ${root.estimator}; only Pipeline(StandardScaler, OneClassSVM) and a bare OneClassSVM can be imported`);
  }

  const attr = (est: SklearnEstimator, name: string): PickleValue | undefined => est.state.get(name);
  const number = (est: SklearnEstimator, name: string, fallback?: number): number => {
    const v = attr(est, name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === "boolean" || (typeof v !== "number" && typeof v !== "bigint")) return fail("InvalidParameters", `${est.estimator}.${name} is ${describeValue(v)}; expected a number`);
    const n = Number(v);
    if (!Number.isFinite(n)) fail("InvalidParameters", `${est.estimator}.${name} is ${n}; parameters must be finite`);
    return n;
  };
  const array = (est: SklearnEstimator, names: readonly string[], dims: number): { values: Float64Array; shape: readonly number[]; name: string } => {
    const name = names.find((n) => attr(est, n) !== undefined) ?? names[0]!;
    const v = attr(est, name);
    if (!(v instanceof NumpyArray)) return fail("InvalidParameters", `${est.estimator}.${name} is ${describeValue(v)}; expected a numpy array (is the estimator fitted?)`);
    if (v.dtype?.typeKind !== "f") fail("InvalidParameters", `${est.estimator}.${name} has dtype ${v.dtype?.descr}; expected float32 or float64`);
    if (v.shape.length !== dims) fail("InvalidParameters", `${est.estimator}.${name} has shape (${v.shape.join(", ")}); expected ${dims} dimension${dims === 1 ? "" : "s"}`);
    const values = arrayToFloat64(v);
    const bad = values.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail("InvalidParameters", `${est.estimator}.${name} has ${values[bad]} at flat index ${bad}; parameters must be finite`);
    return { values, shape: v.shape, name };
  };

  // OneClassSVM.
  const impl = attr(svm, "_impl");
  if (impl !== undefined && impl !== "one_class") fail("UnsupportedEstimator", `OneClassSVM._impl is ${describeValue(impl)}; expected "one_class"`);
  if (attr(svm, "_sparse") === true) fail("UnsupportedEstimator", "the OneClassSVM was fitted on sparse data; only dense fits can be imported");
  const kernel = attr(svm, "kernel");
  if (typeof kernel !== "string" || !KERNELS.includes(kernel as KernelType)) {
    fail("UnsupportedEstimator", `OneClassSVM.kernel is ${describeValue(kernel ?? null)}; expected one of ${KERNELS.join(", ")}`);
  }
  const sv = array(svm, ["support_vectors_"], 2);
  const [nSupport, nFeatures] = sv.shape as [number, number];
  if (nSupport < 1 || nFeatures < 1) fail("InvalidParameters", `OneClassSVM.support_vectors_ has shape (${sv.shape.join(", ")}); expected at least one support vector of at least one feature`);
  const dual = array(svm, ["_dual_coef_", "dual_coef_"], 2);
  if (dual.shape[0] !== 1 || dual.shape[1] !== nSupport) fail("InvalidParameters", `OneClassSVM.${dual.name} has shape (${dual.shape.join(", ")}); expected (1, ${nSupport}), one per support vector`);
  const intercept = array(svm, ["_intercept_", "intercept_"], 1);
  if (intercept.shape[0] !== 1) fail("InvalidParameters", `OneClassSVM.${intercept.name} has shape (${intercept.shape.join(", ")}); expected (1,)`);
  const gammaValue = attr(svm, "_gamma") ?? attr(svm, "gamma");
  if (typeof gammaValue !== "number") fail("InvalidParameters", `OneClassSVM has gamma ${describeValue(gammaValue ?? null)} and no fitted _gamma; expected a number`);
  const gamma = number(svm, attr(svm, "_gamma") !== undefined ? "_gamma" : "gamma");
  const degree = number(svm, "degree", 3);
  if (!Number.isInteger(degree) || degree < 0) fail("InvalidParameters", `OneClassSVM.degree is ${degree}; expected a non-negative integer`);
  const featuresIn = attr(svm, "n_features_in_");
  if (featuresIn !== undefined && featuresIn !== nFeatures) fail("InvalidParameters", `OneClassSVM.n_features_in_ is ${describeValue(featuresIn)} but support_vectors_ has ${nFeatures} features`);

  // StandardScaler (identity for a bare OneClassSVM or a disabled step).
  let mean: number[] = new Array<number>(nFeatures).fill(0);
  let scale: number[] = new Array<number>(nFeatures).fill(1);
  if (scaler) {
    for (const [flag, name] of [["with_mean", "mean_"], ["with_std", "scale_"]] as const) {
      if (attr(scaler, flag) === false || attr(scaler, name) === null) continue;
      const a = array(scaler, [name], 1);
      if (a.shape[0] !== nFeatures) fail("InvalidParameters", `StandardScaler.${name} has ${a.shape[0]} values but OneClassSVM.support_vectors_ has ${nFeatures} features`);
      if (name === "mean_") mean = Array.from(a.values);
      else scale = Array.from(a.values);
    }
    const zero = scale.indexOf(0);
    if (zero >= 0) fail("InvalidParameters", `StandardScaler.scale_[${zero}] is 0`);
  }

  const supportVectors: number[][] = [];
  for (let i = 0; i < nSupport; i++) supportVectors.push(Array.from(sv.values.subarray(i * nFeatures, (i + 1) * nFeatures)));
  const nu = attr(svm, "nu");
  const version = (scaler ? attr(root, "_sklearn_version") : undefined) ?? attr(svm, "_sklearn_version");
  const candidate = {
    ...(options.device !== undefined && { device: options.device }),
    ...(options.sensor !== undefined && { sensor: options.sensor }),
    ...(options.source !== undefined && { source: options.source }),
    nFeatures,
    scaler: { mean, scale },
    svm: {
      kernel: kernel as KernelType,
      gamma,
      coef0: number(svm, "coef0", 0),
      degree,
      supportVectors,
      dualCoef: Array.from(dual.values),
      // decision_function = sum(dual_coef * K) + intercept; libsvm (and our JSON) call -intercept rho.
      rho: -intercept.values[0]!,
      ...(typeof nu === "number" && Number.isFinite(nu) && { nu }),
    },
  };
  // The contract's own check, so nothing written can fail to load later.
  const parsed = ModelParams.safeParse(candidate);
  if (!parsed.success) return fail("InvalidParameters", `the parameters do not form a valid model: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return {
    params: parsed.data,
    estimator: scaler ? "Pipeline(StandardScaler, OneClassSVM)" : "OneClassSVM",
    sklearnVersion: typeof version === "string" ? version : undefined,
  };
}
