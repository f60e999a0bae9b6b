import type { ModelParams } from "@fleetscore/contracts";
import { ScoringError } from "./scoring-error.js";
import { exp64 } from "./exp64.js";
import type { SvmKernel } from "./svm-kernel.js";

/** The float64 parameters of a `Pipeline(StandardScaler, OneClassSVM)` model, flattened for scoring. */
export interface Float64SvmModel {
  readonly modelId: string;
  readonly featureCount: number;
  /** StandardScaler: z = (x - mean) / scale. */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly kernel: SvmKernel;
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
  readonly nSupports: number;
  /** Row-major [nSupports, featureCount], in scaled space. */
  readonly supportVectors: Float64Array;
  readonly dualCoef: Float64Array;
  /** libsvm's rho: the score is `sum_i dualCoef_i * K(sv_i, z) - rho`. */
  readonly rho: number;
}

/**
 * Flattens validated {@link ModelParams} (a `model_<D>_<S>.json`) for {@link decisionFunction}.
 * @throws ScoringError `InvalidModel` when the sizes disagree or a value is not finite (the contracts
 *   schema already refuses both; this guards callers that skipped it).
 */
export function float64SvmModel(params: ModelParams, modelId: string): Float64SvmModel {
  const fail = (message: string): never => {
    throw new ScoringError(`Model "${modelId}" float64 parameters: ${message}`, "InvalidModel", { modelId });
  };
  const F = params.nFeatures;
  const { svm, scaler } = params;
  if (!Number.isSafeInteger(F) || F < 1) fail(`nFeatures is ${F}; expected a positive integer`);
  if (scaler.mean.length !== F || scaler.scale.length !== F) {
    fail(`scaler has ${scaler.mean.length} means and ${scaler.scale.length} scales; expected nFeatures = ${F} of each`);
  }
  const nSupports = svm.supportVectors.length;
  if (nSupports < 1) fail("has no support vectors");
  if (svm.dualCoef.length !== nSupports) fail(`has ${svm.dualCoef.length} dualCoef values; expected one per support vector (${nSupports})`);
  const supportVectors = new Float64Array(nSupports * F);
  svm.supportVectors.forEach((sv, i) => {
    if (sv.length !== F) fail(`supportVectors[${i}] has ${sv.length} values; expected nFeatures = ${F}`);
    supportVectors.set(sv, i * F);
  });
  const model: Float64SvmModel = {
    modelId,
    featureCount: F,
    mean: Float64Array.from(scaler.mean),
    scale: Float64Array.from(scaler.scale),
    kernel: svm.kernel,
    gamma: svm.gamma,
    coef0: svm.coef0,
    degree: svm.degree,
    nSupports,
    supportVectors,
    dualCoef: Float64Array.from(svm.dualCoef),
    rho: svm.rho,
  };
  const scalars = { gamma: model.gamma, coef0: model.coef0, degree: model.degree, rho: model.rho };
  for (const [name, value] of Object.entries(scalars)) if (!Number.isFinite(value)) fail(`svm.${name} is ${value}; expected a finite number`);
  for (const [name, values] of Object.entries({ mean: model.mean, scale: model.scale, supportVectors, dualCoef: model.dualCoef })) {
    const i = values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) fail(`${name}[${i}] is ${values[i]}; expected a finite number`);
  }
  if (model.scale.includes(0)) fail("scaler.scale contains 0");
  if (model.kernel === "poly" && (!Number.isSafeInteger(model.degree) || model.degree < 0)) fail(`svm.degree is ${model.degree}; expected a non-negative integer`);
  return model;
}

/**
 * scikit-learn's `OneClassSVM.decision_function` after `StandardScaler`, in float64, in libsvm's order of
 * operations: z = (x - mean) / scale; score = sum_i dualCoef_i * K(sv_i, z) - rho. Within ~1e-15 of
 * scikit-learn (the RBF kernel's exp is {@link exp64}, within 1 ulp of libm's; the contract is 1e-12).
 * @param rows Row-major values, `featureCount` per row (not validated here; see the sessions).
 * @param out Where to write the scores (length rows.length / featureCount); a new array by default.
 */
export function decisionFunction(model: Float64SvmModel, rows: Float64Array, out?: Float64Array): Float64Array {
  const F = model.featureCount;
  const n = Math.floor(rows.length / F);
  const scores = out ?? new Float64Array(n);
  if (F === 1 && model.kernel === "rbf") {
    rbf1(model, rows, n, scores);
    return scores;
  }
  const { mean, scale, supportVectors: sv, dualCoef: coef, rho, gamma, coef0, degree, nSupports } = model;
  const z = new Float64Array(F);
  const kernel = model.kernel;
  for (let r = 0, base = 0; r < n; r++, base += F) {
    for (let j = 0; j < F; j++) z[j] = (rows[base + j]! - mean[j]!) / scale[j]!;
    let sum = 0;
    if (kernel === "rbf") {
      for (let i = 0, s = 0; i < nSupports; i++, s += F) {
        let d2 = 0;
        for (let j = 0; j < F; j++) {
          const d = z[j]! - sv[s + j]!;
          d2 += d * d;
        }
        sum += coef[i]! * exp64(-gamma * d2);
      }
    } else {
      for (let i = 0, s = 0; i < nSupports; i++, s += F) {
        let dot = 0;
        for (let j = 0; j < F; j++) dot += z[j]! * sv[s + j]!;
        const k = kernel === "linear" ? dot : kernel === "poly" ? powi(gamma * dot + coef0, degree) : Math.tanh(gamma * dot + coef0);
        sum += coef[i]! * k;
      }
    }
    scores[r] = sum - rho;
  }
  return scores;
}

/**
 * The common case (one feature, RBF kernel) without the inner feature loop; exp64 instead of Math.exp,
 * which TurboFan does not inline: the kernel's exp was half of its time.
 */
function rbf1(model: Float64SvmModel, rows: Float64Array, n: number, scores: Float64Array): void {
  const mean = model.mean[0]!;
  const scale = model.scale[0]!;
  const { supportVectors: sv, dualCoef: coef, rho, gamma, nSupports } = model;
  const negGamma = -gamma;
  for (let r = 0; r < n; r++) {
    const z = (rows[r]! - mean) / scale;
    let sum = 0;
    for (let i = 0; i < nSupports; i++) {
      const d = z - sv[i]!;
      sum += coef[i]! * exp64(negGamma * (d * d));
    }
    scores[r] = sum - rho;
  }
}

/** libsvm's `powi`: integer power by repeated squaring, as scikit-learn's poly kernel computes it. */
function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1;
  for (let t = times; t > 0; t = Math.floor(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp *= tmp;
  }
  return ret;
}
