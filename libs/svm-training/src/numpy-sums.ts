/**
 * numpy's float64 summation orders, written out because the scaler's statistics and `gamma='scale'` must
 * be bit-identical to scikit-learn's and ml-matrix (`sum`, `mean`, `variance`) adds left to right.
 *
 * - A reduction along a contiguous axis (`x.sum()` of a 1-D or C-ordered array, `np.sum(X, axis=0)` when X
 *   has one column) uses numpy's pairwise summation (`pairwise_sum_DOUBLE` in loops_utils.h.src: blocks of
 *   at most 128 values summed in 8 interleaved accumulators, larger runs split in two halves rounded down to a
 *   multiple of 8), over runs of at most 8192 values (numpy's buffer size: the ufunc loop is called once per
 *   run), each run's sum added in turn to the identity 0.
 * - A reduction across rows of a C-ordered matrix of several columns (`np.sum(X, axis=0)`, F > 1) adds row
 *   after row, each column on its own, left to right.
 */

const PW_BLOCKSIZE = 128;

/** numpy's `pairwise_sum_DOUBLE` over `n` values of `a` from `offset`, `stride` apart. */
export function pairwiseSum(a: ArrayLike<number>, offset: number, n: number, stride = 1): number {
  if (n < 8) {
    // -0.0 is numpy's start here (res = -0.0 keeps the sign of an all -0.0 input); it changes no other sum.
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[offset + i * stride]!;
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[offset + j * stride]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += a[offset + (i + j) * stride]!;
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[offset + i * stride]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2, stride) + pairwiseSum(a, offset + n2 * stride, n - n2, stride);
}

/** numpy's `NPY_BUFSIZE`: a reduction's inner loop sees at most this many values at a time. */
const BUFFER_SIZE = 8192;

/** `np.sum(x)` of a contiguous float64 vector: pairwise within each run of 8192 values, runs in turn from 0. */
export function numpySum(a: ArrayLike<number>): number {
  let sum = 0;
  for (let start = 0; start < a.length; start += BUFFER_SIZE) sum += pairwiseSum(a, start, Math.min(BUFFER_SIZE, a.length - start));
  return sum;
}

/**
 * `np.sum(X, axis=0)` of a C-ordered `rows` x `columns` float64 matrix given row by row: pairwise for one
 * column (the axis is contiguous), row after row for several.
 */
export function numpyColumnSums(rows: readonly ArrayLike<number>[], columns: number): Float64Array {
  const sums = new Float64Array(columns);
  if (columns === 1) {
    const column = Float64Array.from(rows, (r) => r[0]!);
    sums[0] = numpySum(column);
    return sums;
  }
  for (const row of rows) for (let j = 0; j < columns; j++) sums[j]! += row[j]!;
  return sums;
}

/** `X.var()` (ddof 0) of every value of a C-ordered matrix, as numpy's `_var`: mean, then the mean square deviation. */
export function numpyVarianceOfAll(values: Float64Array): number {
  const n = values.length;
  const mean = numpySum(values) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares[i] = d * d;
  }
  return numpySum(squares) / n;
}
