import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { mapWithConcurrency, modelId, parseSeedModelFileName, type OperationOptions } from "@fleetscore/contracts";
import { isBlobStoreError, type BlobStore } from "@fleetscore/storage";
import { logger } from "./log.js";
import { ModelStoreError } from "./model-store-error.js";
import {
  CURRENT_BLOB,
  CurrentModelVersion,
  ModelVersionId,
  ModelVersionRecord,
  VERSION_RECORD,
  newModelVersionId,
  versionPrefix,
  type ModelVersionFile,
} from "./model-version.js";
import { openBlobLocation, type OpenBlobLocationOptions } from "./open-blob-location.js";
import { sha256Hex } from "./sha256.js";

export interface PushModelVersionOptions extends OpenBlobLocationOptions {
  /** The new version's id; default `newModelVersionId()` (`v<UTC time>-<6 hex>`). */
  readonly version?: string;
  /** Uploads in flight at once. Default 8. */
  readonly maxConcurrency?: number;
  /** Leave `current` where it is (publish the version only). Default false. */
  readonly skipCurrent?: boolean;
  readonly now?: () => Date;
}

/**
 * Publishes a folder of seed-named models (`model_<D>_<S>.onnx` + optional `.json`) as a new immutable
 * version: uploads every file (create-only), then `versions/<v>/_version.json`, then moves `current.json`
 * with a conditional put (retried once after re-reading when another push moved it meanwhile).
 * @throws ModelStoreError `InvalidInput` (no models, other files), `VersionExists`, `ConcurrentUpdate`,
 *   `InvalidLocation`, `Unreadable`.
 */
export async function pushModelVersion(
  fromDir: string,
  to: BlobStore | string,
  options: PushModelVersionOptions = {},
): Promise<ModelVersionRecord> {
  const signal = options.abortSignal;
  signal?.throwIfAborted();
  const version = options.version ?? newModelVersionId(options.now?.());
  const idCheck = ModelVersionId.safeParse(version);
  if (!idCheck.success) throw new ModelStoreError(`Version id "${version}" ${idCheck.error.issues[0]?.message}`, "InvalidInput");
  const names = await readSeedFolder(fromDir);
  const store = await openBlobLocation(to, { ...options, createIfNotExists: options.createIfNotExists ?? true });
  const prefix = versionPrefix(version);
  if (await store.exists(prefix + VERSION_RECORD, { abortSignal: signal })) {
    throw new ModelStoreError(`Version ${version} already exists in ${store.location}; versions are immutable, push a new one`, "VersionExists");
  }

  const files = await mapWithConcurrency(names, options.maxConcurrency ?? 8, async (name): Promise<ModelVersionFile> => {
    const bytes = await readFile(join(fromDir, name));
    await putOnce(store, prefix + name, bytes, version, signal);
    return { name, sha256: sha256Hex(bytes), sizeInBytes: bytes.byteLength };
  }, signal);
  const models = new Set(names.map((n) => modelId(parseSeedModelFileName(n)!))).size;
  const record = ModelVersionRecord.parse({ version, created: (options.now?.() ?? new Date()).toISOString(), files, models });
  await putOnce(store, prefix + VERSION_RECORD, json(record), version, signal);
  logger.info(`pushed model version ${version}`, { location: store.location, files: files.length, models });

  if (!options.skipCurrent) await moveCurrent(store, version, options.now ?? (() => new Date()), signal);
  return record;
}

async function putOnce(store: BlobStore, name: string, bytes: Uint8Array, version: string, signal?: AbortSignal): Promise<void> {
  try {
    await store.put(name, bytes, { ifNoneMatch: "*", abortSignal: signal });
  } catch (e) {
    if (isBlobStoreError(e) && e.code === "PreconditionFailed") {
      throw new ModelStoreError(`Version ${version} already exists in ${store.location} (${name}); versions are immutable, push a new one`, "VersionExists", { cause: e });
    }
    throw e;
  }
}

/** Points `current.json` at `version`; on a lost race re-reads and tries once more. */
async function moveCurrent(store: BlobStore, version: string, now: () => Date, signal?: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let etag: string | undefined;
    try {
      etag = (await store.getProperties(CURRENT_BLOB, { abortSignal: signal })).etag;
    } catch (e) {
      if (!(isBlobStoreError(e) && e.code === "BlobNotFound")) throw e;
    }
    const body = json(CurrentModelVersion.parse({ version, updated: now().toISOString() }));
    try {
      await store.put(CURRENT_BLOB, body, { ...(etag ? { ifMatch: etag } : { ifNoneMatch: "*" as const }), abortSignal: signal });
      logger.info(`current model version is now ${version}`, { location: store.location });
      return;
    } catch (e) {
      if (!(isBlobStoreError(e) && e.code === "PreconditionFailed")) throw e;
      if (attempt >= 2) {
        throw new ModelStoreError(
          `Version ${version} was pushed to ${store.location}, but ${CURRENT_BLOB} kept changing under concurrent pushes; run the push again or pin ${store.location}@${version}`,
          "ConcurrentUpdate",
          { cause: e },
        );
      }
      logger.verbose(`${CURRENT_BLOB} changed while pushing ${version}; re-reading`, { location: store.location });
    }
  }
}

/** The seed-named files of a folder, sorted. Refuses other files and a folder without models. */
async function readSeedFolder(fromDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(fromDir, { withFileTypes: true });
  } catch (e) {
    throw new ModelStoreError(`Model folder ${resolve(fromDir)} does not exist or cannot be read`, "InvalidInput", { cause: e });
  }
  const files = entries.filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => e.name);
  const bad = files.filter((n) => !parseSeedModelFileName(n));
  if (bad.length > 0) {
    throw new ModelStoreError(
      `Model folder ${resolve(fromDir)} holds files outside the seed naming model_<device>_<sensor>.onnx|.json: ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? `, and ${bad.length - 5} more` : ""}; move them out before pushing`,
      "InvalidInput",
    );
  }
  if (files.length === 0) {
    throw new ModelStoreError(`Model folder ${resolve(fromDir)} holds no models (expected model_<device>_<sensor>.onnx or .json files)`, "InvalidInput");
  }
  return files.sort();
}

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value, null, 2) + "\n");

/** A version as `listModelVersions` yields it. */
export interface ModelVersionInfo {
  readonly version: string;
  readonly created: string;
  readonly models: number;
  readonly files: number;
  readonly sizeInBytes: number;
  /** Whether `current.json` points at it. */
  readonly current: boolean;
}

export interface ListModelVersionsOptions extends OpenBlobLocationOptions {}

/**
 * Every complete version (one with a `_version.json`) of a store, newest first, marking the current one.
 * @throws ModelStoreError `InvalidLocation`, `CorruptModel` for an unreadable `_version.json`.
 */
export async function listModelVersions(from: BlobStore | string, options: ListModelVersionsOptions = {}): Promise<ModelVersionInfo[]> {
  const signal = options.abortSignal;
  const store = await openBlobLocation(from, options);
  const current = await readCurrentVersion(store, { abortSignal: signal });
  const recordNames: string[] = [];
  for await (const blob of store.list("versions/", { abortSignal: signal })) {
    if (blob.name.endsWith(`/${VERSION_RECORD}`) && blob.name.split("/").length === 3) recordNames.push(blob.name);
  }
  const records = await mapWithConcurrency(recordNames, 8, (name) => readVersionRecord(store, name.split("/")[1]!, { abortSignal: signal }), signal);
  return records
    .map((r) => ({
      version: r.version,
      created: r.created,
      models: r.models,
      files: r.files.length,
      sizeInBytes: r.files.reduce((sum, f) => sum + f.sizeInBytes, 0),
      current: r.version === current,
    }))
    .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.version < b.version ? 1 : a.version > b.version ? -1 : 0));
}

/** The version `current.json` points at, or undefined when the store has none. */
export async function readCurrentVersion(store: BlobStore, options: OperationOptions = {}): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(CURRENT_BLOB, options);
  } catch (e) {
    if (isBlobStoreError(e) && e.code === "BlobNotFound") return undefined;
    throw e;
  }
  const parsed = CurrentModelVersion.safeParse(parseJson(bytes));
  if (!parsed.success) throw new ModelStoreError(`${store.location}/${CURRENT_BLOB} is not a valid current-version pointer`, "CorruptModel", { cause: parsed.error });
  return parsed.data.version;
}

/** Reads and validates `versions/<version>/_version.json`. @throws ModelStoreError `InvalidLocation` when missing. */
export async function readVersionRecord(store: BlobStore, version: string, options: OperationOptions = {}): Promise<ModelVersionRecord> {
  const name = versionPrefix(version) + VERSION_RECORD;
  let bytes: Uint8Array;
  try {
    bytes = await store.get(name, options);
  } catch (e) {
    if (isBlobStoreError(e) && e.code === "BlobNotFound") {
      throw new ModelStoreError(`Model version ${version} does not exist in ${store.location} (no ${name}); see \`models list\``, "InvalidLocation", { cause: e });
    }
    throw e;
  }
  const parsed = ModelVersionRecord.safeParse(parseJson(bytes));
  if (!parsed.success || parsed.data.version !== version) {
    throw new ModelStoreError(`${store.location}/${name} is not a valid version record`, "CorruptModel", { cause: parsed.error });
  }
  return parsed.data;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return undefined;
  }
}
