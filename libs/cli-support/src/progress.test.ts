import { describe, expect, it } from "vitest";
import { createLogger, getLogLevel, setLogLevel, setLogSink, type LogRecord } from "@fleetscore/logger";
import { createProgressReporter } from "./index.js";

const view = (n: number) => ({ value: n, total: 10, payload: { n: String(n) } });

describe("createProgressReporter", () => {
  it("off a TTY: one info 'progress' JSON line per event logLine accepts, with the common fields", () => {
    const records: LogRecord[] = [];
    const level = getLogLevel();
    setLogLevel("info");
    setLogSink((r) => records.push(r));
    try {
      const reporter = createProgressReporter<number>({ isTTY: false }, { format: "{n}", bar: view, logLine: (n) => (n % 2 === 0 ? { n } : undefined), logger: createLogger("fleetscore:test"), fields: { runId: "r1" } });
      for (let i = 1; i <= 4; i++) reporter.onProgress(i);
      reporter.stop();
    } finally {
      setLogSink(undefined);
      setLogLevel(level);
    }
    expect(records.map((r) => [r.level, r.msg, r.fields["runId"], r.fields["n"]])).toEqual([
      ["info", "progress", "r1", 2],
      ["info", "progress", "r1", 4],
    ]);
  });

  it("off a TTY with jsonLines: the lines go there as JSON objects, not to the log", () => {
    let out = "";
    const records: LogRecord[] = [];
    const level = getLogLevel();
    setLogLevel("info");
    setLogSink((r) => records.push(r));
    try {
      const reporter = createProgressReporter<number>({ isTTY: false }, { format: "{n}", bar: view, logLine: (n) => ({ n }), logger: createLogger("fleetscore:test"), fields: { runId: "r1" }, jsonLines: { write: (t: string) => (out += t) } });
      reporter.onProgress(1);
      reporter.onProgress(2);
      reporter.stop();
    } finally {
      setLogSink(undefined);
      setLogLevel(level);
    }
    expect(records).toEqual([]);
    expect(out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { time: expect.any(String), runId: "r1", n: 1 },
      { time: expect.any(String), runId: "r1", n: 2 },
    ]);
  });

  it("on a TTY: draws a bar on the stream and logs nothing", () => {
    let drawn = "";
    const tty = { isTTY: true, columns: 80, write: (t: string) => ((drawn += t), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true, on: () => tty, removeListener: () => tty };
    const records: LogRecord[] = [];
    setLogSink((r) => records.push(r));
    try {
      const reporter = createProgressReporter<number>(tty, { format: "step {value}/{total} n={n}", bar: view, logLine: (n) => ({ n }), logger: createLogger("fleetscore:test") });
      reporter.onProgress(3);
      reporter.stop();
    } finally {
      setLogSink(undefined);
    }
    expect(drawn).toContain("step 3/10 n=3");
    expect(records).toEqual([]);
  });
});
