import { describe, expect, it } from "vitest";
import { isPublisherError, parsePublisherConfig, scheduleTrigger, toPublishSpec } from "../index.js";

const valid = () => ({
  pipelines: [
    {
      name: "hourly",
      models: "https://acct.blob.core.windows.net/models",
      data: "postgres://scorer@db.example.com:5432/fleet",
      dataWindowInSeconds: 3600,
      output: "https://acct.blob.core.windows.net/predictions",
      shards: 2,
      trigger: { type: "recurrence", frequency: "hour", interval: 1, timeZone: "America/New_York", startTime: "2026-12-01T12:00:00Z" },
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

function failure(raw: unknown): string {
  try {
    parsePublisherConfig(raw, "cfg.yaml");
  } catch (e) {
    expect(isPublisherError(e) && e.code).toBe("InvalidConfig");
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("parsePublisherConfig", () => {
  it("fills the cost-saving defaults: 0 min nodes, scale down after 10 minutes, system-assigned identity", () => {
    const config = parsePublisherConfig(valid(), "cfg.yaml");
    expect(config.azure.compute).toMatchObject({ minNodes: 0, idleTimeBeforeScaleDown: "PT10M", identity: { type: "SystemAssigned" }, vmPriority: "Dedicated" });
    expect(config.azure.image.repository).toBe("fleetscore/scorer");
  });

  it("names the file, the field path and the value of every bad field", () => {
    const raw = valid();
    raw.pipelines[0]!.models = "https://acct.blob.core.windows.net/models?sv=2022&sig=abc";
    (raw.azure as Record<string, unknown>)["subscriptionId"] = "not-a-uuid";
    raw.azure.compute.maxNodes = 0;
    const message = failure(raw);
    expect(message).toContain("cfg.yaml: pipelines[0].models: must not carry a SAS token");
    expect(message).toContain('cfg.yaml: azure.subscriptionId: Invalid GUID (got "not-a-uuid")');
    expect(message).toMatch(/cfg\.yaml: azure\.compute\.maxNodes: .*(got 0)/);
  });

  it("rejects a local file as data (a cluster node cannot read it) and a missing azure section", () => {
    const raw = valid();
    raw.pipelines[0]!.data = "sqlite:out/aggregates.db";
    expect(failure(raw)).toContain("pipelines[0].data: must be an Azure Blob URL");
    expect(failure({ pipelines: valid().pipelines })).toContain("cfg.yaml: azure:");
  });

  it("picks the pipeline by name and says which exist when the name is wrong", () => {
    const config = parsePublisherConfig(valid(), "cfg.yaml");
    expect(toPublishSpec(config).pipeline.name).toBe("hourly");
    expect(() => toPublishSpec(config, "daily")).toThrow('no pipeline is named "daily" (pipelines: hourly)');
  });

  it("turns a recurrence with an IANA zone into Azure ML's Windows zone and wall-clock start", () => {
    const { pipeline } = toPublishSpec(parsePublisherConfig(valid(), "cfg.yaml"));
    expect(scheduleTrigger(pipeline.trigger)).toEqual({
      triggerType: "Recurrence",
      frequency: "Hour",
      interval: 1,
      timeZone: "Eastern Standard Time",
      startTime: "2026-12-01T07:00:00",
    });
  });
});
