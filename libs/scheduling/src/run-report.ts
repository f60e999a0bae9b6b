import type { OperationOptions } from "@fleetscore/contracts";
import { readRunManifest } from "./run-files.js";
import type { RunRecord, RunStore, ShardRecord } from "./run-store.js";
import { SchedulingError } from "./scheduling-error.js";

export interface FailedModel {
  readonly shard: number;
  readonly modelId: string;
  readonly error: string;
  readonly logPath?: string;
}

export interface RunReport {
  readonly run: RunRecord;
  readonly shards: readonly ShardRecord[];
  /** Every model a shard manifest lists as failed, with the log of the shard that tried it. */
  readonly failedModels: readonly FailedModel[];
}

/**
 * A run as `show` prints it: the run and shard records from the store, and the failed models from the
 * run's shard manifests (local outputs). @throws SchedulingError `RunNotFound`.
 */
export async function getRunReport(store: RunStore, runId: string, options: OperationOptions = {}): Promise<RunReport> {
  const run = await store.getRun(runId, options);
  if (!run) throw new SchedulingError(`No run "${runId}" in the run store ${store.location} (list them with \`runs\`)`, "RunNotFound");
  const shards = await store.listShards(runId, options);
  const failedModels: FailedModel[] = [];
  const outputRoot = run.output.slice(0, run.output.length - runId.length - 1);
  for (const shard of shards) {
    const manifest = await readRunManifest(outputRoot, runId, shard);
    for (const m of manifest?.models ?? []) {
      if (m.status !== "failed") continue;
      failedModels.push({ shard: shard.index, modelId: m.modelId, error: m.error ? `${m.error.code}: ${m.error.message}` : "failed", ...(shard.logPath && { logPath: shard.logPath }) });
    }
  }
  return { run, shards, failedModels };
}
