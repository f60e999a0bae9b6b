import { availableParallelism } from "node:os";
import {
  PREDICTION_CSV_HEADER,
  RUN_MANIFEST_FILE,
  RunManifest,
  parseModelId,
  predictionFileName,
  shardManifestFileName,
  type EngineChoice,
  type MalformedRowSample,
  type OperationOptions,
} from "@fleetscore/contracts";
import { compareKeys, openModelStore, type ModelEntry, type OpenModelStoreOptions } from "@fleetscore/model-store";
import { BatchScoringError } from "./batch-scoring-error.js";
import type { LineSource } from "@fleetscore/readings-csv";
import { asBatchScoringError, readInputChunks, type InputChunk } from "./input/input-chunks.js";
import { startRunInputState, type ScoredWith } from "./input/run-input-state.js";
import type { ScoringInput } from "./input/scoring-input.js";
import type { RunOutput } from "./folder-run-output.js";
import { logger } from "./log.js";
import type { ChunkResult } from "./run/chunk-protocol.js";
import { startChunkScorers, type ChunkScorerHandle } from "./run/chunk-scorer-pool.js";
import { parseFailureThreshold } from "./run/failure-threshold.js";
import { finalizeRun } from "./run/finalize-run.js";
import { buildRunManifest, warnIfEmpty } from "./run/run-manifest-builder.js";
import { ModelOutputs } from "./run/model-outputs.js";
import { checkShardCount } from "./run/check-shard-count.js";
import { planShards, shardOfUnmodelledPair, type ShardSpec } from "./run/shard-plan.js";

/** Reported as the run goes, for progress bars and logs. */
export interface BatchProgress {
  readonly phase: "scoring" | "finishing" | "done";
  /** Bytes of the data file read so far (compressed bytes for gzip) and its size. */
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rowsDone: number;
  /** Models whose prediction file is complete. */
  readonly modelsDone: number;
  readonly modelsTotal: number;
}

export interface ScoreBatchOptions extends OperationOptions {
  readonly runId: string;
  /**
   * What to score: an input from `openScoringInput` (a CSV file or blob, or SQL windows, which a shard
   * reads only for its own models), the path of a readings CSV (plain or gzip), or CSV text streamed from
   * elsewhere. The caller closes an opened input.
   */
  readonly data: ScoringInput | string | LineSource;
  /** Location of the model store (see `openModelStore`: a folder, a versioned store, `<location>@<version>`). */
  readonly models: string;
  /**
   * How the model store is opened, here and in every worker: `env` (for `AZURE_STORAGE_CONNECTION_STRING`;
   * libs never read `process.env`), `cacheDir` (sha256-keyed download cache) and its bounds.
   */
  readonly modelStoreOptions?: Pick<OpenModelStoreOptions, "env" | "cacheDir" | "cacheMaxSizeInBytes" | "maxConcurrency">;
  readonly engine: EngineChoice;
  readonly output: RunOutput;
  /** Worker threads; 0 scores on the calling thread. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** Score only this shard of the models (`--shard i/n`); its manifest is `_manifest.shard-i-of-n.json`. */
  readonly shard?: ShardSpec;
  /**
   * Rows per model id when known (e.g. from an earlier run's manifest): shards are then balanced by rows.
   * Models missing from the map count as the median of the known ones. Default: balance by artifact size.
   * Every shard of a run must be given the same map.
   */
  readonly rowsPerModel?: ReadonlyMap<string, number>;
  /** Keep the prediction files already complete under this run id and score only the others. */
  readonly resume?: boolean;
  /** More failed models than this fails the run: a count or a percentage (`"5%"`). Default `"0"`. */
  readonly maxFailedModels?: string;
  /** Attempts after the first for transient I/O errors. Default 3. */
  readonly retries?: number;
  readonly retryDelayInMs?: number;
  /** Target size of the chunks of data handed to workers. Default 2 MiB. */
  readonly chunkSizeInBytes?: number;
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/** At most this many chunks queued per worker: bounds memory whatever the file size. */
const MAX_CHUNKS_IN_FLIGHT_PER_WORKER = 2;
const MAX_MALFORMED_SAMPLES = 10;

/**
 * Scores every model (of this shard) on its rows of the data file, streaming: the file is cut into
 * chunks of whole lines that worker threads parse and score; prediction lines come back in file order
 * and are appended to each model's partial file, which is committed when the data ends. The manifest
 * is written last. A model that fails to load or score is recorded and the others go on.
 *
 * @returns the manifest of this run (or of this shard; when this shard completes the run, the merged
 *   `_manifest.json` is written too).
 * @throws BatchScoringError `InputNotFound`, `InvalidInput` (also: a store with no models) or
 *   `OutputFailed`; ModelStoreError
 *   `InvalidLocation`; the signal's `AbortError` (partial files are removed, no manifest is written).
 */
export async function scoreBatch(options: ScoreBatchOptions): Promise<RunManifest> {
  const now = options.now ?? (() => new Date());
  const { abortSignal, output } = options;
  const signalOpt = abortSignal ? { abortSignal } : {};
  const startedAt = now();
  const threshold = parseFailureThreshold(options.maxFailedModels ?? "0");
  const shard = options.shard ?? { index: 0, count: 1 };
  const workers = options.workers ?? availableParallelism();
  const log = { runId: options.runId, ...(options.shard && { shard: `${shard.index}/${shard.count}` }) };
  await using _writerLease = await output.acquireWriterLease(options.shard, signalOpt); // one writer per run (shard), before any file

  // Which models this process scores.
  const storeOptions = options.modelStoreOptions ?? {};
  const store = await openModelStore(options.models, { ...storeOptions, ...signalOpt });
  const entries: ModelEntry[] = [];
  for await (const e of store.list(signalOpt)) entries.push(e);
  if (entries.length === 0) {
    // Almost always a wrong path; scoring nothing and exiting 0 would hide it.
    throw new BatchScoringError(`Model store ${store.location} holds no models (expected model_<device>_<sensor>.onnx or .json files)`, "NoModels");
  }
  const mine = planShards(weighModels(entries, options.rowsPerModel), shard.count)[shard.index]!;
  const existing = new Set(await output.list(signalOpt));
  if (options.shard) checkShardCount(existing, shard, options.runId, output.location);
  for (const name of await output.listPartials(signalOpt)) {
    // Left by a killed run: only this shard's own models, since another shard may be writing the rest.
    if (mine.some((m) => predictionFileName(m.deviceId, m.sensorId) === name)) await output.discard(name, signalOpt);
  }
  const resumed = options.resume ? mine.filter((m) => existing.has(predictionFileName(m.deviceId, m.sensorId))) : [];
  const resumedIds = new Set(resumed.map((m) => m.modelId));
  const toScore = mine.filter((m) => !resumedIds.has(m.modelId));
  const toScoreIds = new Set(toScore.map((m) => m.modelId));
  logger.info("run planned", { ...log, models: entries.length, shardModels: mine.length, resumed: resumed.length, workers });

  const progress = { bytesRead: 0, totalBytes: 0, rowsDone: 0 };
  // A shard of SQL windows reads only its own models' windows: n machines sharing a run each read 1/n.
  const byModel = typeof options.data === "object" && "kind" in options.data && options.data.kind === "windows" && shard.count > 1;
  const input = await readInputChunks(options.data, byModel ? toScore : undefined, {
    ...signalOpt,
    ...(options.chunkSizeInBytes && { chunkSizeInBytes: options.chunkSizeInBytes }),
  });
  const dataLocation = input.location;
  progress.totalBytes = input.sizeInBytes ?? 0;
  if (byModel) logger.info("reading only this shard's models: pairs without a model are not reported by a sharded run", { ...log, data: dataLocation });
  const inputState = await startRunInputState(
    output,
    options.shard,
    { data: dataLocation, ...(input.sizeInBytes !== undefined && { sizeInBytes: input.sizeInBytes }), models: store.location, engine: options.engine },
    options.resume ?? false,
    signalOpt,
  );

  // Model affinity where the files are local and there are workers: each worker writes its models' files.
  const affinity = workers > 0 && output.partialFilePath !== undefined;
  const outputs = new ModelOutputs(output, toScore, PREDICTION_CSV_HEADER + "\n", { ...signalOpt, writtenByScorers: affinity });
  const noModelRows = new Map<string, number>();
  const resumedRows = new Map<string, number>();
  const scoredWith: Record<string, ScoredWith> = {};
  const malformedSamples: MalformedRowSample[] = [];
  let rows = 0;
  let malformedRows = 0;
  let linesBefore = input.headerLines;

  const chunkBytesRead = new Map<number, number>();
  const applyInOrder = (r: ChunkResult): void => {
    progress.bytesRead = chunkBytesRead.get(r.seq) ?? progress.bytesRead;
    chunkBytesRead.delete(r.seq);
    rows += r.rows;
    malformedRows += r.malformedRows;
    for (const s of r.malformedSamples) {
      if (malformedSamples.length < MAX_MALFORMED_SAMPLES) malformedSamples.push({ line: linesBefore + s.lineInChunk, message: s.message });
    }
    if (r.malformedSamples.length > 0 && malformedSamples.length <= MAX_MALFORMED_SAMPLES) {
      for (const s of r.malformedSamples.slice(0, 3)) logger.warning(`malformed row at ${dataLocation}:${linesBefore + s.lineInChunk}: ${s.message}`, log);
    }
    linesBefore += r.lines;
    for (const [id, n] of r.noModelRows) noModelRows.set(id, (noModelRows.get(id) ?? 0) + n);
    for (const [id, n] of r.skippedRows) if (resumedIds.has(id)) resumedRows.set(id, (resumedRows.get(id) ?? 0) + n);
    for (const l of r.loaded) {
      outputs.loaded(l);
      scoredWith[toScore[l.modelIndex]!.modelId] ??= { engine: l.engine, parameters: l.parameters };
    }
    for (const f of r.failures) {
      if (outputs.fail(f)) logger.warning(`model ${toScore[f.modelIndex]!.modelId} failed: ${f.message}`, { ...log, model: toScore[f.modelIndex]!.modelId });
    }
    outputs.appendFragments(r);
    progress.rowsDone += r.rows;
    options.onProgress?.({ phase: "scoring", ...progress, modelsDone: 0, modelsTotal: mine.length });
  };

  // A remote store with a local cache: download each file once here, in parallel, instead of once per
  // worker thread as each meets the model (measured: cold Blob runs fetched most files twice).
  if (storeOptions.cacheDir && toScore.length > 0 && "prefetch" in store && typeof store.prefetch === "function") {
    const started = performance.now();
    await (store.prefetch as (o: OperationOptions) => Promise<void>)(signalOpt);
    logger.info("models prefetched into the cache", { ...log, ms: Math.round(performance.now() - started) });
  }

  const scorers = await startChunkScorers(
    {
      // The store's own location: for a versioned store it pins the version this run resolved, so every
      // worker reads the same models even if the store's current version moves meanwhile.
      modelsLocation: store.location,
      modelStoreOptions: storeOptions,
      engine: options.engine,
      modelIds: toScore.map((m) => m.modelId),
      skipModelIds: entries.filter((e) => !toScoreIds.has(e.modelId)).map((e) => e.modelId),
      columns: input.columns,
      retries: options.retries ?? 3,
      retryDelayInMs: options.retryDelayInMs ?? 100,
      maxMalformedSamples: MAX_MALFORMED_SAMPLES,
    },
    workers,
    affinity ? { partialPaths: outputs.partialFilePaths()!, header: PREDICTION_CSV_HEADER + "\n" } : undefined,
  );
  try {
    await pumpChunks(input.chunks, scorers, applyInOrder, abortSignal, (seq, read) => chunkBytesRead.set(seq, read));
    for (const f of (await Promise.all(scorers.map((s) => s.finish()))).flat()) {
      if (outputs.fail(f)) logger.warning(`model ${toScore[f.modelIndex]!.modelId} failed: ${f.message}`, { ...log, model: toScore[f.modelIndex]!.modelId });
    }
    // Before any prediction file is committed: a resume must have read the same content as the first attempt.
    await inputState.complete(input.contentSha256(), scoredWith);
  } catch (e) {
    await outputs.discardAll();
    throw asBatchScoringError(e);
  } finally {
    await Promise.all(scorers.map((s) => s.close()));
  }

  options.onProgress?.({ phase: "finishing", ...progress, modelsDone: 0, modelsTotal: mine.length });
  const results = await outputs.commitAll((done) =>
    options.onProgress?.({ phase: "finishing", ...progress, modelsDone: done, modelsTotal: mine.length }),
  );

  // Models kept from an earlier attempt: their numbers come from their files.
  for (const m of resumed) {
    const text = Buffer.from(await output.readFile(predictionFileName(m.deviceId, m.sensorId), signalOpt)).toString("latin1");
    const lines = text.split("\n").filter((l) => l !== "").slice(1);
    const artifact = await store.get(m, signalOpt).catch(() => undefined);
    results.push({
      modelId: m.modelId,
      deviceId: m.deviceId,
      sensorId: m.sensorId,
      status: "scored",
      rows: lines.length,
      anomalies: lines.filter((l) => l.endsWith(",1")).length,
      ...inputState.recordedScoredWith(m.modelId),
      ...(artifact?.sha256 && { sha256: artifact.sha256 }),
      ...(artifact?.paramsSha256 && { paramsSha256: artifact.paramsSha256 }),
      output: predictionFileName(m.deviceId, m.sensorId),
      resumed: true,
    });
    if (resumedRows.has(m.modelId) && resumedRows.get(m.modelId) !== lines.length) {
      logger.warning(`resumed model ${m.modelId} has ${lines.length} rows in its file but ${resumedRows.get(m.modelId)} in the data`, log);
    }
  }
  for (const [id, n] of noModelRows) {
    if (shardOfUnmodelledPair(id, shard.count) !== shard.index) continue;
    results.push({ modelId: id, ...parseModelId(id), status: "no-model", rows: n, anomalies: 0 });
  }
  results.sort(compareKeys);

  const finishedAt = now();
  const manifest = buildRunManifest({
    runId: options.runId,
    engine: options.engine,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    maxFailedModels: threshold.text,
    ...(options.shard && { shard }),
    workers,
    input: { data: dataLocation, models: store.location, rows, malformedRows, malformedSamples, ...(byModel && { shardRowsOnly: true }) },
    resumed: resumed.length,
    models: results,
  });

  const manifestName = options.shard ? shardManifestFileName(shard.index, shard.count) : RUN_MANIFEST_FILE;
  await output.writeFile(manifestName, JSON.stringify(manifest, null, 2) + "\n", signalOpt);
  logger.info("run finished", { ...log, ...manifest.totals, status: manifest.status });
  warnIfEmpty(manifest, log);
  if (options.shard) {
    // The last shard to finish can tell: every shard manifest is there. Merging twice is harmless.
    const merged = await finalizeRun(output, { ...signalOpt, ifComplete: true });
    if (merged) logger.info("all shards done: run manifest written", { ...log, status: merged.status });
  }
  options.onProgress?.({ phase: "done", ...progress, modelsDone: mine.length, modelsTotal: mine.length });
  return manifest;
}

/**
 * Sends chunks to the least busy scorer (at most {@link MAX_CHUNKS_IN_FLIGHT_PER_WORKER} each, which
 * holds the reader back) and applies results strictly in chunk order.
 */
async function pumpChunks(
  chunks: AsyncIterable<InputChunk>,
  scorers: readonly ChunkScorerHandle[],
  apply: (r: ChunkResult) => void,
  abortSignal: AbortSignal | undefined,
  onSent: (seq: number, fileBytesRead: number) => void,
): Promise<void> {
  const inFlight = new Map<number, Promise<ChunkResult>>();
  const done = new Map<number, ChunkResult>();
  let nextToApply = 0;
  let failure: unknown;
  const settle = (seq: number, p: Promise<ChunkResult>): void => {
    inFlight.set(
      seq,
      p.then(
        (r) => {
          inFlight.delete(seq);
          done.set(seq, r);
          while (done.has(nextToApply)) {
            const next = done.get(nextToApply)!;
            done.delete(nextToApply++);
            apply(next);
          }
          return r;
        },
        (e: unknown) => {
          inFlight.delete(seq);
          failure ??= e;
          throw e;
        },
      ),
    );
  };
  const waitForAny = async (): Promise<void> => {
    await Promise.race([...inFlight.values()]).catch(() => undefined);
    if (failure) throw failure;
  };
  try {
    for await (const { chunk, fileBytesRead } of chunks) {
      abortSignal?.throwIfAborted();
      if (failure) throw failure;
      let scorer = leastBusy(scorers);
      while (scorer.inFlight >= MAX_CHUNKS_IN_FLIGHT_PER_WORKER) {
        await waitForAny();
        abortSignal?.throwIfAborted();
        scorer = leastBusy(scorers);
      }
      onSent(chunk.seq, fileBytesRead);
      settle(chunk.seq, scorer.score(chunk));
    }
  } finally {
    // Also on abort or failure: no chunk result may arrive after the caller has cleaned up.
    await Promise.allSettled([...inFlight.values()]);
  }
  if (failure) throw failure;
  abortSignal?.throwIfAborted();
}

/** Shard weights: rows when known (unknown models count as the median), else the artifact size. */
function weighModels(entries: readonly ModelEntry[], rowsPerModel: ReadonlyMap<string, number> | undefined): Array<ModelEntry & { weight: number }> {
  const known = entries.map((e) => rowsPerModel?.get(e.modelId)).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return entries.map((e) => ({ ...e, weight: e.sizeInBytes }));
  const median = known[Math.floor(known.length / 2)]!;
  return entries.map((e) => ({ ...e, weight: rowsPerModel!.get(e.modelId) ?? median }));
}

function leastBusy(scorers: readonly ChunkScorerHandle[]): ChunkScorerHandle {
  let best = scorers[0]!;
  for (const s of scorers) if (s.inFlight < best.inFlight) best = s;
  return best;
}
