import { gunzipSync, inflateSync } from "node:zlib";
import { readPickle } from "./pickle/read-pickle.js";
import { sklearnGlobals } from "./pickle/sklearn-globals.js";
import { isSklearnImportError, SklearnImportError } from "./sklearn-import-error.js";
import { toModelParams, type SklearnModelParams, type ToModelParamsOptions } from "./sklearn-model-params.js";

/** Default byte limit of one model file and of what a compressed joblib dump inflates to. */
export const DEFAULT_MAX_MODEL_BYTES = 256 * 1024 * 1024;

export interface ImportSklearnModelOptions extends ToModelParamsOptions {
  /** `pickle` (default) or `joblib`: a joblib dump (plain, zlib or gzip), its arrays after the pickle opcodes. */
  readonly format?: "pickle" | "joblib";
  /** Larger inputs (or joblib dumps inflating beyond it) are refused with `TooLarge`. Default 256 MiB. */
  readonly maxBytes?: number;
}

/**
 * Reads a scikit-learn `Pipeline(StandardScaler, OneClassSVM)` or `OneClassSVM` pickle (or joblib dump) as
 * data and returns its exact float64 parameters. Nothing in the file is executed: only allow-listed globals
 * are resolved, and only to build plain data.
 * @throws SklearnImportError with a code naming the reason (`ForbiddenGlobal`, `ForbiddenConstruct`,
 *   `UnsupportedEstimator`, `CorruptPickle`, `TooLarge`, `InvalidParameters`) and the file.
 */
export function importSklearnModel(bytes: Uint8Array, options: ImportSklearnModelOptions): SklearnModelParams {
  const { file } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (bytes.byteLength > maxBytes) throw new SklearnImportError(`${file}: is ${bytes.byteLength} bytes, more than the limit of ${maxBytes}`, "TooLarge", file);
  if (bytes.byteLength === 0) throw new SklearnImportError(`${file}: is empty`, "CorruptPickle", file);
  const joblib = options.format === "joblib";
  const pickle = joblib ? decompressJoblib(bytes, file, maxBytes) : bytes;
  if (pickle[0] !== 0x80) {
    throw new SklearnImportError(`${file}: does not start with a pickle PROTO opcode (0x80): not a pickle of protocol 2 or later${joblib ? ", nor a zlib or gzip joblib dump" : ""}`, "CorruptPickle", file);
  }
  try {
    const { value } = readPickle(pickle, { file, resolveGlobal: sklearnGlobals({ joblib }) });
    return toModelParams(value, options);
  } catch (e) {
    if (isSklearnImportError(e)) throw e;
    // A hostile shape the checks did not foresee (e.g. keys nested deep enough to exhaust the stack) still
    // refuses only this file.
    throw new SklearnImportError(`${file}: cannot be read as a model: ${(e as Error).message}`, "CorruptPickle", file, { cause: e });
  }
}

/** joblib writes a compressed dump as one zlib (`x`) or gzip stream of the plain dump; older `ZF` files are a different format. */
function decompressJoblib(bytes: Uint8Array, file: string, maxBytes: number): Uint8Array {
  const zlib = bytes[0] === 0x78;
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (bytes[0] === 0x5a && bytes[1] === 0x46) {
    throw new SklearnImportError(`${file}: is a joblib < 0.10 compressed dump (ZF header), which is not supported; re-save it with a current joblib`, "CorruptPickle", file);
  }
  if (!zlib && !gzip) return bytes;
  try {
    return zlib ? inflateSync(bytes, { maxOutputLength: maxBytes }) : gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    const tooLarge = e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new SklearnImportError(
      tooLarge ? `${file}: inflates to more than the limit of ${maxBytes} bytes` : `${file}: cannot be decompressed as ${zlib ? "zlib" : "gzip"} (${(e as Error).message}): truncated or corrupt`,
      tooLarge ? "TooLarge" : "CorruptPickle",
      file,
      { cause: e },
    );
  }
}
