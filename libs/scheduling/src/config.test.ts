import { describe, expect, it } from "vitest";
import { parseSchedulerConfig } from "./index.js";

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
