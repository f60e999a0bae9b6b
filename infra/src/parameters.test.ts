import { describe, expect, it } from "vitest";
import { buildTemplate, isInfraError, parseInfraParameters, resourceNames } from "./index.js";
import { TEST_PARAMETERS_INPUT, testParameters } from "./test-fixtures/parameters.js";

function failure(raw: unknown): string {
  try {
    parseInfraParameters(raw, "env.yaml");
  } catch (e) {
    expect(isInfraError(e, "InvalidParameters")).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected the parameters to be rejected");
}

describe("infrastructure parameters (zod)", () => {
  it("fills the cost-saving defaults: compute from 0 nodes, serverless SQL that pauses, 1 unit of Event Hubs and Stream Analytics", () => {
    const p = testParameters();
    expect(p.compute).toMatchObject({ minNodes: 0, maxNodes: 4, idleTimeBeforeScaleDown: "PT10M" });
    expect(p.sql).toMatchObject({ maxVCores: 1, minVCores: 0.5, autoPauseDelayInMinutes: 60 });
    expect(p.eventHubs).toMatchObject({ throughputUnits: 1, partitions: 4 });
    expect(p.streamAnalytics).toMatchObject({ streamingUnits: 1, window: 5000, lateArrival: 5000, outOfOrder: 0, onLate: "adjust" });
    expect(p.registrySku).toBe("Basic");
  });

  it("names the file, the field and the value of every bad field", () => {
    const message = failure({
      ...TEST_PARAMETERS_INPUT,
      prefix: "Fleet-Score",
      subscriptionId: "nope",
      eventHubs: { partitions: 0 },
      compute: { minNodes: 5, maxNodes: 2 },
      streamAnalytics: { window: "soon" },
    });
    expect(message).toContain('env.yaml: prefix: must be 2 to 10 lowercase letters and digits, starting with a letter (got "Fleet-Score")');
    expect(message).toContain('env.yaml: subscriptionId: Invalid GUID (got "nope")');
    expect(message).toMatch(/env\.yaml: eventHubs\.partitions: .* \(got 0\)/);
    expect(message).toMatch(/env\.yaml: streamAnalytics\.window: .*not a duration.* \(got "soon"\)/);
    expect(failure({ ...TEST_PARAMETERS_INPUT, compute: { minNodes: 5, maxNodes: 2 } })).toContain("env.yaml: compute.minNodes: must not exceed compute.maxNodes (got 5)");
    expect(failure({ ...TEST_PARAMETERS_INPUT, sqlAdministrator: undefined })).toContain("env.yaml: sqlAdministrator: ");
    expect(failure({ ...TEST_PARAMETERS_INPUT, sqlPassword: "x" })).toMatch(/env\.yaml: \(top level\): Unrecognized key: "sqlPassword"/);
  });

  it("refuses windowing Stream Analytics cannot express, naming the section", () => {
    const error = (() => {
      try {
        buildTemplate(testParameters({ streamAnalytics: { lateArrival: "1500ms" } }));
      } catch (e) {
        return e;
      }
      throw new Error("expected the parameters to be refused");
    })();
    expect(isInfraError(error, "InvalidParameters")).toBe(true);
    expect((error as Error).message).toMatch(/^streamAnalytics: Stream Analytics cannot express lateArrivalToleranceInMs 1500 ms: its event-ordering tolerances are whole seconds/);
  });

  it("derives every name from the prefix and the environment, within each resource type's limits at the longest", () => {
    const names = resourceNames({ prefix: "abcdefghij", environment: "abcdefgh" });
    expect(names.storageAccount).toMatch(/^[a-z0-9]{3,24}$/);
    expect(names.registry).toMatch(/^[a-zA-Z0-9]{5,50}$/);
    expect(names.keyVault).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/);
    expect(names.workspace.length).toBeLessThanOrEqual(33);
    expect(names.compute).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{1,23}$/);
    expect(names.eventHubsNamespace).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/);
    expect(resourceNames({ prefix: "fleetscore", environment: "prod" })).toMatchObject({ storageAccount: "fleetscoreprodst", sqlServer: "fleetscore-prod-sql", eventHub: "readings" });
  });
});
