import { describe, expect, it } from "vitest";
import { parseShardSpec, planShards, shardOfUnmodelledPair, type ShardableModel } from "../index.js";

function models(n: number, weight: (i: number) => number): ShardableModel[] {
  return Array.from({ length: n }, (_, i) => ({ deviceId: String(Math.floor(i / 10) + 1), sensorId: String((i % 10) + 1), modelId: `${Math.floor(i / 10) + 1}_${(i % 10) + 1}`, weight: weight(i) }));
}

describe("planShards", () => {
  it("puts every model in exactly one shard, for several shard counts", () => {
    const all = models(2000, (i) => 1000 + ((i * 7919) % 3000));
    for (const n of [1, 2, 3, 7, 16, 64]) {
      const shards = planShards(all, n);
      expect(shards).toHaveLength(n);
      const ids = shards.flat().map((m) => m.modelId);
      expect(ids).toHaveLength(all.length);
      expect(new Set(ids).size).toBe(all.length);
      // Balanced: no shard heavier than the average by more than the heaviest single model.
      const loads = shards.map((s) => s.reduce((w, m) => w + m.weight, 0));
      const avg = loads.reduce((a, b) => a + b, 0) / n;
      expect(Math.max(...loads) - avg).toBeLessThanOrEqual(Math.max(...all.map((m) => m.weight)));
    }
  });

  it("is stable: same input, same plan, whatever the input order", () => {
    const all = models(500, (i) => (i % 5) + 1);
    const a = planShards(all, 4).map((s) => s.map((m) => m.modelId));
    const b = planShards([...all].reverse(), 4).map((s) => s.map((m) => m.modelId));
    expect(b).toEqual(a);
  });

  it("spreads models of equal weight evenly", () => {
    const shards = planShards(models(10, () => 1), 3);
    expect(shards.map((s) => s.length).sort()).toEqual([3, 3, 4]);
  });

  it("parses i/n and refuses anything else", () => {
    expect(parseShardSpec("2/5")).toEqual({ index: 2, count: 5 });
    for (const bad of ["5/5", "-1/2", "1", "a/b", "1/0", "0/20000"]) expect(() => parseShardSpec(bad), bad).toThrow(/must be i\/n/);
  });

  it("gives each unmodelled pair to one shard", () => {
    for (const id of ["1_1", "pump-3_x", "99_7"]) {
      const s = shardOfUnmodelledPair(id, 5);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(5);
      expect(shardOfUnmodelledPair(id, 5)).toBe(s);
    }
  });
});
