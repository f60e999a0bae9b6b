import type { ModelArtifact } from "@fleetscore/contracts";
import { checkArtifactAgrees } from "../check-artifact-agrees.js";
import { checkRows } from "../check-rows.js";
import { decodeOnnxSvmModel, type OnnxSvmModel } from "../decode-onnx-svm-model.js";
import { decisionFunction, float64SvmModel, type Float64SvmModel } from "../float64-svm-model.js";
import { onnxDecisionFunction } from "../onnx-decision-function.js";
import type { LoadModelOptions, ScoreOptions, ScoringEngine, ScoringParameters, ScoringSession } from "../scoring-engine.js";
import { ScoringError } from "../scoring-error.js";

/**
 * The pure-TypeScript engine (no native code). With float64 parameters (`model.params`) it reproduces
 * scikit-learn's decision_function; otherwise it decodes the `.onnx` and evaluates it as onnxruntime's
 * CPU provider does (float32 throughout).
 */
export class TsScoringEngine implements ScoringEngine {
  readonly name = "ts";

  /**
   * @throws ScoringError `InvalidModel` / `UnsupportedModel` (see `decodeOnnxSvmModel`, also for the .onnx
   *   beside float64 parameters), `ModelMismatch` (see `checkArtifactAgrees`), or `InvalidModel` when the
   *   artifact has neither parameters nor ONNX bytes; the signal's `AbortError` when aborted.
   */
  async load(model: ModelArtifact, options: LoadModelOptions = {}): Promise<ScoringSession> {
    options.abortSignal?.throwIfAborted();
    return TsScoringSession.fromArtifact(model);
  }
}

type Evaluator =
  | { readonly parameters: "float64-json"; readonly model: Float64SvmModel }
  | { readonly parameters: "onnx"; readonly model: OnnxSvmModel };

class TsScoringSession implements ScoringSession {
  readonly engine = "ts";
  readonly modelId: string;
  readonly parameters: ScoringParameters;
  readonly featureCount: number;
  readonly #evaluator: Evaluator;
  #released = false;

  private constructor(modelId: string, evaluator: Evaluator) {
    this.modelId = modelId;
    this.#evaluator = evaluator;
    this.parameters = evaluator.parameters;
    this.featureCount = evaluator.model.featureCount;
  }

  static fromArtifact(artifact: ModelArtifact): TsScoringSession {
    const { modelId } = artifact;
    if (artifact.params) {
      // The .onnx is not scored here, but it must be sound and the same model (its sha256 is in the manifest).
      checkArtifactAgrees(artifact, artifact.onnx && decodeOnnxSvmModel(artifact.onnx, modelId));
      return new TsScoringSession(modelId, { parameters: "float64-json", model: float64SvmModel(artifact.params, modelId) });
    }
    if (artifact.onnx) {
      return new TsScoringSession(modelId, { parameters: "onnx", model: decodeOnnxSvmModel(artifact.onnx, modelId) });
    }
    throw new ScoringError(`Model "${modelId}" (${artifact.source}) has neither float64 parameters nor .onnx bytes`, "InvalidModel", { modelId });
  }

  async score(rows: Float64Array, options: ScoreOptions = {}): Promise<Float64Array> {
    options.abortSignal?.throwIfAborted();
    if (this.#released) throw new ScoringError(`Model "${this.modelId}": score() called after release()`, "SessionReleased", { modelId: this.modelId });
    checkRows(rows, this.featureCount, this.modelId);
    const e = this.#evaluator;
    return e.parameters === "float64-json" ? decisionFunction(e.model, rows) : onnxDecisionFunction(e.model, rows);
  }

  async release(): Promise<void> {
    this.#released = true;
  }
}
