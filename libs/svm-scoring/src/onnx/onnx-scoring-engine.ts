import type { ModelArtifact } from "@fleetscore/contracts";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { checkRows } from "../check-rows.js";
import { checkArtifactAgrees } from "../check-artifact-agrees.js";
import { decodeOnnxSvmModel, type OnnxSvmModel } from "../decode-onnx-svm-model.js";
import type { LoadModelOptions, ScoreOptions, ScoringEngine, ScoringSession } from "../scoring-engine.js";
import { ScoringError } from "../scoring-error.js";

/** Session options: one thread per session (parallelism comes from scoring many models at once). */
const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  // Errors only: onnxruntime's warnings would go straight to stderr, and libs do not write there.
  logSeverityLevel: 3,
};

/**
 * The onnxruntime-node engine: one `InferenceSession` per model, reused for every batch; all rows of
 * a `score()` call go in one float32 tensor [n, F] and the `scores` output (the decision function) is
 * read, never the Sign-based `label`. Models are validated with `decodeOnnxSvmModel` first, so bad
 * models get the same errors as with the pure-TypeScript engine.
 */
export class OnnxScoringEngine implements ScoringEngine {
  readonly name = "onnx";

  /**
   * @throws ScoringError `InvalidModel` / `UnsupportedModel` (see `decodeOnnxSvmModel`; also when the
   *   artifact has no .onnx bytes) or `EngineFailed` when onnxruntime refuses a model that passed
   *   validation; the signal's `AbortError` when aborted.
   */
  async load(model: ModelArtifact, options: LoadModelOptions = {}): Promise<ScoringSession> {
    const { abortSignal } = options;
    abortSignal?.throwIfAborted();
    const { modelId } = model;
    if (!model.onnx) {
      throw new ScoringError(
        `Model "${modelId}" (${model.source}) has no .onnx bytes; the onnx engine needs them (the ts engine can score its float64 parameters)`,
        "InvalidModel",
        { modelId },
      );
    }
    const decoded = decodeOnnxSvmModel(model.onnx, modelId);
    checkArtifactAgrees(model, decoded);
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(model.onnx, SESSION_OPTIONS);
    } catch (e) {
      throw new ScoringError(`Model "${modelId}": onnxruntime cannot load it: ${(e as Error).message}`, "EngineFailed", { modelId, cause: e });
    }
    if (abortSignal?.aborted) {
      await session.release();
      abortSignal.throwIfAborted();
    }
    return new OnnxScoringSession(decoded, session);
  }
}

class OnnxScoringSession implements ScoringSession {
  readonly engine = "onnx";
  readonly parameters = "onnx";
  readonly modelId: string;
  readonly featureCount: number;
  readonly #model: OnnxSvmModel;
  #session: InferenceSession | undefined;
  /** Runs in flight: release() waits for them before freeing the native session. */
  readonly #running = new Set<Promise<unknown>>();

  constructor(model: OnnxSvmModel, session: InferenceSession) {
    this.modelId = model.modelId;
    this.featureCount = model.featureCount;
    this.#model = model;
    this.#session = session;
  }

  async score(rows: Float64Array, options: ScoreOptions = {}): Promise<Float64Array> {
    const { abortSignal } = options;
    abortSignal?.throwIfAborted();
    const session = this.#session;
    if (!session) throw new ScoringError(`Model "${this.modelId}": score() called after release()`, "SessionReleased", { modelId: this.modelId });
    const n = checkRows(rows, this.featureCount, this.modelId);
    if (n === 0) return new Float64Array(0);
    const { inputName, scoreOutputName } = this.#model;
    let output: Tensor | undefined;
    try {
      const input = new Tensor("float32", Float32Array.from(rows), [n, this.featureCount]);
      const run = session.run({ [inputName]: input }, [scoreOutputName]);
      this.#running.add(run);
      try {
        output = (await run)[scoreOutputName];
      } finally {
        this.#running.delete(run);
      }
    } catch (e) {
      throw new ScoringError(`Model "${this.modelId}": onnxruntime failed to score ${n} rows: ${(e as Error).message}`, "EngineFailed", {
        modelId: this.modelId,
        cause: e,
      });
    }
    abortSignal?.throwIfAborted();
    if (!(output?.data instanceof Float32Array) || output.data.length !== n) {
      throw new ScoringError(
        `Model "${this.modelId}": onnxruntime returned ${output ? `${output.type} [${output.dims.join(", ")}]` : "nothing"} for output "${scoreOutputName}"; expected float32 [${n}, 1]`,
        "EngineFailed",
        { modelId: this.modelId },
      );
    }
    return Float64Array.from(output.data);
  }

  async release(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    await Promise.allSettled([...this.#running]);
    await session.release();
  }
}
