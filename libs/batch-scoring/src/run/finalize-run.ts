import { RUN_MANIFEST_FILE, RunManifest, type ModelRunResult, type OperationOptions } from "@fleetscore/contracts";
import { compareKeys } from "@fleetscore/model-store";
import { BatchScoringError } from "../batch-scoring-error.js";
import type { RunOutput } from "../folder-run-output.js";
import { parseFailureThreshold } from "./failure-threshold.js";

export interface FinalizeRunOptions extends OperationOptions {
  /** Return undefined instead of throwing when some shard manifests are missing. */
  readonly ifComplete?: boolean;
}

const SHARD_MANIFEST = /^_manifest\.shard-(\d+)-of-(\d+)\.json$/;

/**
 * Merges the shard manifests of a run (`_manifest.shard-<i>-of-<n>.json`, all n of them) into
 * `_manifest.json`. Idempotent: merging the same shards again writes the same manifest.
 * @throws BatchScoringError `InvalidRun` when shards are missing (unless `ifComplete`), disagree on
 *   their count or run id, or two shards scored the same model.
 */
export async function finalizeRun(output: RunOutput, options: FinalizeRunOptions = {}): Promise<RunManifest | undefined> {
  const names = (await output.list(options)).filter((n) => SHARD_MANIFEST.test(n));
  if (names.length === 0) {
    if (options.ifComplete) return undefined;
    throw new BatchScoringError(`No shard manifests (_manifest.shard-<i>-of-<n>.json) in ${output.location}`, "InvalidRun");
  }
  const counts = new Set(names.map((n) => Number(SHARD_MANIFEST.exec(n)![2])));
  if (counts.size > 1) {
    throw new BatchScoringError(`Shard manifests in ${output.location} disagree on the shard count (${[...counts].join(", ")})`, "InvalidRun");
  }
  const count = [...counts][0]!;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !names.includes(`_manifest.shard-${i}-of-${count}.json`));
  if (missing.length > 0) {
    if (options.ifComplete) return undefined;
    throw new BatchScoringError(`Run ${output.location} is missing the manifests of shard(s) ${missing.join(", ")} of ${count}`, "InvalidRun");
  }
  const shards: RunManifest[] = [];
  for (let i = 0; i < count; i++) {
    const name = `_manifest.shard-${i}-of-${count}.json`;
    const parsed = RunManifest.safeParse(JSON.parse(Buffer.from(await output.readFile(name, options)).toString("utf8")));
    if (!parsed.success) throw new BatchScoringError(`${output.location}/${name} is not a valid run manifest: ${parsed.error.message}`, "InvalidRun");
    shards.push(parsed.data);
  }
  const first = shards[0]!;
  if (shards.some((s) => s.runId !== first.runId)) throw new BatchScoringError(`Shard manifests in ${output.location} belong to different runs`, "InvalidRun");

  const seen = new Map<string, number>();
  const models: ModelRunResult[] = [];
  shards.forEach((s, i) => {
    for (const m of s.models) {
      if (seen.has(m.modelId)) {
        throw new BatchScoringError(`Model ${m.modelId} appears in shard ${seen.get(m.modelId)} and shard ${i} of ${output.location}`, "InvalidRun");
      }
      seen.set(m.modelId, i);
      models.push(m);
    }
  });
  models.sort(compareKeys);
  const count_ = (status: ModelRunResult["status"]): number => models.filter((m) => m.status === status).length;
  const failed = count_("failed");
  const threshold = parseFailureThreshold(first.maxFailedModels);
  const startedAt = shards.map((s) => s.startedAt).sort()[0]!;
  const finishedAt = shards.map((s) => s.finishedAt).sort().at(-1)!;
  const merged = RunManifest.parse({
    schemaVersion: 1,
    runId: first.runId,
    engine: first.engine,
    startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    status: failed === 0 ? "succeeded" : threshold.exceeded(failed, failed + count_("scored")) ? "failed" : "partial",
    maxFailedModels: first.maxFailedModels,
    mergedShards: count,
    workers: shards.reduce((n, s) => n + (s.workers ?? 0), 0),
    // Every shard reads the whole file, so the input counts are the same in each.
    input: first.input,
    totals: {
      models: models.length,
      scored: count_("scored"),
      failed,
      noModel: count_("no-model"),
      noData: count_("no-data"),
      resumed: shards.reduce((n, s) => n + s.totals.resumed, 0),
      scoredRows: models.reduce((n, m) => n + (m.status === "scored" ? m.rows : 0), 0),
      anomalies: models.reduce((n, m) => n + m.anomalies, 0),
    },
    models,
  } satisfies RunManifest);
  await output.writeFile(RUN_MANIFEST_FILE, JSON.stringify(merged, null, 2) + "\n", options);
  return merged;
}
