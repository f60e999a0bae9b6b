import type { OnnxSvmModel } from "./decode-onnx-svm-model.js";
import { expf } from "./expf.js";

/*
 * How onnxruntime (CPU, x64, 1.x) evaluates Scaler -> SVMRegressor, and how this file mimics it.
 * Sources: microsoft/onnxruntime onnxruntime/core/providers/cpu/ml/{scaler.cc, svmregressor.cc,
 * svmclassifier.h (SVMCommon::batched_kernel_dot)}, core/providers/cpu/math/gemm.cc (ComputeGemm),
 * core/mlas/lib/sgemm.cpp, x86_64/SgemmKernelM1TransposeBAvx.S, x86_64/FgemmKernel*Common.h, tanh.cpp.
 *
 * Everything is float32; nothing is accumulated in double.
 * - Input: the float64 rows become float32 (the onnx engine's Float32Array tensor).
 * - Scaler: y = float((x - offset[j]) * scale[j]) with float operands: two float32 roundings; length-1
 *   offset/scale broadcast.
 * - RBF kernel (plain C++ loop, no FMA): sum += (x - sv)^2 in float32, feature by feature;
 *   k = expf(-gamma * sum).
 * - LINEAR / POLY / SIGMOID kernels: an SGEMM X * SV^T (alpha = gamma, C = coef0 unless 0; linear:
 *   alpha 1, no C). POLY then applies Eigen: square (degree 2), cube (3), else array.pow, which takes
 *   repeated squaring for integer degrees <= 7 in SIMD packets of 4 floats and std::pow for the tail
 *   elements of the [rows, nSupports] buffer. SIGMOID applies MLAS's rational tanh approximation
 *   (clamped to [-9, 9], evaluated with FMAs), not tanhf.
 * - Decision value: an SGEMM K * coefficients^T with C = rho[0] broadcast and beta = 1, so
 *   score = float(sum_i coef_i * k_i) + rho[0], the order of the sum depending on the MLAS path:
 *   - the general kernel (FMA3 / AVX-512F) accumulates over K sequentially with fused multiply-adds,
 *     in blocks of StrideK (1024 here) whose partial sums are added to C;
 *   - M == 1 (a single row) with alpha 1 takes MlasSgemmKernelM1TransposeBAvx: 8 lanes of unfused
 *     multiply + add, then a fixed reduction tree (which depends on the column's block of 4/2/1);
 *   - N == 1 with ldb == 1 (a single support vector, or a single feature for the kernel SGEMM)
 *     takes the same M1 kernel with A and B swapped: one unfused product.
 *
 * Each step is reproduced with Math.fround. A fused multiply-add a*b + c of float32 values is computed
 * as fround(a * b + c) in double: the product is exact in double, so only a (very rare) double-rounding
 * tie can differ from the hardware FMA. expf is glibc's algorithm (see expf.ts), not Math.exp rounded.
 */

const fround = Math.fround;

/** MLAS_SGEMM_STRIDEN / MLAS_SGEMM_STRIDEK and their adjustment in MlasSgemmOperation (TransA = NoTrans). */
function sgemmStrideK(n: number, k: number): number {
  let strideN = 128;
  let strideK = 128;
  if (n >= k) {
    while (Math.floor(strideK / 2) >= k) {
      strideN *= 2;
      strideK = Math.floor(strideK / 2);
    }
  } else {
    while (strideN > 16 && Math.floor(strideN / 2) >= n) {
      strideK *= 2;
      strideN = Math.floor(strideN / 2);
    }
  }
  return strideK;
}

/**
 * Scores rows the way onnxruntime's CPU provider does for this model (float32 throughout), without
 * onnxruntime: the pure-TypeScript engine's evaluation of `.onnx` parameters.
 * @param rows Row-major, `featureCount` values per row (not validated here; see the sessions).
 * @param out Where to write the scores; a new array by default.
 */
export function onnxDecisionFunction(model: OnnxSvmModel, rows: Float64Array, out?: Float64Array): Float64Array {
  const F = model.featureCount;
  const n = Math.floor(rows.length / F);
  const scores = out ?? new Float64Array(n);
  if (n === 0) return scores;
  if (model.kernel === "rbf" && n > 1 && model.nSupports > 1 && model.nSupports <= sgemmStrideK(1, model.nSupports)) {
    if (F === 1) rbfBatch1(model, rows, n, scores);
    else rbfBatch(model, rows, n, scores);
    return scores;
  }
  const z = new Float64Array(F);
  const k = new Float64Array(model.nSupports);
  const lanes = new Float64Array(8);
  for (let r = 0; r < n; r++) {
    scaleRow(model, rows, r * F, z);
    if (model.kernel === "rbf") rbfKernelRow(model, z, k);
    else dotKernelRow(model, z, r, n, k, lanes);
    scores[r] = decisionValue(k, model.coefficients, model.rho, n, lanes);
  }
  return scores;
}

function scaleRow(model: OnnxSvmModel, rows: Float64Array, base: number, z: Float64Array): void {
  const F = model.featureCount;
  const scaler = model.scaler;
  if (scaler) {
    const { offset, scale } = scaler;
    for (let j = 0; j < F; j++) z[j] = fround(fround(fround(rows[base + j]!) - offset[j]!) * scale[j]!);
  } else {
    for (let j = 0; j < F; j++) z[j] = fround(rows[base + j]!);
  }
}

/** SVMCommon::batched_kernel_dot, RBF branch, for one row. */
function rbfKernelRow(model: OnnxSvmModel, z: Float64Array, k: Float64Array): void {
  const { featureCount: F, nSupports, supportVectors: sv } = model;
  const negGamma = -model.gamma;
  for (let i = 0, s = 0; i < nSupports; i++, s += F) {
    let sum = 0;
    for (let j = 0; j < F; j++) {
      const d = fround(z[j]! - sv[s + j]!);
      sum = fround(sum + fround(d * d));
    }
    k[i] = expf(fround(negGamma * sum));
  }
}

/**
 * SVMCommon::batched_kernel_dot, GEMM branch (LINEAR, POLY, SIGMOID), for one row of a call of
 * `m` rows: K = X * SV^T * alpha + C, then the POLY / SIGMOID transform.
 */
function dotKernelRow(model: OnnxSvmModel, z: Float64Array, row: number, m: number, k: Float64Array, lanes: Float64Array): void {
  const { featureCount: F, nSupports: N, supportVectors: sv, kernel } = model;
  const alpha = kernel === "linear" ? 1 : model.gamma;
  const c = kernel === "linear" ? 0 : model.coef0;
  const hasC = c !== 0; // ComputeGemm passes beta = 0 when there is no C
  if (m === 1 && alpha === 1) {
    // MlasSgemmKernelM1TransposeBAvx(A = x, B = SV, CountN = N): columns in blocks of 4, then 2, then 1.
    const full = N - (N % 4);
    const pair = N % 4 >= 2 ? full + 2 : full;
    for (let j = 0; j < N; j++) {
      m1Lanes(z, 0, sv, j * F, F, lanes);
      const dot = j < full ? reduce4(lanes) : j < pair ? reduce2(lanes) : reduce1(lanes);
      k[j] = hasC ? fround(dot + c) : dot;
    }
  } else if (N === 1 && F === 1 && alpha === 1) {
    // N == 1 && ldb == 1: the M1 kernel with A and B swapped, a single unfused product.
    const p = fround(z[0]! * sv[0]!);
    k[0] = hasC ? fround(p + c) : p;
  } else {
    const strideK = sgemmStrideK(N, F);
    for (let j = 0, s = 0; j < N; j++, s += F) {
      let v = 0;
      for (let k0 = 0; k0 < F; k0 += strideK) {
        const end = Math.min(F, k0 + strideK);
        let acc = 0;
        for (let f = k0; f < end; f++) acc = fround(acc + z[f]! * sv[s + f]!);
        // ZeroMode (first block, no C): acc * alpha; else fused acc * alpha + C.
        v = k0 === 0 && !hasC ? fround(acc * alpha) : fround(acc * alpha + (k0 === 0 ? c : v));
      }
      k[j] = v;
    }
  }
  if (kernel === "poly") {
    const degree = model.degree;
    if (degree === 2) for (let j = 0; j < N; j++) k[j] = fround(k[j]! * k[j]!);
    else if (degree === 3) for (let j = 0; j < N; j++) k[j] = fround(fround(k[j]! * k[j]!) * k[j]!);
    else {
      // Eigen's array.pow(degree) over the whole [m, N] buffer: packets of EIGEN_PACKET elements take
      // unary_pow_impl (repeated squaring for integer degrees up to 7), the tail elements std::pow.
      const total = m * N;
      const packetEnd = total - (total % EIGEN_PACKET);
      const squaring = Number.isInteger(degree) && degree <= 7;
      for (let j = 0, e = row * N; j < N; j++, e++) {
        k[j] = squaring && e < packetEnd ? eigenIntPow(k[j]!, degree) : fround(Math.pow(k[j]!, degree));
      }
    }
  } else if (kernel === "sigmoid") {
    for (let j = 0; j < N; j++) k[j] = mlasTanh(k[j]!);
  }
}

/** Floats per packet of the Eigen code onnxruntime's CPU provider is built with (SSE2). */
const EIGEN_PACKET = 4;

/** Eigen's int_pow: exponentiation by repeated squaring in float32 (1/x first for negative exponents). */
function eigenIntPow(x: number, exponent: number): number {
  if (exponent === 0) return 1;
  let result = exponent < 0 ? fround(1 / x) : x;
  let y = 1;
  for (let e = Math.abs(exponent); e > 1; e = Math.floor(e / 2)) {
    if (e % 2 === 1) y = fround(y * result);
    result = fround(result * result);
  }
  return fround(y * result);
}

/** The decision value of one row: SGEMM of its kernel values with the coefficients, C = rho. */
function decisionValue(k: Float64Array, coef: Float32Array, rho: number, m: number, lanes: Float64Array): number {
  const K = coef.length;
  if (m === 1) {
    m1Lanes(k, 0, coef, 0, K, lanes);
    return fround(reduce1(lanes) + rho);
  }
  if (K === 1) return fround(fround(k[0]! * coef[0]!) + rho);
  const strideK = sgemmStrideK(1, K);
  let v = rho;
  for (let k0 = 0; k0 < K; k0 += strideK) {
    const end = Math.min(K, k0 + strideK);
    let acc = 0;
    for (let i = k0; i < end; i++) acc = fround(acc + k[i]! * coef[i]!);
    v = fround(acc + v);
  }
  return v;
}

/** The common case: RBF, one feature, several rows and support vectors (general SGEMM path, one K block). */
function rbfBatch1(model: OnnxSvmModel, rows: Float64Array, n: number, scores: Float64Array): void {
  const { nSupports, supportVectors: sv, coefficients: coef, rho } = model;
  const negGamma = -model.gamma;
  const offset = model.scaler ? model.scaler.offset[0]! : 0;
  const scale = model.scaler ? model.scaler.scale[0]! : 1;
  const scaled = model.scaler !== undefined;
  for (let r = 0; r < n; r++) {
    const x = fround(rows[r]!);
    const z = scaled ? fround(fround(x - offset) * scale) : x;
    let acc = 0;
    for (let i = 0; i < nSupports; i++) {
      const d = fround(z - sv[i]!);
      const kv = expf(fround(negGamma * fround(d * d)));
      acc = fround(acc + kv * coef[i]!);
    }
    scores[r] = fround(acc + rho);
  }
}

/** RBF, several features, rows and support vectors (general SGEMM path, one K block). */
function rbfBatch(model: OnnxSvmModel, rows: Float64Array, n: number, scores: Float64Array): void {
  const { featureCount: F, nSupports, supportVectors: sv, coefficients: coef, rho } = model;
  const negGamma = -model.gamma;
  const z = new Float64Array(F);
  for (let r = 0; r < n; r++) {
    scaleRow(model, rows, r * F, z);
    let acc = 0;
    for (let i = 0, s = 0; i < nSupports; i++, s += F) {
      let sum = 0;
      for (let j = 0; j < F; j++) {
        const d = fround(z[j]! - sv[s + j]!);
        sum = fround(sum + fround(d * d));
      }
      acc = fround(acc + expf(fround(negGamma * sum)) * coef[i]!);
    }
    scores[r] = fround(acc + rho);
  }
}

/** The 8 accumulators of the M1 kernel: lane l sums the unfused products a[k] * b[k] for k = l mod 8. */
function m1Lanes(a: ArrayLike<number>, aBase: number, b: ArrayLike<number>, bBase: number, count: number, lanes: Float64Array): void {
  lanes.fill(0);
  for (let i = 0; i < count; i++) {
    const l = i & 7;
    lanes[l] = fround(lanes[l]! + fround(a[aBase + i]! * b[bBase + i]!));
  }
}

function reduce4(l: Float64Array): number {
  const lo = fround(fround(fround(l[0]! + l[1]!) + l[2]!) + l[3]!);
  const hi = fround(fround(fround(l[4]! + l[5]!) + l[6]!) + l[7]!);
  return fround(lo + hi);
}

function reduce2(l: Float64Array): number {
  const even = fround(fround(l[0]! + l[2]!) + fround(l[4]! + l[6]!));
  const odd = fround(fround(l[1]! + l[3]!) + fround(l[5]! + l[7]!));
  return fround(even + odd);
}

function reduce1(l: Float64Array): number {
  const lo = fround(fround(l[0]! + l[1]!) + fround(l[2]! + l[3]!));
  const hi = fround(fround(l[4]! + l[5]!) + fround(l[6]! + l[7]!));
  return fround(lo + hi);
}

// MLAS tanh (tanh.cpp / TanhKernelFma3): the rational approximation Eigen uses, clamped to [-9, 9],
// evaluated with fused multiply-adds.
const TANH_LOWER = fround(-9);
const TANH_UPPER = fround(9);
const A13 = fround(-2.76076847742355e-16);
const A11 = fround(2.00018790482477e-13);
const A9 = fround(-8.60467152213735e-11);
const A7 = fround(5.12229709037114e-8);
const A5 = fround(1.48572235717979e-5);
const A3 = fround(6.37261928875436e-4);
const A1 = fround(4.89352455891786e-3);
const B6 = fround(1.19825839466702e-6);
const B4 = fround(1.18534705686654e-4);
const B2 = fround(2.268434632439e-3);
const B0 = fround(4.89352518554385e-3);

function mlasTanh(x: number): number {
  const v = x < TANH_LOWER ? TANH_LOWER : x > TANH_UPPER ? TANH_UPPER : x;
  const v2 = fround(v * v);
  let p = fround(v2 * A13 + A11);
  p = fround(p * v2 + A9);
  p = fround(p * v2 + A7);
  p = fround(p * v2 + A5);
  p = fround(p * v2 + A3);
  p = fround(p * v2 + A1);
  p = fround(p * v);
  let q = fround(v2 * B6 + B4);
  q = fround(q * v2 + B2);
  q = fround(q * v2 + B0);
  return fround(p / q);
}
