import { mkdir, stat } from "node:fs/promises";
import type { ScoringInput } from "@fleetscore/batch-scoring";
import { modelId, type OperationOptions } from "@fleetscore/contracts";
import { writeModelFiles } from "@fleetscore/svm-scoring";
import { checkOneClassSvmOptions } from "./fit-one-class-svm.js";
import type { FitPipelineOptions } from "./fit-pipeline.js";
import { logger } from "./log.js";
import { readTrainingSets, type TrainingSet } from "./read-training-sets.js";
import { SvmTrainingError, type SvmTrainingErrorCode } from "./svm-training-error.js";
import { startTrainingPool } from "./training-pool.js";

export interface TrainModelsOptions extends OperationOptions, FitPipelineOptions {
  /** Worker threads fitting models in parallel; 0 fits on the calling thread. Default 1. */
  readonly workers?: number;
  /** `reading` while the input is read (rows so far), then `training` after each model. */
  readonly onProgress?: (p: TrainProgress) => void;
}

export interface TrainProgress {
  readonly phase: "reading" | "training";
  readonly rows: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly modelsDone: number;
  readonly modelsTotal: number;
}

export interface TrainedModel {
  readonly modelId: string;
  readonly rows: number;
  readonly nSupportVectors: number;
  readonly rho: number;
  readonly iterations: number;
}

export interface FailedModel {
  readonly modelId: string;
  readonly rows: number;
  readonly code: SvmTrainingErrorCode;
  readonly message: string;
}

/** Per model, in model order (device, then sensor, numerically). */
export interface TrainSummary {
  readonly trained: readonly TrainedModel[];
  readonly failed: readonly FailedModel[];
  readonly rows: number;
  readonly malformed: number;
}

const ORDER = new Intl.Collator("en", { numeric: true });
const byKey = (a: TrainingSet, b: TrainingSet): number => ORDER.compare(a.deviceId, b.deviceId) || ORDER.compare(a.sensorId, b.sensorId);

/**
 * Trains one `Pipeline(StandardScaler, OneClassSVM)` per (device, sensor) of `input` (see `fitPipeline`) and
 * writes each as `model_<D>_<S>.json` + `.onnx` in `out` (created if missing), ready for `models push` and
 * `score`. A model that cannot be trained (too few rows, constant values) is listed in `failed` and the others
 * are still trained.
 * @throws SvmTrainingError `InvalidOption` (before reading anything), `InvalidLocation` (`out`),
 *   `InvalidInput`; write errors in `out` as they are; the signal's `AbortError`.
 */
export async function trainModels(input: ScoringInput, out: string, options: TrainModelsOptions = {}): Promise<TrainSummary> {
  checkOneClassSvmOptions(options);
  await mkdir(out, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new SvmTrainingError(`${out}: cannot create the output folder (${e.code ?? e.message})`, "InvalidLocation", { cause: e });
  });
  if (!(await stat(out)).isDirectory()) throw new SvmTrainingError(`${out}: is not a folder`, "InvalidLocation");

  const { abortSignal, onProgress } = options;
  const data = await readTrainingSets(input, {
    ...(abortSignal && { abortSignal }),
    onProgress: (p) => onProgress?.({ phase: "reading", ...p, modelsDone: 0, modelsTotal: 0 }),
  });
  const sets = [...data.sets].sort(byKey);
  const fitOptions: FitPipelineOptions = Object.fromEntries(
    Object.entries(options).filter(([k, v]) => v !== undefined && ["nu", "kernel", "gamma", "degree", "coef0", "tol", "shrinking", "cacheBytes", "maxIterations", "minRows"].includes(k)),
  );
  const pool = startTrainingPool(options.workers ?? 1);
  const trained: TrainedModel[] = [];
  const failed: FailedModel[] = [];
  let done = 0;
  try {
    await Promise.all(
      sets.map(async (set, id) => {
        abortSignal?.throwIfAborted();
        const key = { deviceId: set.deviceId, sensorId: set.sensorId };
        const outcome = await pool.fit({ id, values: set.values, options: fitOptions });
        abortSignal?.throwIfAborted();
        const model = modelId(key);
        if ("error" in outcome) {
          logger.warning(`model ${model} not trained: ${outcome.error.message}`, { model, code: outcome.error.code });
          failed.push({ modelId: model, rows: set.values.length, ...outcome.error, message: `model ${model}: ${outcome.error.message}` });
        } else {
          const params = { device: numericOrString(set.deviceId), sensor: numericOrString(set.sensorId), source: `trained by fleetscore svm-training on ${set.values.length} rows of ${input.location}`, ...outcome.params };
          await writeModelFiles(out, key, params, "fleetscore.svm-training");
          trained.push({ modelId: model, rows: set.values.length, nSupportVectors: params.svm.supportVectors.length, rho: params.svm.rho, iterations: outcome.iterations });
          logger.verbose(`trained model ${model}`, { model, rows: set.values.length, supportVectors: params.svm.supportVectors.length });
        }
        done++;
        onProgress?.({ phase: "training", rows: data.rows, bytesRead: 0, totalBytes: 0, modelsDone: done, modelsTotal: sets.length });
      }),
    );
  } finally {
    await pool.close();
  }
  const order = new Map(sets.map((s, i) => [modelId(s), i]));
  const inOrder = <T extends { modelId: string }>(list: T[]): T[] => list.sort((a, b) => order.get(a.modelId)! - order.get(b.modelId)!);
  return { trained: inOrder(trained), failed: inOrder(failed), rows: data.rows, malformed: data.malformed };
}

/** `1` stays the number 1 in the JSON, as in the reference models; other ids stay strings. */
function numericOrString(id: string): number | string {
  return /^(0|[1-9][0-9]{0,14})$/.test(id) ? Number(id) : id;
}
