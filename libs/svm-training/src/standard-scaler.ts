import { Matrix } from "ml-matrix";
import { numpyColumnSums } from "./numpy-sums.js";

/** A fitted `StandardScaler`: `z = (x - mean) / scale`, one value per feature. */
export interface StandardScalerParams {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

const EPS = 2 ** -52;

/**
 * Fits `StandardScaler()` as scikit-learn 1.2 does (`_incremental_mean_and_var` from zero samples seen, then
 * `_is_constant_feature` and `_handle_zeros_in_scale`): the mean, the population variance by the corrected
 * two-pass formula `(sum((x - T)^2) - sum(x - T)^2 / n) / n` with `T = sum(x) / n`, and a scale of 1 for a
 * feature whose variance is within float64 rounding of 0 (a constant or near-constant sensor).
 * Sums are numpy's (see numpy-sums.ts): ml-matrix's column statistics add in another order. numpy squares
 * (`temp **= 2`, `correction**2`) as `x * x`.
 */
export function fitStandardScaler(x: Matrix): StandardScalerParams {
  const n = x.rows;
  const f = x.columns;
  const rows = x.to2DArray();
  const sum = numpyColumnSums(rows, f);
  const mean = new Float64Array(f);
  for (let j = 0; j < f; j++) mean[j] = sum[j]! / n;
  // T is new_sum / new_sample_count: the same division as the mean when nothing was seen before.
  const centred = rows.map((r) => r.map((v, j) => v - mean[j]!));
  const correction = numpyColumnSums(centred, f);
  const squared = centred.map((r) => r.map((v) => v * v));
  const unnormalized = numpyColumnSums(squared, f);
  const scale = new Float64Array(f);
  for (let j = 0; j < f; j++) {
    const variance = (unnormalized[j]! - (correction[j]! * correction[j]!) / n) / n;
    const meanTerm = n * mean[j]! * EPS;
    const upperBound = n * EPS * variance + meanTerm * meanTerm;
    scale[j] = variance <= upperBound ? 1 : Math.sqrt(variance);
  }
  return { mean, scale };
}

/** `StandardScaler.transform`: `(x - mean) / scale` in float64, as scikit-learn's in-place `X -= mean; X /= scale`. */
export function standardize(x: Matrix, params: StandardScalerParams): Matrix {
  const z = new Matrix(x.rows, x.columns);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.columns; j++) z.set(i, j, (x.get(i, j) - params.mean[j]!) / params.scale[j]!);
  }
  return z;
}
