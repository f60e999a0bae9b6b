import { Semaphore, mapWithConcurrency, modelId, parseSeedModelFileName, seedModelFileName, type ModelArtifact, type ModelKey } from "@fleetscore/contracts";
import type { BlobStore } from "@fleetscore/storage";
import { compareKeys } from "./folder-model-store.js";
import { logger } from "./log.js";
import type { ModelCache } from "./model-cache.js";
import { ModelStoreError } from "./model-store-error.js";
import type { GetModelOptions, ListModelsOptions, ModelEntry, ModelStore } from "./model-store.js";
import { VERSION_RECORD, versionPrefix, type ModelVersionFile, type ModelVersionRecord } from "./model-version.js";
import { asModelStoreError } from "./open-blob-location.js";
import { parseModelParams } from "./parse-model-params.js";
import { readCurrentVersion, readVersionRecord } from "./push-model-version.js";
import { sha256Hex } from "./sha256.js";

export interface CreateBlobModelStoreOptions extends GetModelOptions {
  /** The version to serve; default the one `current.json` points at. */
  readonly version?: string;
  /** A local sha256-keyed cache: files found there are not downloaded again. */
  readonly cache?: ModelCache;
  /** Downloads in flight at once (across concurrent `get`s and `prefetch`). Default 8. */
  readonly maxConcurrency?: number;
}

/** What a BlobModelStore did since it was created. */
export interface BlobModelStoreStats {
  cacheHits: number;
  cacheMisses: number;
  downloads: number;
  bytesDownloaded: number;
}

export interface PrefetchModelsOptions extends GetModelOptions {}

/**
 * The models of one immutable version in a BlobStore (`versions/<version>/`), listed from its
 * `_version.json`. Every file read (downloaded or cached) is checked against the sha256 listed there.
 */
export class BlobModelStore implements ModelStore {
  /** `<store location>@<version>`: opening it again gives this same version. */
  readonly location: string;
  readonly version: string;
  readonly record: ModelVersionRecord;
  readonly stats: BlobModelStoreStats = { cacheHits: 0, cacheMisses: 0, downloads: 0, bytesDownloaded: 0 };
  readonly #blobs: BlobStore;
  readonly #files: Map<string, ModelVersionFile>;
  readonly #cache: ModelCache | undefined;
  readonly #downloads: Semaphore;

  private constructor(blobs: BlobStore, record: ModelVersionRecord, options: CreateBlobModelStoreOptions) {
    this.#blobs = blobs;
    this.record = record;
    this.version = record.version;
    this.location = `${blobs.location}@${record.version}`;
    this.#files = new Map(record.files.map((f) => [f.name, f]));
    this.#cache = options.cache;
    this.#downloads = new Semaphore(options.maxConcurrency ?? 8);
  }

  /**
   * Reads the version's `_version.json` (the current version unless `version` is given).
   * @throws ModelStoreError `InvalidLocation` when the store has no `current.json` or no such version.
   */
  static async create(blobs: BlobStore, options: CreateBlobModelStoreOptions = {}): Promise<BlobModelStore> {
    options.abortSignal?.throwIfAborted();
    const signal = { abortSignal: options.abortSignal };
    try {
      const version = options.version ?? (await readCurrentVersion(blobs, signal));
      if (version === undefined) {
        throw new ModelStoreError(`Model store ${blobs.location} has no current version (no current.json); push one with \`models push\``, "InvalidLocation");
      }
      const record = await readVersionRecord(blobs, version, signal);
      logger.info(`opened model version ${version}`, { location: blobs.location, models: record.models });
      return new BlobModelStore(blobs, record, options);
    } catch (e) {
      throw asModelStoreError(e, `Model store ${blobs.location}`);
    }
  }

  async *list(options: ListModelsOptions = {}): AsyncIterable<ModelEntry> {
    options.abortSignal?.throwIfAborted();
    const byModel = new Map<string, { key: ModelKey; onnx?: ModelVersionFile; params?: ModelVersionFile }>();
    for (const file of this.record.files) {
      const parsed = parseSeedModelFileName(file.name);
      if (!parsed) continue;
      const id = modelId(parsed);
      const entry = byModel.get(id) ?? { key: { deviceId: parsed.deviceId, sensorId: parsed.sensorId } };
      if (parsed.kind === "onnx") entry.onnx = file;
      else entry.params = file;
      byModel.set(id, entry);
    }
    for (const [id, { key, onnx, params }] of [...byModel.entries()].sort(([, a], [, b]) => compareKeys(a.key, b.key))) {
      options.abortSignal?.throwIfAborted();
      yield {
        ...key,
        modelId: id,
        ...(onnx && { onnxName: onnx.name }),
        ...(params && { paramsName: params.name }),
        sizeInBytes: (onnx ?? params)!.sizeInBytes,
      };
    }
  }

  async get(key: ModelKey, options: GetModelOptions = {}): Promise<ModelArtifact> {
    options.abortSignal?.throwIfAborted();
    const onnxFile = this.#files.get(seedModelFileName(key, "onnx"));
    const paramsFile = this.#files.get(seedModelFileName(key, "json"));
    if (!onnxFile && !paramsFile) {
      throw new ModelStoreError(
        `No model for device "${key.deviceId}" sensor "${key.sensorId}" in ${this.location} (expected ${seedModelFileName(key, "onnx")})`,
        "ModelNotFound",
      );
    }
    const [onnx, paramsBytes] = await Promise.all([
      onnxFile && this.#read(onnxFile, options.abortSignal),
      paramsFile && this.#read(paramsFile, options.abortSignal),
    ]);
    const onnxSource = onnxFile && this.#source(onnxFile);
    if (onnx && onnx.byteLength === 0) throw new ModelStoreError(`Model file ${onnxSource} is empty`, "CorruptModel");
    const params = paramsBytes ? parseModelParams(paramsBytes, this.#source(paramsFile!)) : undefined;
    return {
      ...key,
      modelId: modelId(key),
      source: onnxSource ?? this.#source(paramsFile!),
      ...(onnx && { onnx, sha256: onnxFile!.sha256 }),
      ...(paramsBytes && { paramsSha256: paramsFile!.sha256 }),
      ...(params && { params }),
    };
  }

  /**
   * Downloads every file of the version not yet in the cache, `maxConcurrency` at a time (needs a cache to
   * be useful). Each file is verified. @throws ModelStoreError for the first file that fails.
   */
  async prefetch(options: PrefetchModelsOptions = {}): Promise<void> {
    await mapWithConcurrency(this.record.files, 64, (f) => this.#read(f, options.abortSignal).then(() => undefined), options.abortSignal);
  }

  #source(file: ModelVersionFile): string {
    return `${this.#blobs.location}/${versionPrefix(this.version)}${file.name}`;
  }

  /** The file's bytes, from the cache or downloaded, verified against `_version.json`. */
  async #read(file: ModelVersionFile, abortSignal?: AbortSignal): Promise<Uint8Array> {
    const cached = await this.#cache?.get(file.sha256);
    if (cached) {
      this.stats.cacheHits++;
      return cached;
    }
    if (this.#cache) this.stats.cacheMisses++;
    const name = versionPrefix(this.version) + file.name;
    let bytes: Uint8Array;
    try {
      bytes = await this.#downloads.run(() => this.#blobs.get(name, { abortSignal }));
    } catch (e) {
      const mapped = asModelStoreError(e, `Cannot read model file ${this.#source(file)}`);
      // Listed in _version.json but gone: the version is damaged, not the model id unknown.
      if (mapped instanceof ModelStoreError && mapped.code === "ModelNotFound") {
        throw new ModelStoreError(mapped.message, "Unreadable", { cause: e });
      }
      throw mapped;
    }
    this.stats.downloads++;
    this.stats.bytesDownloaded += bytes.byteLength;
    const actual = sha256Hex(bytes);
    if (actual !== file.sha256) {
      throw new ModelStoreError(
        `Model file ${this.#source(file)} has sha256 ${actual}, but ${versionPrefix(this.version)}${VERSION_RECORD} lists ${file.sha256}: the blob was changed after the push; push a new version`,
        "ChecksumMismatch",
      );
    }
    await this.#cache?.put(file.sha256, bytes);
    return bytes;
  }
}
