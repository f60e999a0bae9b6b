import { RUN_MANIFEST_FILE, RunManifest, type OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "../batch-scoring-error.js";
import type { RunOutput } from "../folder-run-output.js";
import { mergeShardManifests, warnIfEmpty } from "./run-manifest-builder.js";

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
  const merged = mergeShardManifests(shards, output.location);
  await output.writeFile(RUN_MANIFEST_FILE, JSON.stringify(merged, null, 2) + "\n", options);
  warnIfEmpty(merged);
  return merged;
}
