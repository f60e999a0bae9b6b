/** The aggregates of one window's values. */
export interface WindowStats {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation (n - 1); 0 for one value. */
  readonly stddev: number;
}

const ascending = (a: number, b: number): number => a - b;

/**
 * Count, mean, min, max and sample standard deviation of `values` (finite, at least one), which it sorts
 * in place.
 *
 * Why this way:
 * - The values are summed in ascending order, so the result depends only on the multiset of values, not
 *   on the order they arrived in: a window filled out of order (within the tolerance), across a
 *   snapshot/restore or in batches of any size gives bit-identical rows, which is what lets a restored
 *   engine reproduce an uninterrupted run exactly.
 * - mean = sum / n: exactly the value for one reading. Rounding can put sum / n a hair outside
 *   [min, max] (three times 0.1 sums to 0.30000000000000004, and / 3 gives 0.10000000000000002), which the
 *   WindowAggregate contract refuses, so it is clamped; a window of equal values then has mean = value.
 * - Variance by the corrected two-pass algorithm (Chan, Golub & LeVeque): sum of squared deviations from
 *   the mean minus the (tiny) correction for the mean's rounding. Unlike sum-of-squares minus n*mean^2 it
 *   cannot cancel catastrophically (sensor values sit far from 0 with small spread), it is at least as
 *   accurate as Welford's update, and never negative; equal values give exactly 0.
 * - Values near the float64 limits overflow the sum or the squares: those windows are computed on values
 *   scaled by the largest magnitude.
 */
export function computeWindowStats(values: number[]): WindowStats {
  const n = values.length;
  if (n === 1) {
    const x = values[0]!;
    return { count: 1, mean: x, min: x, max: x, stddev: 0 };
  }
  values.sort(ascending);
  const min = values[0]!;
  const max = values[n - 1]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  let mean = sum / n;
  let ss = 0;
  let drift = 0;
  if (Number.isFinite(mean)) {
    mean = mean < min ? min : mean > max ? max : mean;
    for (let i = 0; i < n; i++) {
      const d = values[i]! - mean;
      ss += d * d;
      drift += d;
    }
  }
  if (!Number.isFinite(mean) || !Number.isFinite(ss)) return scaledStats(values, min, max);
  const variance = (ss - (drift * drift) / n) / (n - 1);
  return { count: n, mean, min, max, stddev: variance > 0 ? Math.sqrt(variance) : 0 };
}

/** The same on values divided by about the largest magnitude (a power of two, so the scaling is exact). */
function scaledStats(sorted: readonly number[], min: number, max: number): WindowStats {
  const n = sorted.length;
  // 2^1024 is not a float64: cap the exponent, the scaled values are then at most 2 in magnitude.
  const scale = 2 ** Math.min(Math.ceil(Math.log2(Math.max(Math.abs(min), Math.abs(max)))), 1023);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]! / scale;
  const scaledMean = sum / n;
  let ss = 0;
  let drift = 0;
  for (let i = 0; i < n; i++) {
    const d = sorted[i]! / scale - scaledMean;
    ss += d * d;
    drift += d;
  }
  const variance = (ss - (drift * drift) / n) / (n - 1);
  const mean = Math.min(Math.max(scaledMean * scale, min), max);
  const stddev = variance > 0 ? Math.sqrt(variance) * scale : 0;
  // The spread of values near +-1.8e308 can itself exceed float64: report the largest finite number.
  return { count: n, mean, min, max, stddev: Number.isFinite(stddev) ? stddev : Number.MAX_VALUE };
}
