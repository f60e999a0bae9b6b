import type { ModelArtifact, ModelKey, OperationOptions } from "@fleetscore/contracts";

/** One model a store holds, as listed (nothing downloaded or parsed yet). */
export interface ModelEntry extends ModelKey {
  /** `"<device>_<sensor>"`. */
  readonly modelId: string;
  /** Name of the `.onnx` artifact, when present. */
  readonly onnxName?: string;
  /** Name of the float64 `.json` parameters, when present. */
  readonly paramsName?: string;
  /** Size in bytes of the .onnx (or of the .json when there is no .onnx). */
  readonly sizeInBytes: number;
}

export interface ListModelsOptions extends OperationOptions {}
export interface GetModelOptions extends OperationOptions {}

/**
 * Where models live. The folder store is the embedded default; Blob storage and versions plug in
 * behind the same interface.
 */
export interface ModelStore {
  /** Human-readable location (path or URL, never with credentials), used in messages and manifests. */
  readonly location: string;
  /** Every model of the store, ordered by device then sensor id. */
  list(options?: ListModelsOptions): AsyncIterable<ModelEntry>;
  /**
   * Reads one model with its sha256 and parsed float64 parameters.
   * @throws ModelStoreError `ModelNotFound`, `Unreadable` or `CorruptModel`.
   */
  get(key: ModelKey, options?: GetModelOptions): Promise<ModelArtifact>;
}
