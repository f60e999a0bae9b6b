import {
  RUN_MANIFEST_FILE,
  RunManifest,
  predictionFileName,
  type EngineChoice,
  type ModelKey,
  type ModelRunResult,
  type OperationOptions,
  type RunError,
} from "@fleetscore/contracts";
import { compareKeys, type ModelEntry, type ModelStore } from "@fleetscore/model-store";
import type { ScoringEngine } from "@fleetscore/svm-scoring";
import { logger } from "./log.js";
import { mapWithConcurrency } from "./map-with-concurrency.js";
import { formatPredictionCsv } from "./prediction-csv.js";
import { readScoringInput, type ModelRows, type ScoringInput } from "./read-scoring-input.js";
import type { RunOutput } from "./folder-run-output.js";

/** Reported after each model, for progress bars and logs. */
export interface BatchProgress {
  readonly modelsDone: number;
  readonly modelsTotal: number;
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly result: ModelRunResult;
}

export interface ScoreBatchOptions extends OperationOptions {
  readonly runId: string;
  /** Path of the readings CSV (plain or gzip). */
  readonly data: string;
  readonly models: ModelStore;
  readonly engine: ScoringEngine;
  /** The engine the user asked for (recorded in the manifest; `engine` is what it resolved to). */
  readonly engineChoice: EngineChoice;
  readonly output: RunOutput;
  /** Models loaded and scored at once. Default 4. */
  readonly maxConcurrency?: number;
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/**
 * Scores every model of the store on its rows of the data file and writes `preds_<D>_<S>.csv` per
 * model, then `_manifest.json` last. A model that fails to load or score is recorded with its error and
 * the others go on; the returned manifest says what happened to every pair.
 * @throws BatchScoringError when the data cannot be read or the manifest cannot be written.
 */
export async function scoreBatch(options: ScoreBatchOptions): Promise<RunManifest> {
  const now = options.now ?? (() => new Date());
  const { abortSignal } = options;
  const startedAt = now();
  const log = { runId: options.runId };

  const input = await readScoringInput(options.data, { ...(abortSignal && { abortSignal }) });
  logger.info("data read", { ...log, rows: input.rows, malformedRows: input.malformedRows, pairs: input.groups.size });
  for (const sample of input.malformedSamples) {
    logger.warning(`malformed row at ${options.data}:${sample.line}: ${sample.message}`, log);
  }

  const entries = new Map<string, ModelEntry>();
  for await (const entry of options.models.list({ ...(abortSignal && { abortSignal }) })) entries.set(entry.modelId, entry);

  const keys = unionOfKeys(input, entries);
  const rowsTotal = [...input.groups.values()].reduce((n, g) => n + (entries.has(g.modelId) ? g.values.length : 0), 0);
  let modelsDone = 0;
  let rowsDone = 0;

  const results = await mapWithConcurrency(keys, options.maxConcurrency ?? 4, async (key) => {
    abortSignal?.throwIfAborted();
    const result = await scoreOneModel(key, input.groups.get(key.modelId), entries.get(key.modelId), options);
    modelsDone++;
    if (result.status === "scored") rowsDone += result.rows;
    if (result.status === "failed") logger.warning(`model ${result.modelId} failed: ${result.error?.message}`, { ...log, model: result.modelId });
    else logger.verbose(`model ${result.modelId} ${result.status}`, { ...log, model: result.modelId, rows: result.rows });
    options.onProgress?.({ modelsDone, modelsTotal: keys.length, rowsDone, rowsTotal, result });
    return result;
  });

  const finishedAt = now();
  const count = (status: ModelRunResult["status"]): number => results.filter((r) => r.status === status).length;
  const manifest = RunManifest.parse({
    schemaVersion: 1,
    runId: options.runId,
    engine: options.engineChoice,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    status: count("failed") > 0 ? "partial" : "succeeded",
    input: {
      data: options.data,
      models: options.models.location,
      rows: input.rows,
      malformedRows: input.malformedRows,
      malformedSamples: [...input.malformedSamples],
    },
    totals: {
      models: results.length,
      scored: count("scored"),
      failed: count("failed"),
      noModel: count("no-model"),
      noData: count("no-data"),
      scoredRows: results.reduce((n, r) => n + (r.status === "scored" ? r.rows : 0), 0),
      anomalies: results.reduce((n, r) => n + r.anomalies, 0),
    },
    models: results,
  } satisfies RunManifest);
  await options.output.writeFile(RUN_MANIFEST_FILE, JSON.stringify(manifest, null, 2) + "\n", {
    ...(abortSignal && { abortSignal }),
  });
  logger.info("run finished", { ...log, ...manifest.totals, status: manifest.status });
  return manifest;
}

type KeyWithId = ModelKey & { readonly modelId: string };

/** Every pair that has data or a model, in the store's stable order. */
function unionOfKeys(input: ScoringInput, entries: ReadonlyMap<string, ModelEntry>): KeyWithId[] {
  const keys = new Map<string, KeyWithId>();
  for (const e of entries.values()) keys.set(e.modelId, { deviceId: e.deviceId, sensorId: e.sensorId, modelId: e.modelId });
  for (const g of input.groups.values()) keys.set(g.modelId, { deviceId: g.deviceId, sensorId: g.sensorId, modelId: g.modelId });
  return [...keys.values()].sort(compareKeys);
}

async function scoreOneModel(
  key: KeyWithId,
  rows: ModelRows | undefined,
  entry: ModelEntry | undefined,
  options: ScoreBatchOptions,
): Promise<ModelRunResult> {
  const base = { modelId: key.modelId, deviceId: key.deviceId, sensorId: key.sensorId };
  if (!entry) return { ...base, status: "no-model", rows: rows?.values.length ?? 0, anomalies: 0 };
  if (!rows) return { ...base, status: "no-data", rows: 0, anomalies: 0 };

  const started = performance.now();
  const { abortSignal } = options;
  let artifact;
  try {
    artifact = await options.models.get(key, { ...(abortSignal && { abortSignal }) });
    const session = await options.engine.load(artifact, { ...(abortSignal && { abortSignal }) });
    try {
      const scores = await session.score(Float64Array.from(rows.values), { ...(abortSignal && { abortSignal }) });
      const { text, anomalies } = formatPredictionCsv(rows, scores);
      const output = predictionFileName(key.deviceId, key.sensorId);
      await options.output.writeFile(output, text, { ...(abortSignal && { abortSignal }) });
      return {
        ...base,
        status: "scored",
        rows: rows.values.length,
        anomalies,
        engine: session.engine,
        parameters: session.parameters,
        ...(artifact.sha256 && { sha256: artifact.sha256 }),
        ...(artifact.paramsSha256 && { paramsSha256: artifact.paramsSha256 }),
        output,
        durationMs: round(performance.now() - started),
      };
    } finally {
      await session.release();
    }
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    return {
      ...base,
      status: "failed",
      rows: rows.values.length,
      anomalies: 0,
      ...(artifact?.sha256 && { sha256: artifact.sha256 }),
      error: toRunError(e),
      durationMs: round(performance.now() - started),
    };
  }
}

function toRunError(e: unknown): RunError {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { code: typeof code === "string" ? code : err.name, message: err.message };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
