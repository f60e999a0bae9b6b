import { ScoringError } from "./scoring-error.js";

/**
 * Checks the rows given to `score()`: a Float64Array whose length is a multiple of the feature count,
 * holding finite numbers only. Returns the number of rows.
 * @throws TypeError when rows is not a Float64Array.
 * @throws ScoringError `FeatureMismatch` or `InvalidInput` (naming the row and feature).
 */
export function checkRows(rows: Float64Array, featureCount: number, modelId: string): number {
  if (!(rows instanceof Float64Array)) {
    throw new TypeError(`Model "${modelId}": rows must be a Float64Array (row-major, ${featureCount} per row), got ${describe(rows)}`);
  }
  const F = featureCount;
  const plural = F === 1 ? "" : "s";
  if (rows.length % F !== 0) {
    throw new ScoringError(
      `Model "${modelId}" expects ${F} feature${plural} per row but got ${rows.length} values (not a multiple of ${F})`,
      "FeatureMismatch",
      { modelId },
    );
  }
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]!;
    if (v - v !== 0) {
      // NaN or +-Infinity (the subtraction is NaN exactly for those).
      const where = F === 1 ? `row ${i}` : `row ${Math.floor(i / F)} feature ${i % F}`;
      throw new ScoringError(`Model "${modelId}": ${where} is ${v}; values must be finite numbers`, "InvalidInput", { modelId });
    }
  }
  return rows.length / F;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
