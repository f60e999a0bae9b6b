import type { ModelParams } from "@fleetscore/contracts";
import { Matrix } from "ml-matrix";
import { fitOneClassSvm, type FittedOneClassSvm, type OneClassSvmOptions } from "./fit-one-class-svm.js";
import { fitStandardScaler, standardize, type StandardScalerParams } from "./standard-scaler.js";
import { SvmTrainingError } from "./svm-training-error.js";

export interface FitPipelineOptions extends OneClassSvmOptions {
  /** Fewer rows refuse the model with `TooFewRows`. Default 2. */
  readonly minRows?: number;
}

export interface FittedPipeline {
  readonly scaler: StandardScalerParams;
  readonly svm: FittedOneClassSvm;
  /** The model file's parameters (fixtures/README "JSON parameters"), without device, sensor and source. */
  readonly params: ModelParams;
}

/**
 * Fits `Pipeline([StandardScaler(), OneClassSVM(...)])` on the rows of `x` (one point per row, one column per
 * feature) as scikit-learn 1.2 fits it.
 * @throws SvmTrainingError `TooFewRows`, `InvalidValues` (NaN or Infinity), `ConstantValues` (every row
 *   equal: the scaler maps them all to 0), `InvalidOption`.
 */
export function fitPipeline(x: Matrix | readonly (readonly number[])[], options: FitPipelineOptions = {}): FittedPipeline {
  const data = Matrix.isMatrix(x) ? x : new Matrix(x as number[][]);
  const minRows = Math.max(1, options.minRows ?? 2);
  if (data.rows < minRows) throw new SvmTrainingError(`has ${data.rows} row${data.rows === 1 ? "" : "s"}, fewer than the ${minRows} needed to train`, "TooFewRows");
  for (let i = 0; i < data.rows; i++) {
    for (let j = 0; j < data.columns; j++) {
      if (!Number.isFinite(data.get(i, j))) throw new SvmTrainingError(`row ${i} has the value ${data.get(i, j)}; every value must be finite`, "InvalidValues");
    }
  }
  if (data.rows > 1 && data.to2DArray().every((r, i, rows) => i === 0 || r.every((v, j) => v === rows[0]![j]))) {
    throw new SvmTrainingError(`all ${data.rows} rows are ${JSON.stringify(data.getRow(0))}: constant values have no shape to learn`, "ConstantValues");
  }
  const scaler = fitStandardScaler(data);
  const svm = fitOneClassSvm(standardize(data, scaler), options);
  const params: ModelParams = {
    nFeatures: data.columns,
    scaler: { mean: Array.from(scaler.mean), scale: Array.from(scaler.scale) },
    svm: {
      kernel: svm.kernel,
      gamma: svm.gamma,
      coef0: svm.coef0,
      degree: svm.degree,
      supportVectors: svm.supportVectors.map((v) => [...v]),
      dualCoef: [...svm.dualCoef],
      rho: svm.rho,
      nu: svm.nu,
    },
  };
  return { scaler, svm, params };
}
