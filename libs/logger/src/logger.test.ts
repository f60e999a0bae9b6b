import { afterEach, describe, expect, it } from "vitest";
import { createLogger, formatJsonLine, setLogLevel, setLogSink, type LogRecord } from "./index.js";

describe("logger", () => {
  afterEach(() => {
    setLogLevel(undefined);
    setLogSink(undefined);
  });

  it("is silent until an app sets a level and a sink", () => {
    const records: LogRecord[] = [];
    const log = createLogger("fleetscore:test");
    log.error("dropped");
    setLogSink((r) => records.push(r));
    log.error("still dropped: no level");
    expect(records).toHaveLength(0);
    setLogLevel("info");
    log.info("kept", { runId: "r1" });
    log.verbose("dropped: too verbose");
    log.warning("kept too");
    expect(records.map((r) => r.msg)).toEqual(["kept", "kept too"]);
    expect(records[0]).toMatchObject({ level: "info", namespace: "fleetscore:test", fields: { runId: "r1" } });
    expect(log.enabled("verbose")).toBe(false);
    expect(log.enabled("warning")).toBe(true);
  });

  it("takes namespaces of one convention only: fleetscore:<project>", () => {
    expect(createLogger("fleetscore:sql-aggregates").namespace).toBe("fleetscore:sql-aggregates");
    for (const other of ["sql-aggregates", "fleetscore:", "fleetscore:Sql", "fleetscore:sql:store"]) {
      expect(() => createLogger(other), other).toThrow(/must be "fleetscore:<project>"/);
    }
  });

  it("rejects an unknown level and names the allowed ones", () => {
    expect(() => setLogLevel("debug")).toThrow(/Unknown log level "debug"; expected one of error, warning, info, verbose/);
  });

  it("formats one JSON object per line with the fields flattened", () => {
    const line = formatJsonLine({ time: "2026-01-01T00:00:00.000Z", level: "info", namespace: "ns", msg: "m", fields: { model: "1_1" } });
    expect(JSON.parse(line)).toEqual({ time: "2026-01-01T00:00:00.000Z", level: "info", ns: "ns", msg: "m", model: "1_1" });
    expect(line).not.toContain("\n");
  });
});
