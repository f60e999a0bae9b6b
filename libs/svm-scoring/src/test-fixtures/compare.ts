import { readFileSync } from "node:fs";

export interface ScoreComparison {
  readonly count: number;
  /** Scores that are bit for bit equal. */
  readonly equal: number;
  readonly maxAbsDiff: number;
  /** max |a - b| / max(1, |b|): absolute below 1, relative above. */
  readonly maxRelDiff: number;
}

export function compareScores(actual: Float64Array, expected: Float64Array): ScoreComparison {
  if (actual.length !== expected.length) throw new Error(`lengths differ: ${actual.length} vs ${expected.length}`);
  let equal = 0;
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (Object.is(a, b) || a === b) equal++;
    const d = Math.abs(a - b);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    maxRelDiff = Math.max(maxRelDiff, d / Math.max(1, Math.abs(b)));
  }
  return { count: actual.length, equal, maxAbsDiff, maxRelDiff };
}

export function mergeComparisons(all: readonly ScoreComparison[]): ScoreComparison {
  return all.reduce(
    (m, c) => ({
      count: m.count + c.count,
      equal: m.equal + c.equal,
      maxAbsDiff: Math.max(m.maxAbsDiff, c.maxAbsDiff),
      maxRelDiff: Math.max(m.maxRelDiff, c.maxRelDiff),
    }),
    { count: 0, equal: 0, maxAbsDiff: 0, maxRelDiff: 0 },
  );
}

/**
 * Where the ts engine's emulation is bit for bit: onnxruntime's x64 build on a CPU with FMA (its
 * FMA3 / AVX-512 SGEMM kernels) and glibc's expf. Elsewhere the scores agree to float32 rounding.
 */
export const BIT_EXACT_PLATFORM =
  process.platform === "linux" && process.arch === "x64" && /^flags\s*:.*\bfma\b/m.test(safeRead("/proc/cpuinfo"));

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
