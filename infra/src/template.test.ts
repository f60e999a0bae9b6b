import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Eventhub } from "@azure/arm-eventhub";
import { streamAnalyticsJobSettings, streamAnalyticsQuery } from "@fleetscore/stream-windowing";
import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, buildArtifacts, buildTemplate, CONTAINERS, resourceTags, type ArmResource, type SdkProperties } from "./index.js";
import { testParameters } from "./test-fixtures/parameters.js";

const { template, parametersFile, names } = buildTemplate(testParameters());
const byType = (type: string): ArmResource[] => template.resources.filter((r) => r.type === type);
const only = (type: string): ArmResource & { properties: Record<string, unknown> } => {
  const found = byType(type);
  expect(found, type).toHaveLength(1);
  return found[0] as ArmResource & { properties: Record<string, unknown> };
};
const key = (type: string, names: readonly string[]) => `${type}/${names.join("/")}`.toLowerCase();
/** `[resourceId('T', 'a', 'b')]` -> `t/a/b`, the key every resource of the template also has. */
function resourceIdKey(expression: string): string {
  const match = /^\[resourceId\((.*)\)\]$/.exec(expression);
  if (!match) throw new Error(`not a resourceId expression: ${expression}`);
  const [type, ...parts] = [...match[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!);
  return key(type!, parts);
}
const keyOf = (r: ArmResource) => key(r.type, r.name.split("/"));

describe("the ARM template", () => {
  it("matches the reviewed snapshot (template, parameters file, schema script)", async () => {
    const artifacts = buildArtifacts(testParameters());
    await expect(`${JSON.stringify(artifacts.template, null, 2)}\n`).toMatchFileSnapshot("./__snapshots__/fleetscore.test.json");
    await expect(`${JSON.stringify(artifacts.parametersFile, null, 2)}\n`).toMatchFileSnapshot("./__snapshots__/fleetscore.test.parameters.json");
    // Without the migrations' batches, a copy of their DDL: sql/schema-script.test checks those are exactly the migrations'.
    const setup = artifacts.schemaSql.split(/^GO\n/m).filter((batch) => !batch.startsWith("-- Migration "));
    await expect(setup.join("GO\n")).toMatchFileSnapshot("./__snapshots__/schema.test.sql");
    expect(parametersFile.parameters).toEqual({ location: { value: "westeurope" } });
  });

  it("has every resource of the architecture once", () => {
    const counts = Object.fromEntries([...new Set(template.resources.map((r) => r.type))].map((t) => [t, byType(t).length]));
    expect(counts).toEqual({
      "Microsoft.ManagedIdentity/userAssignedIdentities": 2,
      "Microsoft.EventHub/namespaces": 1,
      "Microsoft.EventHub/namespaces/eventhubs": 1,
      "Microsoft.EventHub/namespaces/eventhubs/consumergroups": 2,
      "Microsoft.Storage/storageAccounts": 1,
      "Microsoft.Storage/storageAccounts/blobServices/containers": 5,
      "Microsoft.Sql/servers": 1,
      "Microsoft.Sql/servers/databases": 1,
      "Microsoft.Sql/servers/firewallRules": 1,
      "Microsoft.ContainerRegistry/registries": 1,
      "Microsoft.KeyVault/vaults": 1,
      "Microsoft.OperationalInsights/workspaces": 1,
      "Microsoft.Insights/components": 1,
      "Microsoft.MachineLearningServices/workspaces": 1,
      "Microsoft.StreamAnalytics/streamingjobs": 1,
      "Microsoft.Authorization/roleAssignments": 8,
    });
  });

  it("tags every resource that has a location (child resources take their parent's) and puts it in the parameter's location", () => {
    const tagged = template.resources.filter((r) => r.location !== undefined);
    expect(tagged.length).toBe(12);
    // The others are children ARM tags through their parent, or role assignments (which take no tags).
    expect([...new Set(template.resources.filter((r) => r.location === undefined).map((r) => r.type))].sort()).toEqual([
      "Microsoft.Authorization/roleAssignments",
      "Microsoft.EventHub/namespaces/eventhubs",
      "Microsoft.EventHub/namespaces/eventhubs/consumergroups",
      "Microsoft.Sql/servers/firewallRules",
      "Microsoft.Storage/storageAccounts/blobServices/containers",
    ]);
    for (const r of tagged) {
      expect(r.tags, r.name).toEqual(resourceTags(testParameters()));
      expect(r.location).toBe("[parameters('location')]");
    }
    expect(resourceTags(testParameters())).toMatchObject({ owner: "platform", project: "fleetscore", environment: "test", "managed-by": "fleetscore-infra" });
  });

  it("makes each resource depend on its parent and on what it references, and every dependency is in the template", () => {
    const keys = new Set(template.resources.map(keyOf));
    for (const r of template.resources) {
      for (const d of r.dependsOn ?? []) expect(keys.has(resourceIdKey(d)), `${r.name} depends on ${d}`).toBe(true);
      const parts = r.name.split("/");
      if (parts.length > 1 && r.type !== "Microsoft.Authorization/roleAssignments") {
        // A child: its parent is the type and name one level up (containers skip the implicit blobServices/default).
        const typeParts = r.type.split("/");
        const parentType = r.type.includes("blobServices") ? typeParts.slice(0, -2).join("/") : typeParts.slice(0, -1).join("/");
        const parentNames = r.type.includes("blobServices") ? parts.slice(0, -2) : parts.slice(0, -1);
        expect((r.dependsOn ?? []).map(resourceIdKey), r.name).toContain(key(parentType, parentNames));
      }
    }
    const workspace = only("Microsoft.MachineLearningServices/workspaces");
    expect(workspace.dependsOn!.map(resourceIdKey).sort()).toEqual(
      [
        key("Microsoft.Storage/storageAccounts", [names.storageAccount]),
        key("Microsoft.KeyVault/vaults", [names.keyVault]),
        key("Microsoft.Insights/components", [names.appInsights]),
        key("Microsoft.ContainerRegistry/registries", [names.registry]),
      ].sort(),
    );
    expect(only("Microsoft.StreamAnalytics/streamingjobs").dependsOn!.map(resourceIdKey).sort()).toEqual(
      [key("Microsoft.EventHub/namespaces/eventhubs", [names.eventHubsNamespace, "readings"]), key("Microsoft.Sql/servers/databases", [names.sqlServer, "aggregates"])].sort(),
    );
  });

  it("sets the properties each resource needs", () => {
    expect(only("Microsoft.EventHub/namespaces")).toMatchObject({ sku: { name: "Standard", capacity: 1 }, properties: { disableLocalAuth: true } });
    expect(only("Microsoft.EventHub/namespaces/eventhubs").properties).toEqual({ partitionCount: 4, messageRetentionInDays: 1 });
    expect(byType("Microsoft.EventHub/namespaces/eventhubs/consumergroups").map((r) => r.name.split("/")[2])).toEqual(["aggregator", "stream-analytics"]);
    expect(byType("Microsoft.Storage/storageAccounts/blobServices/containers").map((r) => [r.name, r.properties])).toEqual(
      Object.values(CONTAINERS).map((c) => [`${names.storageAccount}/default/${c}`, { publicAccess: "None" }]),
    );
    expect(only("Microsoft.Storage/storageAccounts").properties).toMatchObject({ allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2" });
    expect(only("Microsoft.Sql/servers").properties).toMatchObject({ administrators: { azureADOnlyAuthentication: true, administratorType: "ActiveDirectory", sid: "99999999-8888-7777-6666-555555555555" } });
    expect(only("Microsoft.Sql/servers/databases")).toMatchObject({ sku: { name: "GP_S_Gen5", capacity: 1 }, properties: { autoPauseDelay: 60, minCapacity: 0.5 } });
    expect(only("Microsoft.MachineLearningServices/workspaces").properties).toMatchObject({
      storageAccount: `[resourceId('Microsoft.Storage/storageAccounts', '${names.storageAccount}')]`,
      keyVault: `[resourceId('Microsoft.KeyVault/vaults', '${names.keyVault}')]`,
      applicationInsights: `[resourceId('Microsoft.Insights/components', '${names.appInsights}')]`,
      containerRegistry: `[resourceId('Microsoft.ContainerRegistry/registries', '${names.registry}')]`,
    });
    expect(only("Microsoft.KeyVault/vaults").properties).toMatchObject({ enableRbacAuthorization: true, tenantId: "[subscription().tenantId]" });
    expect(only("Microsoft.ContainerRegistry/registries")).toMatchObject({ sku: { name: "Basic" }, properties: { adminUserEnabled: false } });
    expect(only("Microsoft.Insights/components").properties).toMatchObject({ WorkspaceResourceId: `[resourceId('Microsoft.OperationalInsights/workspaces', '${names.logAnalytics}')]` });
  });

  it("runs the query the aggregator's generator writes, with its job settings, on the hub and the aggregates table, as the job's identity", async () => {
    const job = only("Microsoft.StreamAnalytics/streamingjobs").properties as Record<string, any>;
    const options = { windowSizeInMs: 5000, lateArrivalToleranceInMs: 5000, outOfOrderToleranceInMs: 0, eventOrderingAction: "adjust" as const };
    expect(job["transformation"].properties.query).toBe(streamAnalyticsQuery(options));
    // The same text as the checked-in infra/stream-analytics/query.asaql (nx run infra:stream-analytics).
    expect(job["transformation"].properties.query).toBe(await readFile(resolve(import.meta.dirname, "../stream-analytics/query.asaql"), "utf8"));
    expect(job).toMatchObject(streamAnalyticsJobSettings(options));
    expect(job["inputs"]).toEqual([
      {
        name: "readings",
        properties: {
          type: "Stream",
          datasource: { type: "Microsoft.ServiceBus/EventHub", properties: { serviceBusNamespace: names.eventHubsNamespace, eventHubName: "readings", consumerGroupName: "stream-analytics", authenticationMode: "Msi" } },
          serialization: { type: "Json", properties: { encoding: "UTF8" } },
        },
      },
    ]);
    expect(job["outputs"]).toEqual([
      { name: "window-aggregates", properties: { datasource: { type: "Microsoft.Sql/Server/Database", properties: { server: names.sqlServer, database: "aggregates", table: "window_aggregates", authenticationMode: "Msi" } } } },
    ]);
    const oneMinute = buildTemplate(testParameters({ streamAnalytics: { window: "1m", onLate: "drop" } })).template.resources.find((r) => r.type === "Microsoft.StreamAnalytics/streamingjobs")!;
    expect((oneMinute.properties as any).transformation.properties.query).toBe(streamAnalyticsQuery({ ...options, windowSizeInMs: 60_000, eventOrderingAction: "drop" }));
    expect(oneMinute.properties).toMatchObject({ eventsOutOfOrderPolicy: "Drop" });
  });

  it("scopes each role assignment to the one container, hub or registry its identity needs", () => {
    const scoped = byType("Microsoft.Authorization/roleAssignments").map((r) => {
      const p = r.properties as { roleDefinitionId: string; principalId: string };
      const role = Object.entries(BUILT_IN_ROLES).find(([, id]) => p.roleDefinitionId.includes(id))![0];
      const who = /userAssignedIdentities', '([^']+)'/.exec(p.principalId)?.[1] ?? /streamingjobs', '([^']+)'/.exec(p.principalId)?.[1];
      return `${who} ${role} ${r.scope}`;
    });
    const account = `Microsoft.Storage/storageAccounts/${names.storageAccount}/blobServices/default/containers`;
    const hub = `Microsoft.EventHub/namespaces/${names.eventHubsNamespace}/eventhubs/readings`;
    expect(scoped.sort()).toEqual(
      [
        `${names.scorerIdentity} storageBlobDataReader ${account}/models`,
        `${names.scorerIdentity} storageBlobDataReader ${account}/data`,
        `${names.scorerIdentity} storageBlobDataContributor ${account}/preds`,
        `${names.scorerIdentity} storageBlobDataContributor ${account}/logs`,
        `${names.scorerIdentity} acrPull Microsoft.ContainerRegistry/registries/${names.registry}`,
        `${names.aggregatorIdentity} eventHubsDataReceiver ${hub}`,
        `${names.aggregatorIdentity} storageBlobDataContributor ${account}/checkpoints`,
        `${names.streamAnalyticsJob} eventHubsDataReceiver ${hub}`,
      ].sort(),
    );
    for (const r of byType("Microsoft.Authorization/roleAssignments")) {
      expect(r.name).toMatch(/^\[guid\(/);
      expect((r.properties as { principalType: string }).principalType).toBe("ServicePrincipal");
    }
  });

  it("holds no secret: no key, SAS, password or connection string, and no list* function in resources or outputs", () => {
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/listKeys|listSecrets|listConnectionStrings|listCredentials|securestring/i);
    expect(text).not.toMatch(/AccountKey=|SharedAccessKey|sig=|password|sharedAccessPolicyKey|administratorLoginPassword/i);
    expect(text).not.toMatch(/"(user|sharedAccessPolicyName)"/);
  });

  it("types properties with the SDK models: a misspelt property does not compile", () => {
    // @ts-expect-error partitionCont is not a property of the Event Hubs model
    const misspelt: SdkProperties<Eventhub> = { partitionCont: 4 };
    // @ts-expect-error a string where the model says number
    const mistyped: SdkProperties<Eventhub> = { partitionCount: "4" };
    expect([misspelt, mistyped]).toHaveLength(2);
  });
});
