/*
 * expf as glibc (>= 2.27, also musl) computes it: the ARM optimized-routines algorithm, evaluated in
 * double and rounded once to float32. onnxruntime's RBF kernel calls std::exp(float) -> expf, whose
 * result differs from the correctly rounded exp in about 0.06% of arguments; this reproduces it.
 * (glibc's FMA build fuses three of the polynomial's multiply-adds; that changes the double result by
 * at most an ulp of a double, which changes the float32 result with probability ~2^-29, so the
 * unfused form is used.)
 */

const N = 32;
/** __exp2f_data.tab: bits(2^(i/32)) - (i << 47). */
const TAB_BITS = [
  0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n,
  0x3fef72b83c7d517bn, 0x3fef54873168b9aan, 0x3fef387a6e756238n, 0x3fef1e9df51fdee1n,
  0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn,
  0x3feebfdad5362a27n, 0x3feeb42b569d4f82n, 0x3feeab07dd485429n, 0x3feea47eb03a5585n,
  0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n, 0x3feea11473eb0187n, 0x3feea589994cce13n,
  0x3feeace5422aa0dbn, 0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn,
  0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n,
  0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn, 0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
];
/** 2^(i/32) as glibc's table holds it. */
const TAB = new Float64Array(N);
{
  const bits = new BigUint64Array(TAB.buffer);
  TAB_BITS.forEach((b, i) => (bits[i] = b + (BigInt(i) << 47n)));
}
/** 2^q for the integer part q = k >> 5, |q| < 160. */
const POW2 = new Float64Array(321);
for (let q = -160; q <= 160; q++) POW2[q + 160] = 2 ** q;

/** The double whose IEEE-754 bits are `bits`. */
function f64(bits: bigint): number {
  return new Float64Array(new BigUint64Array([bits]).buffer)[0]!;
}
/** The float32 whose IEEE-754 bits are `bits`. */
function f32(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0]!;
}

const INV_LN2_N = f64(0x40471547652b82fen); // 0x1.71547652b82fep0 * 32
const SHIFT = f64(0x4338000000000000n); // 0x1.8p52
const C0 = f64(0x3ebc6af84b912394n); // 0x1.c6af84b912394p-5 / 32^3
const C1 = f64(0x3f2ebfce50fac4f3n); // 0x1.ebfce50fac4f3p-3 / 32^2
const C2 = f64(0x3f962e42ff0c52d6n); // 0x1.62e42ff0c52d6p-1 / 32
const OFLOW = f32(0x42b17217); // 0x1.62e42ep6f = log(2^128)
const UFLOW = f32(0xc2cff1b4); // -0x1.9fe368p6f = log(2^-150)
const MAY_UFLOW = f32(0xc2ce8ecf); // -0x1.9d1d9ep6f = log(2^-149)
const MIN_SUBNORMAL = 2 ** -149;

/** glibc's expf of a float32 value `x`, as a float32 value. */
export function expf(x: number): number {
  if (!(Math.abs(x) < 88)) {
    if (x !== x) return x;
    if (x > OFLOW) return Infinity;
    if (x < UFLOW) return 0;
    if (x < MAY_UFLOW) return MIN_SUBNORMAL;
  }
  const z = INV_LN2_N * x;
  const kd = z + SHIFT - SHIFT; // round to nearest integer, ties to even
  const r = z - kd;
  const k = kd | 0;
  const s = TAB[k & 31]! * POW2[(k >> 5) + 160]!;
  const r2 = r * r;
  const y = (C0 * r + C1) * r2 + (C2 * r + 1);
  return Math.fround(y * s);
}
