import type { ModelArtifact, ModelParams } from "@fleetscore/contracts";

/**
 * scikit-learn's decision_function written out plainly from fixtures/README.md ("Scoring conventions"),
 * independently of the engine: StandardScaler, then sum_i dualCoef_i * K(sv_i, z) - rho.
 */
export function sklearnDecision(p: ModelParams, x: readonly number[]): number {
  const z = x.map((v, j) => (v - p.scaler.mean[j]!) / p.scaler.scale[j]!);
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, ai, j) => s + ai * b[j]!, 0);
  const K = (sv: readonly number[]): number => {
    const { kernel, gamma, coef0, degree } = p.svm;
    if (kernel === "linear") return dot(sv, z);
    if (kernel === "poly") return Math.pow(gamma * dot(sv, z) + coef0, degree);
    if (kernel === "sigmoid") return Math.tanh(gamma * dot(sv, z) + coef0);
    return Math.exp(-gamma * sv.reduce((s, svj, j) => s + (svj - z[j]!) ** 2, 0));
  };
  let sum = 0;
  p.svm.supportVectors.forEach((sv, i) => (sum += p.svm.dualCoef[i]! * K(sv)));
  return sum - p.svm.rho;
}

/** {@link sklearnDecision} over row-major rows of a model with float64 parameters: an oracle for the conformance suite. */
export function sklearnScores(model: ModelArtifact, rows: Float64Array): Float64Array {
  const p = model.params;
  if (!p) throw new Error(`model "${model.modelId}" has no float64 parameters to compute scikit-learn's scores from`);
  const F = p.nFeatures;
  return Float64Array.from({ length: rows.length / F }, (_, r) => sklearnDecision(p, Array.from(rows.subarray(r * F, (r + 1) * F))));
}
