import { describe, expect, it } from "vitest";
import { parseSchedulerConfig } from "./index.js";
import { scoreArgs } from "./executor.js";

const VALID = `
pipelines:
  - name: hourly
    models: data/reference/models
    data: { source: "sqlite:out/aggregates.db" }
    output: out
    shards: 2
    trigger: { type: cron, expression: "0 * * * *", timeZone: Europe/Amsterdam }
`;

describe("parseSchedulerConfig", () => {
  it("fills the defaults of a minimal YAML config", () => {
    const config = parseSchedulerConfig(VALID, "s.yaml");
    const [p] = config.pipelines;
    expect(config.runStore).toBe("sqlite:out/scheduler/runs.db");
    expect(p).toMatchObject({ name: "hourly", shards: 2, overlap: "skip", maxFailedModels: "0", executor: { kind: "process", scorer: "apps/scorer/dist/main.js" } });
    expect(p!.data.window).toBe(3_600_000);
    expect(p!.retries).toEqual({ maxAttempts: 3, backoff: 5_000, maxBackoff: 300_000 });
    expect(p!.catchUp).toEqual({ policy: "latest", maxRuns: 24 });
  });

  it("passes data.windowSize to the scorer as --window, and refuses what is not a window size", () => {
    const config = parseSchedulerConfig(VALID.replace('data: { source: "sqlite:out/aggregates.db" }', 'data: { source: "sqlite:out/aggregates.db", windowSize: 5s }'), "s.yaml");
    const pipeline = config.pipelines[0]!;
    const args = scoreArgs({ pipeline, runId: "r", scheduledAt: new Date("2026-11-25T14:00:00Z"), index: 0, count: 2, resume: false, logPath: "l" });
    expect(args.slice(args.indexOf("--to"), args.indexOf("--to") + 4)).toEqual(["--to", "2026-11-25T14:00:00.000Z", "--window", "5s"]);
    expect(() => parseSchedulerConfig(VALID.replace('data: { source: "sqlite:out/aggregates.db" }', 'data: { source: "sqlite:out/aggregates.db", windowSize: "five" }'), "s.yaml")).toThrow(
      /pipelines\.0\.data\.windowSize: a window size/,
    );
  });

  it("reads JSON too", () => {
    const json = JSON.stringify({ pipelines: [{ name: "j", models: "m", data: { source: "d.csv" }, output: "o", trigger: { type: "recurrence", frequency: "hour", interval: 1 } }] });
    expect(parseSchedulerConfig(json, "s.json").pipelines[0]!.trigger).toMatchObject({ type: "recurrence", frequency: "hour" });
  });

  it("names the file, the field path and the value of every bad field", () => {
    const bad = VALID.replace("shards: 2", 'shards: "two"').replace("Europe/Amsterdam", "Mars/Olympus");
    expect(() => parseSchedulerConfig(bad, "conf/s.yaml")).toThrow(/conf\/s\.yaml: pipelines\.0\.shards: .*\(got "two"\)/);
    expect(() => parseSchedulerConfig(bad, "conf/s.yaml")).toThrow(/conf\/s\.yaml: pipelines\.0\.trigger\.timeZone: not an IANA time zone.*\(got "Mars\/Olympus"\)/);
  });

  it("names a bad cron expression, a bad duration, an unknown field and a duplicate name", () => {
    const cron = VALID.replace('"0 * * * *"', '"61 * * * *"');
    expect(() => parseSchedulerConfig(cron, "s.yaml")).toThrow(/s\.yaml: pipelines\.0\.trigger\.expression: .*minute/);
    const duration = VALID.replace("shards: 2", "shardTimeout: soon");
    expect(() => parseSchedulerConfig(duration, "s.yaml")).toThrow(/pipelines\.0\.shardTimeout: not a duration.*\(got "soon"\)/);
    const unknown = VALID.replace("shards: 2", "shard: 2");
    expect(() => parseSchedulerConfig(unknown, "s.yaml")).toThrow(/pipelines\.0: Unrecognized key: "shard"/);
    const twice = VALID + VALID.split("pipelines:\n")[1]!;
    expect(() => parseSchedulerConfig(twice, "s.yaml")).toThrow(/pipelines\.1\.name: duplicate pipeline name \(got "hourly"\)/);
  });

  it("reports YAML syntax errors with the file", () => {
    expect(() => parseSchedulerConfig("pipelines: [", "broken.yaml")).toThrow(/broken\.yaml: not valid YAML or JSON/);
  });
});
