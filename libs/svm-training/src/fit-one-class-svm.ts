import { Matrix } from "ml-matrix";
import { DEFAULT_CACHE_BYTES, KernelRows, type KernelSpec } from "./kernel-rows.js";
import { numpyVarianceOfAll } from "./numpy-sums.js";
import { solveOneClass } from "./one-class-solver.js";
import { SvmTrainingError } from "./svm-training-error.js";

/** OneClassSVM's hyper-parameters, with scikit-learn's defaults. */
export interface OneClassSvmOptions {
  /** Upper bound on the share of outliers, lower bound on the share of support vectors, in (0, 1]. Default 0.5. */
  readonly nu?: number;
  /** Default `rbf`. */
  readonly kernel?: KernelSpec["kernel"];
  /** `scale` (default): 1 / (n_features * X.var()); `auto`: 1 / n_features; or a positive number. */
  readonly gamma?: "scale" | "auto" | number;
  /** Degree of the poly kernel. Default 3. */
  readonly degree?: number;
  /** Independent term of the poly and sigmoid kernels. Default 0. */
  readonly coef0?: number;
  /** Stopping tolerance. Default 1e-3. */
  readonly tol?: number;
  /** Default true. */
  readonly shrinking?: boolean;
  /** Bytes of kernel rows kept (scikit-learn's `cache_size`, 200 MB). */
  readonly cacheBytes?: number;
  /** Default: no limit. */
  readonly maxIterations?: number;
}

export interface FittedOneClassSvm extends KernelSpec {
  readonly nu: number;
  /** Indices of the support vectors in the training data, ascending (scikit-learn's `support_`). */
  readonly support: readonly number[];
  readonly supportVectors: readonly (readonly number[])[];
  /** `dual_coef_[0]`: the alphas of the support vectors. */
  readonly dualCoef: readonly number[];
  /** libsvm's rho (scikit-learn's `offset_`, minus `intercept_`). */
  readonly rho: number;
  readonly iterations: number;
  readonly timedOut: boolean;
}

/** Checks the options as scikit-learn's parameter validation would, before any data is read. */
export function checkOneClassSvmOptions(options: OneClassSvmOptions): void {
  const fail = (what: string): never => {
    throw new SvmTrainingError(what, "InvalidOption");
  };
  const { nu = 0.5, gamma = "scale", degree = 3, tol = 1e-3, coef0 = 0, kernel = "rbf" } = options;
  if (!["linear", "poly", "rbf", "sigmoid"].includes(kernel)) fail(`kernel ${String(kernel)} is not one of linear, poly, rbf, sigmoid`);
  if (!(nu > 0 && nu <= 1)) fail(`nu ${nu} is outside (0, 1]`);
  if (typeof gamma === "number" ? !(gamma >= 0 && Number.isFinite(gamma)) : gamma !== "scale" && gamma !== "auto") fail(`gamma ${String(gamma)} is not scale, auto or a non-negative number`);
  if (!(Number.isInteger(degree) && degree >= 0)) fail(`degree ${degree} is not a non-negative integer`);
  if (!(tol > 0 && Number.isFinite(tol))) fail(`tol ${tol} is not a positive number`);
  if (!Number.isFinite(coef0)) fail(`coef0 ${coef0} is not a finite number`);
}

/** `gamma='scale'` / `'auto'` / a number, resolved on the (scaled) training data as `BaseLibSVM.fit` does. */
export function resolveGamma(gamma: OneClassSvmOptions["gamma"], x: Matrix): number {
  if (typeof gamma === "number") return gamma;
  if (gamma === "auto") return 1.0 / x.columns;
  const variance = numpyVarianceOfAll(Float64Array.from(x.to1DArray()));
  return variance !== 0 ? 1.0 / (x.columns * variance) : 1.0;
}

/**
 * Fits `OneClassSVM(...)` on `x` (rows are points, already scaled) as scikit-learn 1.2 does with libsvm:
 * the same support vectors, dual coefficients and rho (see one-class-solver.ts for the solver).
 * @throws SvmTrainingError `InvalidOption`, `TooFewRows` (no row).
 */
export function fitOneClassSvm(x: Matrix, options: OneClassSvmOptions = {}): FittedOneClassSvm {
  checkOneClassSvmOptions(options);
  if (x.rows < 1) throw new SvmTrainingError("no row to train on", "TooFewRows");
  const nu = options.nu ?? 0.5;
  const spec: KernelSpec = { kernel: options.kernel ?? "rbf", gamma: resolveGamma(options.gamma ?? "scale", x), coef0: options.coef0 ?? 0, degree: options.degree ?? 3 };
  const q = new KernelRows(x, spec, options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const solution = solveOneClass(q, nu, {
    ...(options.tol !== undefined && { tol: options.tol }),
    ...(options.shrinking !== undefined && { shrinking: options.shrinking }),
    ...(options.maxIterations !== undefined && { maxIterations: options.maxIterations }),
  });
  const support: number[] = [];
  for (let i = 0; i < x.rows; i++) if (Math.abs(solution.alpha[i]!) > 0) support.push(i);
  return {
    ...spec,
    nu,
    support,
    supportVectors: support.map((i) => x.getRow(i)),
    dualCoef: support.map((i) => solution.alpha[i]!),
    rho: solution.rho,
    iterations: solution.iterations,
    timedOut: solution.timedOut,
  };
}
