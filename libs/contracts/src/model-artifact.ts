import type { ModelKey } from "./ids.js";
import type { ModelParams } from "./model-params.js";

/**
 * A model as handed from a model store to a scoring engine: the ONNX bytes and, when the store has
 * them, the exact float64 parameters (already validated against {@link ModelParams}).
 */
export interface ModelArtifact extends ModelKey {
  /** `"<device>_<sensor>"`, used in every message about the model. */
  readonly modelId: string;
  /** Where the artifact came from (path or URL), for error messages. */
  readonly source: string;
  /** Bytes of `model_<D>_<S>.onnx`; absent only when the store has just the float64 parameters. */
  readonly onnx?: Uint8Array;
  /** Parsed `model_<D>_<S>.json`, when present. */
  readonly params?: ModelParams;
  /** sha256 (hex) of the .onnx bytes. */
  readonly sha256?: string;
  /** sha256 (hex) of the .json bytes. */
  readonly paramsSha256?: string;
}
