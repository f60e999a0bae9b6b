import { describe, expect, it } from "vitest";
import { PartitionStore, parseStartFilter } from "./partition-store.js";

describe("parseStartFilter", () => {
  it("reads the three filters the SDK sends, exclusive and inclusive", () => {
    expect(parseStartFilter("amqp.annotation.x-opt-offset > '-1'")).toEqual({ kind: "offset", inclusive: false, value: -1 });
    expect(parseStartFilter("amqp.annotation.x-opt-offset > '@latest'")).toEqual({ kind: "offset", inclusive: false, value: "@latest" });
    expect(parseStartFilter("amqp.annotation.x-opt-sequence-number >= '41'")).toEqual({ kind: "sequenceNumber", inclusive: true, value: 41 });
    expect(parseStartFilter("amqp.annotation.x-opt-enqueued-time > '1700000000000'")).toEqual({ kind: "enqueuedTime", inclusive: false, value: 1_700_000_000_000 });
    expect(parseStartFilter(undefined)).toEqual({ kind: "offset", inclusive: false, value: -1 });
  });

  it("refuses anything else, naming the filter", () => {
    expect(() => parseStartFilter("amqp.annotation.x-opt-offset < '3'")).toThrow(/Unsupported event position filter "amqp.annotation.x-opt-offset < '3'"/);
    expect(() => parseStartFilter("amqp.annotation.x-opt-sequence-number > '@latest'")).toThrow(/Unsupported/);
    expect(() => parseStartFilter("amqp.annotation.x-opt-offset > 'abc'")).toThrow(/Unsupported/);
  });
});

describe("PartitionStore.startIndex", () => {
  const store = new PartitionStore("0");
  for (const t of [100, 100, 200, 300]) store.append({ body: t }, t, "k");

  it("starts after or at a sequence number (offsets are sequence numbers)", () => {
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-offset > '-1'"))).toBe(0);
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-offset > '1'"))).toBe(2);
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-sequence-number >= '1'"))).toBe(1);
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-sequence-number > '99'"))).toBe(4);
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-offset > '@latest'"))).toBe(4);
  });

  it("starts after an enqueued time", () => {
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-enqueued-time > '100'"))).toBe(2);
    expect(store.startIndex(parseStartFilter("amqp.annotation.x-opt-enqueued-time > '300'"))).toBe(4);
  });
});
