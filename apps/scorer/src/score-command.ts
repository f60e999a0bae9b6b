import { availableParallelism } from "node:os";
import {
  finalizeRun,
  openRunOutput,
  parseFailureThreshold,
  parseShardSpec,
  scoreBatch,
  type BatchProgress,
} from "@fleetscore/batch-scoring";
import { EngineChoice, RunId, RunManifest } from "@fleetscore/contracts";
import { parseWindowSize } from "@fleetscore/sql-aggregates";
import { z } from "zod";
import type { ExitCode } from "./exit-codes.js";
import { exitCodeFor, formatFinalizeSummary, formatScoreSummary, readRunOutcome } from "./run-outcome.js";
import { UsageError, type FleetscoreEnv } from "@fleetscore/cli-support";
import { checkOutputOutsideModels } from "./check-output-location.js";
import { asUsageError, leaseStaleAfter } from "./blame-flag.js";
import { openDataInput } from "./data-options.js";
import { readRowsPerModel } from "./balance-from.js";
import { modelCacheDir } from "./model-cache-dir.js";

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
  /** The environment as cli-support read it: Blob credentials (AZURE_STORAGE_CONNECTION_STRING), the SQL password, storage timeouts. */
  readonly env?: FleetscoreEnv;
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
  const signal = { abortSignal: ctx.abortSignal };
  const input = await openDataInput(args, ctx);
  let manifest: RunManifest;
  try {
    const output = await openRunOutput(args.out, runId, { ...signal, retries: args.retries, ...(ctx.env && { env: ctx.env }), ...leaseStaleAfter(ctx.env) });
    const cacheDir = modelCacheDir(args.models, ctx);
    manifest = await scoreBatch({
      runId,
      data: input,
      models: args.models,
      modelStoreOptions: { ...(ctx.env && { env: ctx.env }), ...(cacheDir && { cacheDir }) },
      engine: args.engine,
      output,
      workers: args.workers,
      ...(args.shard && { shard: parseShardSpec(args.shard) }),
      ...(args.balanceFrom && { rowsPerModel: await readRowsPerModel(args.balanceFrom) }),
      resume: args.resume,
      maxFailedModels: args.maxFailedModels,
      retries: args.retries,
      ...signal,
      ...(ctx.onProgress && { onProgress: ctx.onProgress }),
      now,
    });
    const run = manifest.shard ? await readRunOutcome(output, ctx.abortSignal) : undefined;
    ctx.stdout.write(formatScoreSummary(manifest, output.location, (performance.now() - started) / 1000, run));
  } catch (e) {
    throw asUsageError(e);
  } finally {
    await input.close();
  }
  return exitCodeFor(manifest, args.allowEmpty);
}

/** Runs `finalize`: merges the shard manifests of a run (in a folder or a Blob container) into `_manifest.json`. */
export async function runFinalizeCommand(args: FinalizeArgs, ctx: ScoreCommandContext): Promise<ExitCode> {
  const started = performance.now();
  try {
    const output = await openRunOutput(args.out, args.runId, { abortSignal: ctx.abortSignal, ...(ctx.env && { env: ctx.env }), create: false });
    await output.assertNoWriter({ abortSignal: ctx.abortSignal }); // a shard still writing: its manifest would be missed
    const manifest = (await finalizeRun(output, { abortSignal: ctx.abortSignal }))!;
    ctx.stdout.write(formatFinalizeSummary(manifest, output.location, (performance.now() - started) / 1000));
    return exitCodeFor(manifest, args.allowEmpty);
  } catch (e) {
    throw asUsageError(e);
  }
}
