import { describe, expect, it } from "vitest";
import { isEventLogError } from "./event-log-error.js";
import { EARLIEST_EVENT_POSITION, formatEventPosition, parseEventPosition, validateEventPosition, type EventPosition } from "./event-position.js";

function invalidPosition(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isEventLogError(e) && e.code === "InvalidPosition", String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected an InvalidPosition error");
}

describe("event position text", () => {
  it("round-trips, with partitions in ascending order", () => {
    const position: EventPosition = { sequenceNumbers: { "10": 5, "2": 0, "0": 41 } };
    const text = formatEventPosition(position);
    expect(text).toBe("v1:0=41,2=0,10=5");
    expect(parseEventPosition(text)).toEqual(position);
    expect(formatEventPosition(EARLIEST_EVENT_POSITION)).toBe("v1:");
    expect(parseEventPosition("v1:")).toEqual({ sequenceNumbers: {} });
    expect(parseEventPosition(`v1:3=${Number.MAX_SAFE_INTEGER}`).sequenceNumbers["3"]).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ["", /expected "v1:"/],
    ["garbage", /"garbage": expected "v1:" then comma-separated <partition id>=<last sequence number> pairs/],
    ["v2:0=1", /expected "v1:"/],
    ["{\"0\":1}", /expected "v1:"/],
    ["v1:0", /bad pair "0"/],
    ["v1:0=", /bad pair "0="/],
    ["v1:0=-1", /bad pair "0=-1"/],
    ["v1:0=1.5", /bad pair "0=1.5"/],
    ["v1:0=1e3", /bad pair "0=1e3"/],
    ["v1:01=1", /bad pair "01=1"/],
    ["v1:a=1", /bad pair "a=1"/],
    ["v1:0=1,", /bad pair ""/],
    ["v1:0=1;1=2", /bad pair "0=1;1=2"/],
    ["v1: 0=1", /bad pair " 0=1"/],
    ["v1:0=1,0=2", /partition 0 appears twice/],
    ["v1:1024=1", /partition id "1024" is not an integer from 0 to 1023/],
    ["v1:0=99999999999999999", /bad pair/],
    ["v1:0=9999999999999999", /sequence number of partition 0 is 10000000000000000, not an integer >= 0/],
  ])("refuses %j", (text, message) => {
    expect(invalidPosition(() => parseEventPosition(text))).toMatch(message);
  });

  it("refuses what is not a string, or far too long, and quotes long garbage briefly", () => {
    expect(invalidPosition(() => parseEventPosition(42 as unknown as string))).toMatch(/got number/);
    expect(invalidPosition(() => parseEventPosition(`v1:${"0=1,".repeat(10_000)}`))).toMatch(/too long/);
    const message = invalidPosition(() => parseEventPosition("x".repeat(500)));
    expect(message.length).toBeLessThan(300);
  });

  it("checks positions built in code", () => {
    expect(invalidPosition(() => validateEventPosition({ sequenceNumbers: { "0": -1 } }))).toMatch(/partition 0 is -1/);
    expect(invalidPosition(() => validateEventPosition({ sequenceNumbers: { x: 1 } }))).toMatch(/partition id "x"/);
    expect(invalidPosition(() => formatEventPosition({ sequenceNumbers: { "0": 0.5 } }))).toMatch(/0.5/);
    expect(invalidPosition(() => validateEventPosition(null as unknown as EventPosition))).toMatch(/expected \{ sequenceNumbers/);
  });
});
