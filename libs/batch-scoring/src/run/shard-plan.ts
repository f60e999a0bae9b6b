import { compareKeys } from "@fleetscore/model-store";
import type { ModelKey } from "@fleetscore/contracts";

export interface ShardSpec {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (0 <= i < n). @throws RangeError naming the value. */
export function parseShardSpec(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count) || count > 10_000) {
    throw new RangeError(`shard "${text}" must be i/n with 0 <= i < n <= 10000, e.g. 0/4`);
  }
  return { index, count };
}

export interface ShardableModel extends ModelKey {
  readonly modelId: string;
  /** Relative cost: rows to score when known, else any stable proxy (the artifact size). */
  readonly weight: number;
}

/**
 * Splits models into `count` shards of nearly equal total weight, the same way on every machine and in
 * every run (greedy longest-processing-time: heaviest model first, to the lightest shard, ties to the
 * lower shard index; equal weights fall back to the store's stable model order). Every model lands in
 * exactly one shard.
 */
export function planShards<T extends ShardableModel>(models: readonly T[], count: number): T[][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be a positive integer, got ${count}`);
  const order = [...models].sort((a, b) => b.weight - a.weight || compareKeys(a, b));
  const shards: T[][] = Array.from({ length: count }, () => []);
  const load = new Float64Array(count);
  for (const m of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    shards[best]!.push(m);
    load[best]! += Math.max(m.weight, 0);
  }
  for (const shard of shards) shard.sort(compareKeys);
  return shards;
}

/**
 * The shard that reports a (device, sensor) pair that has data but no model: a stable hash, so that
 * exactly one of the n shards counts it.
 */
export function shardOfUnmodelledPair(modelId: string, count: number): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < modelId.length; i++) {
    h ^= modelId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}
