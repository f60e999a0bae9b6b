import { Matrix } from "ml-matrix";

/** The kernels of scikit-learn's OneClassSVM, with the parameters libsvm's `Kernel` takes. */
export interface KernelSpec {
  readonly kernel: "linear" | "poly" | "rbf" | "sigmoid";
  readonly gamma: number;
  readonly coef0: number;
  readonly degree: number;
}

/** scikit-learn's default `cache_size`: 200 MB of kernel rows. */
export const DEFAULT_CACHE_BYTES = 200 * 2 ** 20;

/** libsvm's `powi`: `base^times` by squaring, in the same order (Math.pow rounds differently). */
export function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1.0;
  for (let t = times; t > 0; t = Math.trunc(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp = tmp * tmp;
  }
  return ret;
}

/**
 * Rows of libsvm's one-class Q matrix (`ONE_CLASS_Q`: Q_ij = K(x_i, x_j)) over the training points, in the
 * points' own order, kept in a least-recently-used cache bounded like libsvm's `cache_size`.
 *
 * Like libsvm as scikit-learn builds it (`typedef float Qfloat`), a row holds float32 values (each kernel
 * value computed in float64, then rounded once), while the diagonal `QD` stays float64. The dot products
 * come from ml-matrix (`mmul`: `s = 0; s += a_k * b_k` over the features in order, libsvm's `Kernel::dot`);
 * the kernel map and the float32 rounding are written here because ml-matrix has no float32 storage.
 * RBF uses libsvm's training form `exp(-gamma * (|x_i|^2 + |x_j|^2 - 2 x_i.x_j))`, not the distance form
 * its `k_function` (prediction) uses.
 */
export class KernelRows {
  readonly size: number;
  /** Q_ii in float64 (libsvm's `QD`). */
  readonly diagonal: Float64Array;
  readonly #x: Matrix;
  readonly #xt: Matrix;
  readonly #squares: Float64Array | undefined;
  readonly #kernel: (i: number, j: number, dot: number) => number;
  /** Map iteration order is insertion order: the first key is the least recently used row. */
  readonly #cache = new Map<number, Float32Array>();
  readonly #maxRows: number;
  #computed = 0;

  constructor(x: Matrix, spec: KernelSpec, cacheBytes = DEFAULT_CACHE_BYTES) {
    this.size = x.rows;
    this.#x = x;
    this.#xt = x.transpose();
    // libsvm keeps at least two rows whatever the size (a working pair).
    this.#maxRows = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(1, x.rows))));
    // x_i . x_i, libsvm's x_square (RBF) and the argument of QD: only the diagonal of X X^T, which ml-matrix
    // can only give as whole rows (n times the work), so summed here in Kernel::dot's order.
    const squares = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let sum = 0;
      for (let k = 0; k < x.columns; k++) sum += x.get(i, k) * x.get(i, k);
      squares[i] = sum;
    }
    if (spec.kernel === "rbf") this.#squares = squares;
    this.#kernel = this.#kernelOf(spec);
    this.diagonal = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) this.diagonal[i] = this.#kernel(i, i, squares[i]!);
  }

  /** Kernel rows computed so far (cache misses), for figures. */
  get computedRows(): number {
    return this.#computed;
  }

  /** Row `i` of Q (float32, in point order), from the cache or computed (evicting the least recently used row when full). */
  row(i: number): Float32Array {
    const cached = this.#cache.get(i);
    if (cached) {
      this.#cache.delete(i);
      this.#cache.set(i, cached);
      return cached;
    }
    if (this.#cache.size >= this.#maxRows) this.#cache.delete(this.#cache.keys().next().value!);
    const dots = this.#dots(i);
    const row = new Float32Array(this.size);
    for (let j = 0; j < this.size; j++) row[j] = this.#kernel(i, j, dots[j]!);
    this.#cache.set(i, row);
    this.#computed++;
    return row;
  }

  /** x_i . x_j for every j: one row of X X^T by ml-matrix. */
  #dots(i: number): readonly number[] {
    return this.#x.subMatrixRow([i]).mmul(this.#xt).getRow(0);
  }

  /** The kernel as a function of (i, j, x_i . x_j), chosen once: rows call it n times each. */
  #kernelOf(spec: KernelSpec): (i: number, j: number, dot: number) => number {
    const { gamma, coef0, degree } = spec;
    switch (spec.kernel) {
      case "linear":
        return (_i, _j, dot) => dot;
      case "poly":
        return (_i, _j, dot) => powi(gamma * dot + coef0, degree);
      case "rbf": {
        const squares = this.#squares!;
        return (i, j, dot) => Math.exp(-gamma * (squares[i]! + squares[j]! - 2 * dot));
      }
      case "sigmoid":
        return (_i, _j, dot) => Math.tanh(gamma * dot + coef0);
    }
  }
}
