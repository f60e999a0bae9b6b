import { describe, expect, it } from "vitest";
import { isPublisherError, parsePublisherConfig, scheduleTrigger, toPublishSpec } from "../index.js";

const valid = () => ({
  pipelines: [
    {
      name: "hourly",
      models: "https://acct.blob.core.windows.net/models",
      data: { source: "postgres://scorer@db.example.com:5432/fleet", window: "1h" },
      output: "https://acct.blob.core.windows.net/predictions",
      shards: 2,
      trigger: { type: "cron", expression: "30 6 * * *", timeZone: "America/New_York", startTime: "2026-12-01T12:00:00Z" },
    },
  ],
  azure: {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg",
    workspace: "ws1",
    location: "eastus",
    compute: { name: "cpu-cluster", maxNodes: 2 },
    image: { registry: "reg.azurecr.io", tag: "1.0.0" },
  },
});

function failure(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(isPublisherError(e) && e.code).toBe("InvalidConfig");
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("parsePublisherConfig (the scheduler's schema plus azure)", () => {
  it("fills the cost-saving defaults: 0 min nodes, scale down after 10 minutes, system-assigned identity", () => {
    const config = parsePublisherConfig(valid(), "cfg.yaml");
    expect(config.azure.compute).toMatchObject({ minNodes: 0, idleTimeBeforeScaleDown: "PT10M", identity: { type: "SystemAssigned" }, vmPriority: "Dedicated" });
    expect(config.azure.image.repository).toBe("fleetscore/scorer");
    expect(config.pipelines[0]!.shardTimeout).toBe(3_600_000);
  });

  it("names the file, the field path and the value of every bad field, in the scheduler's and the azure section", () => {
    const raw = valid();
    raw.pipelines[0]!.shards = 0;
    (raw.azure as Record<string, unknown>)["subscriptionId"] = "not-a-guid";
    raw.azure.compute.maxNodes = 0;
    const message = failure(() => parsePublisherConfig(raw, "cfg.yaml"));
    expect(message).toContain("cfg.yaml: pipelines.0.shards: Too small: expected number to be >0 (got 0)");
    expect(message).toContain('cfg.yaml: azure.subscriptionId: Invalid GUID (got "not-a-guid")');
    expect(message).toMatch(/cfg\.yaml: azure\.compute\.maxNodes: .*\(got 0\)/);
    expect(failure(() => parsePublisherConfig({ pipelines: valid().pipelines }, "cfg.yaml"))).toContain("cfg.yaml: azure: ");
  });

  it("rejects a cron expression the scheduler cannot read, naming it", () => {
    const raw = valid();
    raw.pipelines[0]!.trigger.expression = "61 * * * *";
    expect(failure(() => parsePublisherConfig(raw, "cfg.yaml"))).toContain("cfg.yaml: pipelines.0.trigger.expression: Invalid cron expression");
  });
});

describe("toPublishSpec", () => {
  it("rejects what a cluster node cannot use: local paths and URLs with a SAS", () => {
    const local = valid();
    local.pipelines[0]!.data.source = "sqlite:out/aggregates.db";
    expect(failure(() => toPublishSpec(parsePublisherConfig(local, "cfg.yaml")))).toContain("pipelines.0.data.source: must be an Azure Blob URL");
    const sas = valid();
    sas.pipelines[0]!.models = "https://acct.blob.core.windows.net/models?sv=2022&sig=abc";
    expect(failure(() => toPublishSpec(parsePublisherConfig(sas, "cfg.yaml")))).toContain("pipelines.0.models: must not carry a SAS token");
  });

  it("picks the pipeline by name and says which exist when the name is wrong", () => {
    const config = parsePublisherConfig(valid(), "cfg.yaml");
    expect(toPublishSpec(config).pipeline).toMatchObject({ name: "hourly", data: "postgres://scorer@db.example.com:5432/fleet", dataWindowInSeconds: 3600, shardTimeoutInSeconds: 3600 });
    expect(() => toPublishSpec(config, "daily")).toThrow('no pipeline is named "daily" (pipelines: hourly)');
  });

  it("turns the IANA zone into Azure ML's Windows zone and the start into wall-clock time there", () => {
    const { pipeline } = toPublishSpec(parsePublisherConfig(valid(), "cfg.yaml"));
    expect(scheduleTrigger(pipeline.trigger)).toEqual({ triggerType: "Cron", expression: "30 6 * * *", timeZone: "Eastern Standard Time", startTime: "2026-12-01T07:00:00" });
  });

  it("keeps the scheduler's recurrence grid (from the epoch, UTC) by starting Azure ML's at the epoch", () => {
    const raw = valid();
    (raw.pipelines[0] as Record<string, unknown>)["trigger"] = { type: "recurrence", frequency: "hour", interval: 2 };
    const { pipeline } = toPublishSpec(parsePublisherConfig(raw, "cfg.yaml"));
    expect(scheduleTrigger(pipeline.trigger)).toEqual({ triggerType: "Recurrence", frequency: "Hour", interval: 2, timeZone: "UTC", startTime: "1970-01-01T00:00:00" });
  });
});
