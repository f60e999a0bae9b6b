import type { ModelArtifact } from "@fleetscore/contracts";
import type { OnnxSvmModel } from "./decode-onnx-svm-model.js";
import { ScoringError } from "./scoring-error.js";

/**
 * Two float32 roundings apart at most: skl2onnx stores float32 values computed in float64 (e.g. the
 * Scaler's scale is 1 / std), so a value may differ from `Math.fround` of the .json's by one rounding.
 */
const FLOAT32_TOLERANCE = 2 ** -22;

/**
 * Checks that the two files of a model describe the same model, before either is scored: the `.json`'s
 * device and sensor (when given) are those of the file name, and, when the `.onnx` is there too, every
 * parameter of it is the `.json`'s rounded to float32. Why: a `.json` copied from another model, or a
 * `.onnx` from another training, would otherwise be scored unchecked, and the manifest would record the
 * sha256 of a file that was never used.
 * @param onnx The decoded `.onnx` (decoding it is what finds a truncated file), when there is one.
 * @throws ScoringError `ModelMismatch` naming the first difference.
 */
export function checkArtifactAgrees(artifact: ModelArtifact, onnx: OnnxSvmModel | undefined): void {
  const { params, modelId } = artifact;
  if (!params) return;
  const fail = (what: string): never => {
    throw new ScoringError(`Model "${modelId}": its .json and ${what}; they must describe the same model`, "ModelMismatch", { modelId });
  };
  for (const [field, expected] of [["device", artifact.deviceId], ["sensor", artifact.sensorId]] as const) {
    const value = params[field];
    if (value !== undefined && String(value) !== expected) fail(`file name disagree: the .json says ${field} ${JSON.stringify(String(value).slice(0, 64))}, the file name ${expected}`);
  }
  if (!onnx) return;
  const differs = (what: string): never => fail(`.onnx disagree on ${what}`);
  if (onnx.featureCount !== params.nFeatures) differs(`the feature count (${params.nFeatures} vs ${onnx.featureCount})`);
  if (onnx.kernel !== params.svm.kernel) differs(`the kernel (${params.svm.kernel} vs ${onnx.kernel})`);
  if (onnx.nSupports !== params.svm.supportVectors.length) differs(`the support vector count (${params.svm.supportVectors.length} vs ${onnx.nSupports})`);
  compare(differs, "rho", [-params.svm.rho], [onnx.rho]);
  compare(differs, "gamma", [params.svm.gamma], [onnx.gamma]);
  if (params.svm.kernel === "poly" || params.svm.kernel === "sigmoid") compare(differs, "coef0", [params.svm.coef0], [onnx.coef0]);
  if (params.svm.kernel === "poly") compare(differs, "degree", [params.svm.degree], [onnx.degree]);
  compare(differs, "dual coefficients", params.svm.dualCoef, onnx.coefficients);
  compare(differs, "support vectors", params.svm.supportVectors.flat(), onnx.supportVectors);
  if (onnx.scaler) {
    compare(differs, "the scaler's mean", params.scaler.mean, onnx.scaler.offset);
    compare(differs, "the scaler's scale", params.scaler.scale.map((s) => 1 / s), onnx.scaler.scale);
  } else {
    const identity = params.scaler.mean.every((m) => m === 0) && params.scaler.scale.every((s) => s === 1);
    if (!identity) differs("the scaler (the .onnx has none)");
  }
}

function compare(differs: (what: string) => never, what: string, json: ArrayLike<number>, onnx: ArrayLike<number>): void {
  for (let i = 0; i < json.length; i++) {
    const a = json[i]!;
    const b = onnx[i]!;
    if (Math.abs(a - b) > FLOAT32_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) {
      differs(`${what}${json.length > 1 ? `[${i}]` : ""} (${a} vs ${b})`);
    }
  }
}
