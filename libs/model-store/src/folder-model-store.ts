import { readFileSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  modelId,
  parseSeedModelFileName,
  seedModelFileName,
  type ModelArtifact,
  type ModelKey,
} from "@fleetscore/contracts";
import type { GetModelOptions, ListModelsOptions, ModelEntry, ModelStore } from "./model-store.js";
import { logger } from "./log.js";
import { ModelStoreError } from "./model-store-error.js";
import { parseModelParams } from "./parse-model-params.js";
import { sha256Hex } from "./sha256.js";

export interface CreateFolderModelStoreOptions extends GetModelOptions {}

/**
 * A folder of models in the seed naming: `model_<device>_<sensor>.onnx` with an optional sibling
 * `model_<device>_<sensor>.json` of exact float64 parameters. Other files are ignored.
 */
export class FolderModelStore implements ModelStore {
  readonly location: string;
  readonly #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
    this.location = dir;
  }

  /** @throws ModelStoreError `InvalidLocation` when `dir` is not a readable folder. */
  static async create(dir: string, options: CreateFolderModelStoreOptions = {}): Promise<FolderModelStore> {
    options.abortSignal?.throwIfAborted();
    const abs = resolve(dir);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch (e) {
      throw new ModelStoreError(`Model folder ${abs} does not exist or cannot be read`, "InvalidLocation", { cause: e });
    }
    if (!isDir) throw new ModelStoreError(`Model location ${abs} is not a folder`, "InvalidLocation");
    return new FolderModelStore(abs);
  }

  async *list(options: ListModelsOptions = {}): AsyncIterable<ModelEntry> {
    options.abortSignal?.throwIfAborted();
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (e) {
      throw new ModelStoreError(`Cannot list model folder ${this.#dir}`, "Unreadable", { cause: e });
    }
    const byModel = new Map<string, { key: ModelKey; onnxName?: string; paramsName?: string }>();
    for (const name of names) {
      const parsed = parseSeedModelFileName(name);
      if (!parsed) {
        logger.verbose(`ignoring ${name} in ${this.#dir}: not model_<device>_<sensor>.onnx|.json`);
        continue;
      }
      const id = modelId(parsed);
      const entry = byModel.get(id) ?? { key: { deviceId: parsed.deviceId, sensorId: parsed.sensorId } };
      if (parsed.kind === "onnx") entry.onnxName = name;
      else entry.paramsName = name;
      byModel.set(id, entry);
    }
    const sorted = [...byModel.entries()].sort(([, a], [, b]) => compareKeys(a.key, b.key));
    for (const [id, { key, onnxName, paramsName }] of sorted) {
      options.abortSignal?.throwIfAborted();
      const sizeName = onnxName ?? paramsName!;
      let sizeInBytes: number;
      try {
        sizeInBytes = statSync(join(this.#dir, sizeName)).size; // sync: see readOptional
      } catch {
        continue; // removed between readdir and stat
      }
      yield {
        ...key,
        modelId: id,
        ...(onnxName !== undefined && { onnxName }),
        ...(paramsName !== undefined && { paramsName }),
        sizeInBytes,
      };
    }
  }

  async get(key: ModelKey, options: GetModelOptions = {}): Promise<ModelArtifact> {
    const id = modelId(key);
    const onnxPath = join(this.#dir, seedModelFileName(key, "onnx"));
    const paramsPath = join(this.#dir, seedModelFileName(key, "json"));
    options.abortSignal?.throwIfAborted();
    const onnx = readOptional(onnxPath);
    const paramsBytes = readOptional(paramsPath);
    if (!onnx && !paramsBytes) {
      throw new ModelStoreError(
        `No model for device "${key.deviceId}" sensor "${key.sensorId}" in ${this.#dir} (expected ${seedModelFileName(key, "onnx")})`,
        "ModelNotFound",
      );
    }
    if (onnx && onnx.byteLength === 0) throw new ModelStoreError(`Model file ${onnxPath} is empty`, "CorruptModel");
    const params = paramsBytes ? parseModelParams(paramsBytes, paramsPath) : undefined;
    return {
      ...key,
      modelId: id,
      source: onnx ? onnxPath : paramsPath,
      ...(onnx && { onnx, sha256: sha256Hex(onnx) }),
      ...(paramsBytes && { paramsSha256: sha256Hex(paramsBytes) }),
      ...(params && { params }),
    };
  }
}

/**
 * Reads a small artifact synchronously. Why: model files are a few KB, and the four thread-pool round
 * trips of an async read (open, fstat, read, close) cost more than the read itself: loading the
 * 2,000 synthetic models took 560 ms with fs/promises and a fraction of that this way. Blocking the
 * event loop for ~20 µs per file is harmless for the scorer and its workers.
 */
function readOptional(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new ModelStoreError(`Cannot read model file ${path}: ${code ?? (e as Error).message}`, "Unreadable", { cause: e });
  }
}

/** Numeric ids sort numerically ("2" before "10"), others lexically; stable across runs and machines. */
export function compareKeys(a: ModelKey, b: ModelKey): number {
  return compareIds(a.deviceId, b.deviceId) || compareIds(a.sensorId, b.sensorId);
}

const collator = new Intl.Collator("en", { numeric: true });
function compareIds(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
