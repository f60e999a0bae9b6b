import { isAnomaly } from "@fleetscore/contracts";

/**
 * The reference script's `Prediction` column for each score: 1 for an anomaly (score <= 0, libsvm's
 * rule, see `isAnomaly` in contracts), else 0.
 */
export function predictions(scores: Float64Array): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = isAnomaly(scores[i]!) ? 1 : 0;
  return out;
}
