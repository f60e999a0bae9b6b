import { EngineChoice, type ModelArtifact, type OperationOptions } from "@fleetscore/contracts";
import type { LoadModelOptions, ScoringEngine, ScoringSession } from "./scoring-engine.js";
import { ScoringError } from "./scoring-error.js";
import { TsScoringEngine } from "./ts/ts-scoring-engine.js";

/** Options of {@link createScoringEngine}. */
export interface CreateScoringEngineOptions extends OperationOptions {}

type OnnxModule = typeof import("./onnx/index.js");

let onnxModule: Promise<OnnxModule> | undefined;

/**
 * Loads the `./onnx` subpath (and with it onnxruntime-node's native binding) once; a failure is kept
 * and reported again on every later call.
 */
function loadOnnxModule(): Promise<OnnxModule> {
  onnxModule ??= import("./onnx/index.js");
  return onnxModule;
}

function engineUnavailable(e: unknown): ScoringError {
  return new ScoringError(
    `The onnx engine is unavailable: onnxruntime-node's native binding failed to load (${describeError(e)}). ` +
      `Use the ts engine (choice "ts", or "auto" to fall back to it), or reinstall onnxruntime-node for this platform.`,
    "EngineUnavailable",
    { cause: e },
  );
}

/** The message of an error and of the errors that caused it. */
function describeError(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e; c !== undefined && parts.length < 4; c = c instanceof Error ? c.cause : undefined) {
    parts.push(c instanceof Error ? c.message : String(c));
  }
  return parts.join(": ");
}

/**
 * The engine to score with:
 * - `"ts"`: pure TypeScript (float64 parameters when the artifact has them, else its .onnx).
 * - `"onnx"`: onnxruntime-node; fails here, with `EngineUnavailable` saying why, when its native binding
 *   does not load.
 * - `"auto"` (default): per model, `ts` when the artifact has float64 parameters (exact parity with
 *   scikit-learn); otherwise `onnx` when the binding loads (tried once, on first need), else `ts` on the
 *   .onnx. Each session reports the engine and parameters it used.
 * @throws RangeError for an unknown choice; ScoringError `EngineUnavailable` (choice `"onnx"`).
 */
export async function createScoringEngine(choice: EngineChoice = "auto", options: CreateScoringEngineOptions = {}): Promise<ScoringEngine> {
  const parsed = EngineChoice.safeParse(choice);
  if (!parsed.success) throw new RangeError(`Unknown scoring engine "${String(choice)}"; expected one of ${EngineChoice.options.join(", ")}`);
  options.abortSignal?.throwIfAborted();
  switch (parsed.data) {
    case "ts":
      return new TsScoringEngine();
    case "onnx": {
      let mod: OnnxModule;
      try {
        mod = await loadOnnxModule();
      } catch (e) {
        throw engineUnavailable(e);
      }
      return new mod.OnnxScoringEngine();
    }
    case "auto":
      return new AutoScoringEngine();
  }
}

/** Picks `ts` for models with float64 parameters, else `onnx` when its binding loads, else `ts`. */
class AutoScoringEngine implements ScoringEngine {
  readonly name = "auto";
  readonly #ts = new TsScoringEngine();
  #onnx: Promise<ScoringEngine> | undefined;

  async load(model: ModelArtifact, options: LoadModelOptions = {}): Promise<ScoringSession> {
    options.abortSignal?.throwIfAborted();
    if (model.params || !model.onnx) return this.#ts.load(model, options);
    this.#onnx ??= loadOnnxModule().then(
      (mod) => new mod.OnnxScoringEngine(),
      () => this.#ts,
    );
    return (await this.#onnx).load(model, options);
  }
}
