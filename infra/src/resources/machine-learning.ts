import type { ApplicationType, IngestionMode } from "@azure/arm-appinsights/esm/models/index.js";
import type { VaultProperties } from "@azure/arm-keyvault";
import type { Workspace as MachineLearningWorkspace, Sku as MachineLearningSku } from "@azure/arm-machinelearning";
import type { Workspace as LogAnalyticsWorkspace } from "@azure/arm-operationalinsights";
import { API_VERSIONS } from "../arm/api-versions.js";
import { idOf, type ArmResource, type ResourceRef, type SdkProperties } from "../arm/template.js";
import { type BuildContext, trackedResource } from "./context.js";
import { registryRef } from "./registry.js";
import { storageAccountRef } from "./storage.js";

export const workspaceRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.MachineLearningServices/workspaces", names: [c.names.workspace] });
const keyVaultRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.KeyVault/vaults", names: [c.names.keyVault] });
const logAnalyticsRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.OperationalInsights/workspaces", names: [c.names.logAnalytics] });
const appInsightsRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.Insights/components", names: [c.names.appInsights] });

/**
 * Application Insights' wire names differ from its SDK model's (`applicationType` is `Application_Type`,
 * `ingestionMode` is `IngestionMode`), and workspace-based mode (`WorkspaceResourceId`) is newer than the
 * model @azure/arm-appinsights 4 exports: the properties are declared here, with the SDK's value types.
 */
interface AppInsightsProperties {
  readonly Application_Type: ApplicationType;
  readonly IngestionMode: IngestionMode;
  readonly WorkspaceResourceId: string;
}

/**
 * The Azure ML workspace and what it needs: a Key Vault (RBAC, soft delete; fleetscore stores no secret
 * in it), Application Insights on a Log Analytics workspace (the monitor exports there), the storage
 * account and the registry of this template. The compute cluster is the publisher's: the pipeline config
 * this deployment writes gives it 0 nodes when idle.
 */
export function machineLearningResources(c: BuildContext): ArmResource[] {
  const keyVault: ArmResource<VaultProperties> = {
    ...trackedResource(c, keyVaultRef(c), API_VERSIONS.keyVault),
    properties: {
      tenantId: "[subscription().tenantId]",
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 7,
      publicNetworkAccess: "Enabled",
    },
  };
  const logAnalytics: ArmResource<SdkProperties<LogAnalyticsWorkspace, "sku">> = {
    ...trackedResource(c, logAnalyticsRef(c), API_VERSIONS.operationalInsights),
    properties: { sku: { name: "PerGB2018" }, retentionInDays: 30 },
  };
  const appInsights: ArmResource<AppInsightsProperties> = {
    ...trackedResource(c, appInsightsRef(c), API_VERSIONS.appInsights),
    kind: "web",
    dependsOn: [idOf(logAnalyticsRef(c))],
    properties: { Application_Type: "web", IngestionMode: "LogAnalytics", WorkspaceResourceId: idOf(logAnalyticsRef(c)) },
  };
  const dependencies = [storageAccountRef(c), keyVaultRef(c), appInsightsRef(c), registryRef(c)];
  const workspace: ArmResource<SdkProperties<MachineLearningWorkspace>> = {
    ...trackedResource(c, workspaceRef(c), API_VERSIONS.machineLearning),
    sku: { name: "Basic", tier: "Basic" } satisfies MachineLearningSku,
    identity: { type: "SystemAssigned" } satisfies MachineLearningWorkspace["identity"],
    dependsOn: dependencies.map(idOf),
    properties: {
      friendlyName: `fleetscore ${c.parameters.environment}`,
      storageAccount: idOf(storageAccountRef(c)),
      keyVault: idOf(keyVaultRef(c)),
      applicationInsights: idOf(appInsightsRef(c)),
      containerRegistry: idOf(registryRef(c)),
      publicNetworkAccess: "Enabled",
    },
  };
  return [keyVault, logAnalytics, appInsights, workspace];
}
