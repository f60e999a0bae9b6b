import { FolderRunOutput, isBatchScoringError, scoreBatch } from "@fleetscore/batch-scoring";
import { EngineChoice, RunId, type RunManifest } from "@fleetscore/contracts";
import { FolderModelStore, isModelStoreError } from "@fleetscore/model-store";
import { createScoringEngine, isScoringError } from "@fleetscore/svm-scoring";
import { z } from "zod";
import { ExitCode } from "./exit-codes.js";
import { UsageError } from "./usage-error.js";

export const ScoreArgs = z.object({
  models: z.string().min(1),
  data: z.string().min(1),
  out: z.string().min(1),
  runId: RunId.optional(),
  engine: EngineChoice.default("auto"),
  maxConcurrency: z.coerce.number().int().min(1).max(256).default(4),
});
export type ScoreArgs = z.infer<typeof ScoreArgs>;

export interface ScoreCommandContext {
  readonly stdout: { write(text: string): unknown };
  readonly abortSignal: AbortSignal;
  readonly now?: () => Date;
}

/** `YYYYMMDDTHHMMSSZ` in UTC: the default run id, from the run's start time. */
export function defaultRunId(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

/** Runs `score`; returns the process exit code. */
export async function runScoreCommand(args: ScoreArgs, ctx: ScoreCommandContext): Promise<ExitCode> {
  const now = ctx.now ?? (() => new Date());
  const runId = args.runId ?? defaultRunId(now());
  const abortSignal = ctx.abortSignal;
  let models;
  try {
    models = await FolderModelStore.create(args.models, { abortSignal });
  } catch (e) {
    if (isModelStoreError(e)) throw new UsageError(`--models: ${e.message}`, { cause: e });
    throw e;
  }
  let engine;
  try {
    engine = await createScoringEngine(args.engine);
  } catch (e) {
    if (isScoringError(e)) throw new UsageError(`--engine ${args.engine}: ${e.message}`, { cause: e });
    throw e;
  }
  const started = performance.now();
  let manifest: RunManifest;
  try {
    const output = await FolderRunOutput.create(args.out, runId, { abortSignal });
    manifest = await scoreBatch({
      runId,
      data: args.data,
      models,
      engine,
      engineChoice: args.engine,
      output,
      maxConcurrency: args.maxConcurrency,
      abortSignal,
      now,
    });
    const seconds = (performance.now() - started) / 1000;
    ctx.stdout.write(formatSummary(manifest, output.location, seconds));
  } catch (e) {
    if (isBatchScoringError(e)) {
      const flag = e.code === "OutputFailed" ? "--out" : "--data";
      throw new UsageError(`${flag}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  return manifest.totals.failed > 0 ? ExitCode.ModelsFailed : ExitCode.Ok;
}

function formatSummary(m: RunManifest, location: string, seconds: number): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  const t = m.totals;
  const lines = [
    `run ${m.runId}: ${n(t.scored)} models scored, ${n(t.failed)} failed, ${n(t.noModel)} pairs without a model, ${n(t.noData)} models without data`,
    `rows: ${n(m.input.rows)} read, ${n(m.input.malformedRows)} malformed, ${n(t.scoredRows)} scored, ${n(t.anomalies)} anomalies`,
    `time: ${seconds.toFixed(2)} s; output: ${location}`,
  ];
  for (const s of m.input.malformedSamples) lines.push(`malformed row: ${m.input.data}:${s.line}: ${s.message}`);
  for (const r of m.models) if (r.status === "failed") lines.push(`failed: model ${r.modelId}: [${r.error?.code}] ${r.error?.message}`);
  return lines.join("\n") + "\n";
}
