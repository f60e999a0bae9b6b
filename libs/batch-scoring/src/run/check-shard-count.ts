import { BatchScoringError } from "../batch-scoring-error.js";
import type { ShardSpec } from "./shard-plan.js";

const SHARD_MANIFEST = /^_manifest\.shard-(\d+)-of-(\d+)\.json$/;

/**
 * Refuses a shard whose count differs from the shard manifests the run already has, before any file is
 * touched: models are split by the count, so shards of 2 and of 3 would score some models twice and others
 * never, and the mismatch would only show when the manifests are merged.
 * @param existing Names of the run's complete files.
 * @throws BatchScoringError `ShardMismatch` naming the manifests found.
 */
export function checkShardCount(existing: Iterable<string>, shard: ShardSpec, runId: string, location: string): void {
  const others: string[] = [];
  for (const name of existing) {
    const m = SHARD_MANIFEST.exec(name);
    if (m && Number(m[2]) !== shard.count) others.push(name);
  }
  if (others.length === 0) return;
  const count = SHARD_MANIFEST.exec(others[0]!)![2];
  throw new BatchScoringError(
    `shard ${shard.index}/${shard.count} does not match run ${runId} in ${location}, which was split into ${count} shards (${others.sort().join(", ")}); ` +
      `give every shard of a run the same count, or use another run id`,
    "ShardMismatch",
  );
}
