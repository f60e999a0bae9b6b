import type { EngineChoice, EngineName, ModelArtifact, OperationOptions } from "@fleetscore/contracts";

/** Which parameters a session scores with: the exact float64 JSON, or the float32 ONNX attributes. */
export type ScoringParameters = "float64-json" | "onnx";

/** Options of {@link ScoringEngine.load}. */
export interface LoadModelOptions extends OperationOptions {}

/** Options of {@link ScoringSession.score}. */
export interface ScoreOptions extends OperationOptions {}

/**
 * Loads models into sessions. Implementations: `TsScoringEngine` (pure TypeScript), `OnnxScoringEngine`
 * (onnxruntime-node, from `@fleetscore/svm-scoring/onnx`) and the `auto` engine of
 * {@link createScoringEngine}, which picks one of them per model.
 */
export interface ScoringEngine {
  /** `"ts"`, `"onnx"`, or `"auto"` for the engine that picks per model; sessions report what they use. */
  readonly name: EngineChoice;
  /**
   * Validates the model and prepares it for scoring.
   * @throws ScoringError `InvalidModel`, `UnsupportedModel` (naming the model and node), `EngineUnavailable`
   *   or `EngineFailed`; the signal's `AbortError` when aborted.
   */
  load(model: ModelArtifact, options?: LoadModelOptions): Promise<ScoringSession>;
}

/** One loaded model. Reuse it for every batch of that model, then `release()` it. */
export interface ScoringSession {
  readonly modelId: string;
  /** The engine that scores this session. */
  readonly engine: EngineName;
  /** The parameters it scores with. */
  readonly parameters: ScoringParameters;
  /** Values per row. */
  readonly featureCount: number;
  /**
   * One `decision_function` score per row (anomaly iff score <= 0, see `isAnomaly` in contracts).
   * @param rows Row-major, `featureCount` values per row.
   * @throws ScoringError `FeatureMismatch` (length not a multiple of featureCount), `InvalidInput`
   *   (a value that is not finite, naming the row), `SessionReleased` or `EngineFailed`; the signal's
   *   `AbortError` when aborted.
   */
  score(rows: Float64Array, options?: ScoreOptions): Promise<Float64Array>;
  /** Frees the session; idempotent. */
  release(): Promise<void>;
}
