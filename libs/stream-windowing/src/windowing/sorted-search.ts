/**
 * Binary searches over an ascending array of numbers: where a value goes so the array stays sorted.
 * `times` and `ends` in the engine are plain arrays (they grow by push), so these take `readonly number[]`.
 */

/** The first index whose element is not below `x` (before any equal elements): 0 to `sorted.length`. */
export function lowerBound(sorted: readonly number[], x: number): number {
  return searchFrom(sorted, x, false);
}

/** The first index whose element is above `x` (after any equal elements): 0 to `sorted.length`. */
export function upperBound(sorted: readonly number[], x: number): number {
  return searchFrom(sorted, x, true);
}

function searchFrom(sorted: readonly number[], x: number, pastEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid]!;
    if (at < x || (pastEqual && at === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
