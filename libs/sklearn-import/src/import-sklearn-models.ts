import { mkdir, readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { seedModelFileName, type ModelKey, type OperationOptions } from "@fleetscore/contracts";
import { mapWithConcurrency } from "@fleetscore/contracts";
import { compareKeys } from "@fleetscore/model-store";
import { writeModelFiles } from "@fleetscore/svm-scoring";
import { DEFAULT_MAX_MODEL_BYTES, importSklearnModel } from "./import-sklearn-model.js";
import { logger } from "./log.js";
import { isSklearnImportError, SklearnImportError, type SklearnImportErrorCode } from "./sklearn-import-error.js";
import type { ImportedEstimator } from "./sklearn-model-params.js";

export interface ImportSklearnModelsOptions extends OperationOptions {
  /** Replace `model_<D>_<S>.onnx` / `.json` already in the destination (default: skip those models). */
  readonly overwrite?: boolean;
  /** Files read and converted at a time (default 8). */
  readonly maxConcurrency?: number;
  /** Byte limit of one file and of what a joblib dump inflates to (default 256 MiB). */
  readonly maxBytes?: number;
  /** Called after each file, with how many of the total are done. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

export interface ConvertedModel {
  readonly file: string;
  readonly modelId: string;
  readonly estimator: ImportedEstimator;
  readonly sklearnVersion: string | undefined;
  readonly nSupportVectors: number;
}
export interface RefusedModel {
  readonly file: string;
  readonly code: SklearnImportErrorCode | "Unreadable" | "DuplicateModel";
  /** Names the file and why, e.g. `model_1_1.pkl: refuses the global posix.system: ...`. */
  readonly message: string;
}
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** One entry per file of the source folder, each list in file order (device, then sensor, numerically). */
export interface ImportSummary {
  readonly converted: readonly ConvertedModel[];
  readonly refused: readonly RefusedModel[];
  readonly skipped: readonly SkippedFile[];
}

const MODEL_FILE = /^model_([A-Za-z0-9][A-Za-z0-9.-]{0,63}?)_([A-Za-z0-9][A-Za-z0-9.-]{0,63}?)(\.pkl|\.joblib)?$/;

const FILE_ORDER = new Intl.Collator("en", { numeric: true });

interface Candidate extends ModelKey {
  readonly file: string;
  readonly path: string;
  readonly format: "pickle" | "joblib";
}

/**
 * Converts every `model_<D>_<S>`, `model_<D>_<S>.pkl` and `model_<D>_<S>.joblib` of `from` into
 * `model_<D>_<S>.json` (exact float64 parameters) and `model_<D>_<S>.onnx` in `to` (created if missing).
 * A file that cannot be imported is refused with its reason and the others are still converted. Each
 * model's two files are written under temporary names and renamed, the `.json` first, so a model is
 * complete once its `.onnx` exists (the scorer lists `.onnx` files); an interrupted run leaves no partial file.
 * @throws SklearnImportError `InvalidLocation` when `from` is not a folder or `to` is not one;
 *   an `AbortError` when `abortSignal` fires; write errors in `to` (disk full, permissions) as they are.
 */
export async function importSklearnModels(from: string, to: string, options: ImportSklearnModelsOptions = {}): Promise<ImportSummary> {
  const { abortSignal } = options;
  const names = await readdir(from, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new SklearnImportError(`${from}: cannot list the folder of pickles (${e.code ?? e.message})`, "InvalidLocation", from, { cause: e });
  });
  await mkdir(to, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new SklearnImportError(`${to}: cannot create the destination folder (${e.code ?? e.message})`, "InvalidLocation", to, { cause: e });
  });
  if (!(await stat(to)).isDirectory()) throw new SklearnImportError(`${to}: is not a folder`, "InvalidLocation", to);

  const skipped: SkippedFile[] = [];
  const refused: RefusedModel[] = [];
  const byModel = new Map<string, Candidate>();
  for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const m = MODEL_FILE.exec(entry.name);
    if (!entry.isFile() || !m) {
      if (!entry.name.startsWith(".") && !/^model_.*\.(onnx|json)$/.test(entry.name)) skipped.push({ file: entry.name, reason: entry.isFile() ? "not named model_<device>_<sensor>[.pkl|.joblib]" : "not a file" });
      continue;
    }
    const candidate: Candidate = { file: entry.name, path: join(from, entry.name), deviceId: m[1]!, sensorId: m[2]!, format: m[3] === ".joblib" ? "joblib" : "pickle" };
    const id = `${candidate.deviceId}_${candidate.sensorId}`;
    const first = byModel.get(id);
    if (first) {
      refused.push({ file: entry.name, code: "DuplicateModel", message: `${entry.name}: ${first.file} is the same model (model_${id}); keep one of them` });
      continue;
    }
    byModel.set(id, candidate);
  }
  const candidates = [...byModel.values()].sort(compareKeys);

  const converted: ConvertedModel[] = [];
  let done = 0;
  let nextInfo = 0.1;
  const results = await mapWithConcurrency(
    candidates,
    options.maxConcurrency ?? 8,
    async (c) => {
      const result = await importOne(c, to, options);
      done++;
      options.onProgress?.({ done, total: candidates.length });
      if (done / candidates.length >= nextInfo) {
        logger.info(`imported ${done} of ${candidates.length} model files`, { done, total: candidates.length });
        while (done / candidates.length >= nextInfo) nextInfo += 0.1;
      }
      return result;
    },
    abortSignal,
  );
  for (const r of results) {
    if ("estimator" in r) converted.push(r);
    else if ("code" in r) refused.push(r);
    else skipped.push(r);
  }
  const byFile = (a: { file: string }, b: { file: string }) => FILE_ORDER.compare(a.file, b.file);
  return { converted, refused: refused.sort(byFile), skipped: skipped.sort(byFile) };
}

async function importOne(c: Candidate, to: string, options: ImportSklearnModelsOptions): Promise<ConvertedModel | RefusedModel | SkippedFile> {
  const jsonName = seedModelFileName(c, "json");
  const onnxName = seedModelFileName(c, "onnx");
  if (!options.overwrite && (await exists(join(to, onnxName)))) {
    return { file: c.file, reason: `${onnxName} already exists in the destination (--overwrite replaces it)` };
  }
  let bytes: Buffer;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  try {
    const size = (await stat(c.path)).size;
    if (size > maxBytes) return { file: c.file, code: "TooLarge", message: `${c.file}: is ${size} bytes, more than the limit of ${maxBytes}` };
    bytes = await readFile(c.path);
  } catch (e) {
    return { file: c.file, code: "Unreadable", message: `${c.file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  let imported;
  try {
    imported = importSklearnModel(bytes, {
      file: c.file,
      format: c.format,
      maxBytes,
      device: numericOrString(c.deviceId),
      sensor: numericOrString(c.sensorId),
    });
  } catch (e) {
    if (!isSklearnImportError(e)) throw e;
    logger.warning(`refused ${c.file}: ${e.message}`, { file: c.file, code: e.code });
    return { file: c.file, code: e.code, message: e.message };
  }
  const version = imported.sklearnVersion ? `scikit-learn ${imported.sklearnVersion} ` : "";
  const params = { ...imported.params, source: `${c.file} (${version}${c.format}, ${imported.estimator}) via fleetscore sklearn-import` };
  await writeModelFiles(to, c, params, "fleetscore.sklearn-import");
  logger.verbose(`converted ${c.file} to ${onnxName} and ${jsonName}`, { file: c.file, estimator: imported.estimator });
  return { file: c.file, modelId: `${c.deviceId}_${c.sensorId}`, estimator: imported.estimator, sklearnVersion: imported.sklearnVersion, nSupportVectors: params.svm.supportVectors.length };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** `1` stays the number 1 in the JSON, as in the reference models; other ids stay strings. */
function numericOrString(id: string): number | string {
  return /^(0|[1-9][0-9]{0,14})$/.test(id) ? Number(id) : id;
}
