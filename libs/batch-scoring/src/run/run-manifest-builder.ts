import { RunManifest, type ModelRunResult, type RunManifestStatus } from "@fleetscore/contracts";
import { compareKeys } from "@fleetscore/model-store";
import { BatchScoringError } from "../batch-scoring-error.js";
import { logger } from "../log.js";
import { parseFailureThreshold } from "./failure-threshold.js";

/** What a scorer (or a merge of shards) knows about a run; the builder derives the totals and the status. */
export interface RunManifestParts {
  readonly runId: string;
  readonly engine: RunManifest["engine"];
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The failure threshold text (`"0"`, `"5%"`). */
  readonly maxFailedModels: string;
  /** This manifest is one shard's. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** This manifest merges that many shard manifests. */
  readonly mergedShards?: number;
  readonly workers: number;
  readonly input: RunManifest["input"];
  /** Models whose prediction file `--resume` kept (they are also in `models`, as scored). */
  readonly resumed: number;
  readonly models: readonly ModelRunResult[];
}

/**
 * The status rule, the same for a shard, a whole run and a merge of shards:
 * - `failed` / `partial`: some model failed, more / no more than `maxFailedModels` allows;
 * - `empty`: no model failed and the data held no row to score (`hadRows` false): a range with no
 *   windows, an empty file; reported so a scheduled run with nothing to score can be alerted on;
 * - `succeeded`: otherwise.
 */
export function runStatus(models: readonly ModelRunResult[], maxFailedModels: string, hadRows: boolean): RunManifestStatus {
  const failed = models.filter((m) => m.status === "failed").length;
  if (failed > 0) {
    const scored = models.filter((m) => m.status === "scored").length;
    return parseFailureThreshold(maxFailedModels).exceeded(failed, failed + scored) ? "failed" : "partial";
  }
  return hadRows ? "succeeded" : "empty";
}

/**
 * Builds a run manifest: models in key order, totals counted from them, the status by {@link runStatus}.
 * Scoring and finalize both build theirs here, so a run's manifest has the same fields in the same order
 * whichever wrote it. @param hadRows default: `input.rows > 0`.
 */
export function buildRunManifest(parts: RunManifestParts, hadRows = parts.input.rows > 0): RunManifest {
  const models = [...parts.models].sort(compareKeys);
  const count = (status: ModelRunResult["status"]): number => models.filter((m) => m.status === status).length;
  return RunManifest.parse({
    schemaVersion: 1,
    runId: parts.runId,
    engine: parts.engine,
    startedAt: parts.startedAt,
    finishedAt: parts.finishedAt,
    durationMs: Date.parse(parts.finishedAt) - Date.parse(parts.startedAt),
    status: runStatus(models, parts.maxFailedModels, hadRows),
    maxFailedModels: parts.maxFailedModels,
    ...(parts.shard && { shard: { index: parts.shard.index, count: parts.shard.count } }),
    ...(parts.mergedShards !== undefined && { mergedShards: parts.mergedShards }),
    workers: parts.workers,
    input: parts.input,
    totals: {
      models: models.length,
      scored: count("scored"),
      failed: count("failed"),
      noModel: count("no-model"),
      noData: count("no-data"),
      resumed: parts.resumed,
      scoredRows: models.reduce((n, m) => n + (m.status === "scored" ? m.rows : 0), 0),
      anomalies: models.reduce((n, m) => n + m.anomalies, 0),
    },
    models,
  } satisfies RunManifest);
}

/**
 * Merges the manifests of all n shards of a run (in shard order) into the run's manifest.
 * - span: the first shard's start to the last shard's end;
 * - `workers`: the most worker threads one shard used (shards are separate processes, often on separate
 *   machines, so their sum was never one pool; each shard manifest keeps its own count);
 * - `input`: the first shard's when every shard read the whole input (a file); rows and malformed rows
 *   summed when each read only its own models' rows (`shardRowsOnly`: SQL windows); the run had rows if any shard had;
 * - `resumed`: summed over the shards.
 * @throws BatchScoringError `InvalidRun` when the shards belong to different runs or two scored one model.
 */
export function mergeShardManifests(shards: readonly RunManifest[], location: string): RunManifest {
  const first = shards[0];
  if (!first) throw new BatchScoringError(`No shard manifests to merge in ${location}`, "InvalidRun");
  if (shards.some((s) => s.runId !== first.runId)) throw new BatchScoringError(`Shard manifests in ${location} belong to different runs`, "InvalidRun");
  const seen = new Map<string, number>();
  shards.forEach((s, i) => {
    for (const m of s.models) {
      if (seen.has(m.modelId)) throw new BatchScoringError(`Model ${m.modelId} appears in shard ${seen.get(m.modelId)} and shard ${i} of ${location}`, "InvalidRun");
      seen.set(m.modelId, i);
    }
  });
  return buildRunManifest(
    {
      runId: first.runId,
      engine: first.engine,
      startedAt: shards.map((s) => s.startedAt).sort()[0]!,
      finishedAt: shards.map((s) => s.finishedAt).sort().at(-1)!,
      maxFailedModels: first.maxFailedModels,
      mergedShards: shards.length,
      workers: Math.max(...shards.map((s) => s.workers ?? 0)),
      input: mergedInput(shards),
      resumed: shards.reduce((n, s) => n + s.totals.resumed, 0),
      models: shards.flatMap((s) => s.models),
    },
    shards.some((s) => s.input.rows > 0),
  );
}

/** The warning an `empty` run (or shard) logs: a wrong range or an empty file usually means a broken upstream. */
export function warnIfEmpty(manifest: RunManifest, fields: Record<string, unknown> = {}): void {
  if (manifest.status !== "empty") return;
  const what = manifest.shard ? `shard ${manifest.shard.index}/${manifest.shard.count} of run ${manifest.runId}` : `run ${manifest.runId}`;
  logger.warning(`${what} is empty: its data ${manifest.input.data} held no row to score (status "empty")`, { runId: manifest.runId, ...fields, malformedRows: manifest.input.malformedRows });
}

/** The run's input from its shards' (see mergeShardManifests). */
function mergedInput(shards: readonly RunManifest[]): RunManifest["input"] {
  const { shardRowsOnly, ...first } = shards[0]!.input;
  if (!shardRowsOnly) return first;
  return {
    ...first,
    rows: shards.reduce((n, s) => n + s.input.rows, 0),
    malformedRows: shards.reduce((n, s) => n + s.input.malformedRows, 0),
    malformedSamples: shards.flatMap((s) => s.input.malformedSamples),
  };
}
