/*
 * exp(x) in float64 without a call out of JavaScript: Math.exp is a C++ builtin that TurboFan does not inline
 * (~11.5 ns a call, measured on this project's 2-core machine), and the RBF kernel calls it once per support
 * vector and row (~128 M times on synthetic-5k). Table-driven, as musl's and glibc's exp:
 *   x = k ln2/64 + r, |r| <= ln2/128;  exp(x) = 2^(k >> 6) * 2^((k & 63)/64) * exp(r),
 * with 2^(j/64) correctly rounded (the table below, computed with Python's decimal at 60 digits) and exp(r)
 * as 1 + r + ... + r^5/120 (truncation < 3.5e-17 relative). Within 1 ulp of Math.exp (exp64.test.ts on
 * 10^6 seeded arguments; scripts/check-exp64.mjs on 10^8 or more, outside CI). Outside [-707, 709]
 * (underflow towards subnormals, overflow) and for NaN it is Math.exp.
 */

/** 2^(j/64), j = 0..63, each correctly rounded to float64. */
const TABLE = Float64Array.of(
  1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284,
  1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199,
  1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418,
  1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812,
  1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687,
  1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
  1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303,
  1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112,
  1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647,
  1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384,
  1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
  1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364,
  1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062,
  1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989,
  1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656,
  1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
);
/** 64 / ln 2. */
const INV_LN2_64 = 92.33248261689366;
/** ln2/64 split in two: HI has 33 significant bits, so k * HI is exact for |k| < 2^20. */
const LN2_64_HI = 0.010830424695086549;
const LN2_64_LO = 1.162596423439437e-12;
/** 2^m for m = -1022..1023, at POW2[m + 1022]. */
const POW2 = new Float64Array(2046);
for (let m = -1022; m <= 1023; m++) POW2[m + 1022] = 2 ** m;
/** Adding and subtracting 1.5 * 2^52 rounds a double below 2^51 to an integer (ties to even): Math.round is slower. */
const ROUND_SHIFT = 6755399441055744.0;
/** Below this the result nears the subnormals (exp(-708) ~ 3e-308), where the scaling would round twice. */
const MIN_FAST = -707;
/** Above this exp overflows. */
const MAX_FAST = 709;

/** e^x, within about 1 ulp of the exact value (Math.exp is within 1 ulp too; the two differ by at most 1). */
export function exp64(x: number): number {
  if (!(x >= MIN_FAST && x <= MAX_FAST)) return Math.exp(x);
  const kd = x * INV_LN2_64 + ROUND_SHIFT - ROUND_SHIFT;
  // Exact: kd * HI has at most 33 + 17 significant bits, and x - kd * HI cancels (Sterbenz).
  const r = x - kd * LN2_64_HI - kd * LN2_64_LO;
  const k = kd | 0;
  const t = TABLE[k & 63]!;
  const q = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))));
  return (t + t * q) * POW2[(k >> 6) + 1022]!;
}
