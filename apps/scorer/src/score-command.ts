import { availableParallelism } from "node:os";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { isBlobStoreError, parseBlobLocation } from "@fleetscore/storage";
import {
  BlobRunOutput,
  FolderRunOutput,
  finalizeRun,
  isBatchScoringError,
  parseFailureThreshold,
  parseShardSpec,
  scoreBatch,
  type BatchProgress,
  type BatchScoringErrorCode,
  type DataForModels,
  type RunOutput,
} from "@fleetscore/batch-scoring";
import { readFile } from "node:fs/promises";
import { EngineChoice, RunId, RunManifest } from "@fleetscore/contracts";
import { isModelStoreError } from "@fleetscore/model-store";
import type { LineSource } from "@fleetscore/readings-csv";
import {
  aggregatesAsReadingsCsv,
  aggregatesRangeLocation,
  formatWindowSize,
  isAggregateStoreError,
  isSqlUrl,
  openAggregateStore,
  parseWindowSize,
  type AggregateStore,
} from "@fleetscore/sql-aggregates";
import { z } from "zod";
import { ExitCode } from "./exit-codes.js";
import { exitCodeFor, formatFinalizeSummary, formatScoreSummary, readRunOutcome } from "./run-outcome.js";
import { UsageError } from "@fleetscore/cli-support";
import { checkOutputOutsideModels } from "./check-output-location.js";

const refineWith = (parse: (v: string) => unknown) => (v: string, ctx: z.RefinementCtx) => {
  try {
    parse(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
  }
};

export const ScoreArgs = z.object({
  models: z.string().min(1),
  data: z.string().min(1),
  out: z.string().min(1),
  runId: RunId.optional(),
  engine: EngineChoice.default("auto"),
  workers: z.coerce.number().int().min(0).max(256).default(availableParallelism()),
  shard: z.string().superRefine(refineWith(parseShardSpec)).optional(),
  balanceFrom: z.string().min(1).optional(),
  resume: z.boolean().default(false),
  maxFailedModels: z.string().superRefine(refineWith(parseFailureThreshold)).default("0"),
  retries: z.coerce.number().int().min(0).max(20).default(3),
  /** With a SQL `--data`: the range of window ends, (from, to]. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** With a SQL `--data`: the window size to read (the database's only one by default). */
  window: z.string().superRefine(refineWith(parseWindowSize)).optional(),
  allowEmpty: z.boolean().default(false),
});
export type ScoreArgs = z.infer<typeof ScoreArgs>;

export const FinalizeArgs = z.object({ out: z.string().min(1), runId: RunId, allowEmpty: z.boolean().default(false) });
export type FinalizeArgs = z.infer<typeof FinalizeArgs>;

export interface ScoreCommandContext {
  readonly stdout: { write(text: string): unknown };
  /** Where run-time failures are explained (exit 1). */
  readonly stderr?: { write(text: string): unknown };
  /** The process environment: credentials for Blob model stores (AZURE_STORAGE_CONNECTION_STRING). */
  readonly env?: NodeJS.ProcessEnv;
  /** Local cache of downloaded model files (FLEETSCORE_MODEL_CACHE_DIR). */
  readonly modelCacheDir?: string;
  readonly abortSignal: AbortSignal;
  readonly onProgress?: (progress: BatchProgress) => void;
  readonly now?: () => Date;
}

/** `YYYYMMDDTHHMMSSZ` in UTC: the default run id, from the run's start time. */
export function defaultRunId(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/** Runs `score`; returns the process exit code. */
export async function runScoreCommand(args: ScoreArgs, ctx: ScoreCommandContext): Promise<ExitCode> {
  const now = ctx.now ?? (() => new Date());
  if (args.resume && !args.runId) throw new UsageError("--resume needs --run-id: the run to resume");
  checkOutputOutsideModels(args.out, args.models);
  const runId = args.runId ?? defaultRunId(now());
  const started = performance.now();
  let manifest: RunManifest;
  const data = await openData(args, ctx);
  try {
    const output = await openRunOutput(args.out, runId, args.retries, ctx, { create: true });
    manifest = await scoreBatch({
      runId,
      data: data.input,
      dataLocation: data.location,
      models: args.models,
      modelStoreOptions: { ...(ctx.env && { env: ctx.env }), ...(modelCacheDir(args.models, ctx) && { cacheDir: modelCacheDir(args.models, ctx)! }) },
      engine: args.engine,
      output,
      workers: args.workers,
      ...(args.shard && { shard: parseShardSpec(args.shard) }),
      ...(args.balanceFrom && { rowsPerModel: await readRowsPerModel(args.balanceFrom) }),
      resume: args.resume,
      maxFailedModels: args.maxFailedModels,
      retries: args.retries,
      abortSignal: ctx.abortSignal,
      ...(ctx.onProgress && { onProgress: ctx.onProgress }),
      now,
    });
    const run = manifest.shard ? await readRunOutcome(output, ctx.abortSignal) : undefined;
    ctx.stdout.write(formatScoreSummary(manifest, output.location, (performance.now() - started) / 1000, run));
  } catch (e) {
    if (isBatchScoringError(e) && e.code === "RunLeased") return runFailed(e, ctx);
    throw asUsageError(e);
  } finally {
    await data.cleanup();
  }
  return exitCodeFor(manifest, args.allowEmpty);
}

/**
 * The model cache: FLEETSCORE_MODEL_CACHE_DIR, or for models on a Blob URL a shared folder under the OS
 * temp dir (size-bounded by the cache itself), so repeated runs and worker threads download each file once.
 */
function modelCacheDir(models: string, ctx: ScoreCommandContext): string | undefined {
  if (ctx.modelCacheDir) return ctx.modelCacheDir;
  return /^https?:\/\//i.test(models) ? join(tmpdir(), "fleetscore-model-cache") : undefined;
}

/**
 * `--out`: a folder, or an http(s) Blob container URL (the run's files become blobs `<run-id>/...`).
 * `create`: make the container if it is missing (a new run); `finalize` only opens an existing one.
 */
async function openRunOutput(out: string, runId: string, retries: number, ctx: ScoreCommandContext, { create }: { create: boolean }): Promise<RunOutput> {
  let location;
  try {
    location = parseBlobLocation(out);
  } catch (e) {
    throw new UsageError(`--out: ${(e as Error).message}`, { cause: e });
  }
  // FLEETSCORE_LEASE_STALE_AFTER_MS: how long a silent folder writer keeps its lease (default 30 s).
  const staleAfter = Number(ctx.env?.["FLEETSCORE_LEASE_STALE_AFTER_MS"]);
  const lease = Number.isInteger(staleAfter) && staleAfter > 0 ? { leaseStaleAfterMs: staleAfter } : {};
  if (location.kind === "folder") return FolderRunOutput.create(location.path, runId, { abortSignal: ctx.abortSignal, retries, ...lease });
  try {
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    // One try per SDK call: BlobRunOutput retries with backoff itself (--retries), so an outage fails in
    // seconds with a clear error instead of hiding behind the SDK's own minute-long retry policy.
    const store = await openBlobStore(location, {
      ...(ctx.env && { env: ctx.env }),
      createIfNotExists: create,
      abortSignal: ctx.abortSignal,
      retryOptions: { maxTries: 1 },
    });
    return await BlobRunOutput.create(store, runId, { retries });
  } catch (e) {
    if (isBlobStoreError(e)) throw new UsageError(`--out: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * `--data`: a local file as it is, or a blob URL downloaded (streamed) to a temporary file first, since
 * the scorer reads its data file twice over (gzip detection, then the stream).
 */
interface ScoreData {
  readonly input: string | LineSource | DataForModels;
  readonly location: string;
  cleanup(): Promise<void>;
}

/**
 * `--data`: a CSV file, a CSV blob (streamed to a temp file first), or a SQL database of window
 * aggregates (`sqlite:`, `postgres://`, `mssql://`) read for `--from`/`--to` as a CSV of window means.
 */
async function openData(args: ScoreArgs, ctx: ScoreCommandContext): Promise<ScoreData> {
  if (isSqlUrl(args.data)) return openSqlData(args, ctx);
  if (args.from || args.to || args.window) throw new UsageError("--from/--to/--window select windows of a SQL --data (sqlite:, postgres://, mssql://); a CSV is scored whole");
  const file = await localDataFile(args.data, ctx);
  return { input: file.path, location: args.data, cleanup: file.cleanup };
}

async function openSqlData(args: ScoreArgs, ctx: ScoreCommandContext): Promise<ScoreData> {
  if (!args.from || !args.to) throw new UsageError("--data is a SQL database: give the window range with --from <iso> --to <iso>");
  const fromMs = Date.parse(args.from);
  const toMs = Date.parse(args.to);
  if (!(fromMs < toMs)) throw new UsageError(`--from ${args.from} must be before --to ${args.to}`);
  const password = ctx.env?.["FLEETSCORE_SQL_PASSWORD"];
  let store;
  try {
    store = await openAggregateStore(args.data, { ...(password && { password }), migrate: false, abortSignal: ctx.abortSignal });
  } catch (e) {
    if (isAggregateStoreError(e)) throw new UsageError(`--data: ${e.message}`, { cause: e });
    throw e;
  }
  let windowMs: number | undefined;
  try {
    windowMs = await chooseWindowSize(store, args.window);
  } catch (e) {
    await store.close();
    throw e;
  }
  // A shard reads only the windows of its own models (the store filters in SQL).
  const input: DataForModels = (models) =>
    aggregatesAsReadingsCsv(store, { fromMs, toMs, ...(windowMs !== undefined && { windowMs }), ...(models && { models }), abortSignal: ctx.abortSignal });
  const location = aggregatesRangeLocation(store, fromMs, toMs) + (windowMs === undefined ? "" : ` of ${formatWindowSize(windowMs)}`);
  return { input, location, cleanup: () => store.close() };
}

/**
 * `--window`, checked against the sizes the database holds: several need a choice, and a choice must be
 * one of them. A database without windows yet has nothing to read whatever the size (undefined).
 */
async function chooseWindowSize(store: AggregateStore, window: string | undefined): Promise<number | undefined> {
  const sizes = await store.windowSizes();
  if (sizes.length === 0) return undefined;
  const held = sizes.map(formatWindowSize).join(", ");
  if (window === undefined) {
    if (sizes.length === 1) return sizes[0]!;
    throw new UsageError(`--window: ${store.location} holds windows of ${sizes.length} sizes (${held}); choose one with --window <size>`);
  }
  const windowMs = parseWindowSize(window);
  if (!sizes.includes(windowMs)) throw new UsageError(`--window ${window}: ${store.location} holds no windows of that size (it holds ${held})`);
  return windowMs;
}

async function localDataFile(data: string, ctx: ScoreCommandContext): Promise<{ path: string; cleanup: () => Promise<void> }> {
  if (!/^https?:\/\//i.test(data)) return { path: data, cleanup: async () => undefined };
  const url = new URL(data);
  const slash = url.pathname.lastIndexOf("/");
  const parent = `${url.origin}${url.pathname.slice(0, slash)}`;
  const name = decodeURIComponent(url.pathname.slice(slash + 1));
  const dir = await mkdtemp(join(tmpdir(), "fleetscore-data-"));
  const path = join(dir, name || "data.csv");
  try {
    const { openBlobStore } = await import("@fleetscore/storage/azure");
    const store = await openBlobStore(parent, { ...(ctx.env && { env: ctx.env }), abortSignal: ctx.abortSignal });
    await pipeline(await store.getStream(name, { abortSignal: ctx.abortSignal }), createWriteStream(path));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    if (isBlobStoreError(e) || e instanceof TypeError) throw new UsageError(`--data: cannot read ${data}: ${(e as Error).message}`, { cause: e });
    throw e;
  }
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs `finalize`: merges the shard manifests of a run (in a folder or a Blob container) into `_manifest.json`. */
export async function runFinalizeCommand(args: FinalizeArgs, ctx: ScoreCommandContext): Promise<ExitCode> {
  const started = performance.now();
  try {
    const output = await openRunOutput(args.out, args.runId, 3, ctx, { create: false });
    await output.assertNoWriter({ abortSignal: ctx.abortSignal }); // a shard still writing: its manifest would be missed
    const manifest = (await finalizeRun(output, { abortSignal: ctx.abortSignal }))!;
    ctx.stdout.write(formatFinalizeSummary(manifest, output.location, (performance.now() - started) / 1000));
    return exitCodeFor(manifest, args.allowEmpty);
  } catch (e) {
    if (isBatchScoringError(e) && e.code === "RunLeased") return runFailed(e, ctx);
    throw asUsageError(e);
  }
}

/** Rows per model from an earlier run's manifest, to balance shards by rows (`--balance-from`). */
async function readRowsPerModel(path: string): Promise<Map<string, number>> {
  let parsed;
  try {
    parsed = RunManifest.safeParse(JSON.parse(await readFile(path, "utf8")));
  } catch (e) {
    throw new UsageError(`--balance-from: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!parsed.success) throw new UsageError(`--balance-from: ${path} is not a run manifest:\n${z.prettifyError(parsed.error)}`);
  return new Map(parsed.data.models.filter((m) => m.rows > 0).map((m) => [m.modelId, m.rows]));
}

function runFailed(e: Error, ctx: ScoreCommandContext): ExitCode {
  ctx.stderr?.write(`error: ${e.message}\n`);
  return ExitCode.RunFailed;
}

/** The flag each batch-scoring error code blames. */
const BATCH_ERROR_FLAG: Record<Exclude<BatchScoringErrorCode, "RunLeased">, string> = { InputNotFound: "--data", InvalidInput: "--data", NoModels: "--models", InvalidRun: "--out", OutputFailed: "--out", ShardMismatch: "--shard", RunNotFound: "--run-id", InvalidLocation: "--out" };

/** Input and location errors become usage errors naming the flag; anything else stays internal. */
function asUsageError(e: unknown): unknown {
  if (isModelStoreError(e)) return new UsageError(`--models: ${e.message}`, { cause: e });
  if (isAggregateStoreError(e) && e.code !== "Unavailable") return new UsageError(`--data: ${e.message}`, { cause: e });
  if (isBatchScoringError(e) && e.code !== "RunLeased") return new UsageError(`${BATCH_ERROR_FLAG[e.code]}: ${e.message}`, { cause: e });
  return e;
}
