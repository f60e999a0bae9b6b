import { describe, expect, it } from "vitest";
import { hashPartitionKey, partitionIdForKey } from "./partition-key.js";

describe("hashPartitionKey", () => {
  // Expected values from the Azure SDKs' PartitionResolver tests, generated with the C# lookup3 the Event
  // Hubs service uses: matching them means a device maps to the same partition here and on an event hub.
  it.each([
    ["7", -15263],
    ["131", 30562],
    ["7149583486996073602", 12977],
    ["FWfAT", -22341],
    ["sOdeEAsyQoEuEFPGerWO", -6503],
    ["FAyAIctPeCgmiwLKbJcyswoHglHVjQdvtBowLACDNORsYvOcLddNJYDmhAVkbyLOrHTKLneMNcbgWVlasVywOByANjs", 5226],
    ["!c*_!I@1^c", 15372],
    ["p4*!jioeO/z-!-;w:dh", -3104],
    ["$0cb", 26269],
    ["-4189260826195535198", 453],
  ])("hashes %j to %i as the Event Hubs service does", (key, expected) => {
    expect(hashPartitionKey(key)).toBe(expected);
  });

  it("handles the empty key and keys of every tail length", () => {
    expect(Number.isInteger(hashPartitionKey(""))).toBe(true);
    for (let n = 0; n <= 40; n++) {
      const h = hashPartitionKey("x".repeat(n));
      expect(h).toBeGreaterThanOrEqual(-32768);
      expect(h).toBeLessThanOrEqual(32767);
    }
  });
});

describe("partitionIdForKey", () => {
  it("maps like the Azure SDK's mapPartitionKeyToId", () => {
    expect(partitionIdForKey("alphabet", 11)).toBe("4");
  });

  it("is stable and within range", () => {
    for (let d = 0; d < 200; d++) {
      const id = partitionIdForKey(`device-${d}`, 4);
      expect(["0", "1", "2", "3"]).toContain(id);
      expect(partitionIdForKey(`device-${d}`, 4)).toBe(id);
    }
  });

  it("spreads devices over the partitions", () => {
    const counts = new Map<string, number>();
    for (let d = 1; d <= 1000; d++) {
      const id = partitionIdForKey(String(d), 4);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const n of counts.values()) expect(n).toBeGreaterThan(150);
  });

  it("refuses a partition count out of range", () => {
    expect(() => partitionIdForKey("a", 0)).toThrow(RangeError);
    expect(() => partitionIdForKey("a", 1.5)).toThrow(/integer from 1 to 1024/);
    expect(() => partitionIdForKey("a", 1025)).toThrow(RangeError);
  });
});
