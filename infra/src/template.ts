import { API_VERSIONS } from "./arm/api-versions.js";
import { idOf, reference, type ArmOutput, type ArmParametersFile, type ArmResource, type ArmTemplate } from "./arm/template.js";
import { resourceNames, resourceTags, type ResourceNames } from "./naming.js";
import type { InfraParameters } from "./parameters.js";
import type { BuildContext } from "./resources/context.js";
import { eventHubsNamespaceRef, eventHubsResources } from "./resources/event-hubs.js";
import { identityProperty, identityRef, identityResources } from "./resources/identities.js";
import { machineLearningResources } from "./resources/machine-learning.js";
import { registryRef, registryResources } from "./resources/registry.js";
import { roleAssignmentResources } from "./resources/role-assignments.js";
import { sqlResources, sqlServerRef } from "./resources/sql.js";
import { storageAccountRef, storageResources } from "./resources/storage.js";
import { streamAnalyticsJobRef, streamAnalyticsResources } from "./resources/stream-analytics.js";

export const TEMPLATE_GENERATOR = "@fleetscore/infra (nx run infra:build-templates): do not edit by hand";

/** The template's outputs by name: what the pipeline config and the operator need (names, endpoints, identities; no secret). */
export type DeploymentOutputName =
  | "subscriptionId"
  | "resourceGroup"
  | "location"
  | "eventHubsEndpoint"
  | "eventHubName"
  | "aggregatorConsumerGroup"
  | "storageAccount"
  | "blobEndpoint"
  | "sqlServerFqdn"
  | "sqlDatabase"
  | "streamAnalyticsJob"
  | "streamAnalyticsPrincipalId"
  | "workspace"
  | "registryLoginServer"
  | "scorerIdentityId"
  | "scorerIdentityClientId"
  | "scorerIdentityPrincipalId"
  | "aggregatorIdentityClientId"
  | "aggregatorIdentityPrincipalId";

export interface BuiltTemplate {
  readonly template: ArmTemplate;
  readonly parametersFile: ArmParametersFile;
  readonly names: ResourceNames;
}

function outputs(c: BuildContext): Record<DeploymentOutputName, ArmOutput> {
  const text = (value: string): ArmOutput => ({ type: "string", value });
  return {
    subscriptionId: text("[subscription().subscriptionId]"),
    resourceGroup: text("[resourceGroup().name]"),
    location: text("[parameters('location')]"),
    eventHubsEndpoint: text(reference(idOf(eventHubsNamespaceRef(c)), API_VERSIONS.eventHubs, "serviceBusEndpoint")),
    eventHubName: text(c.names.eventHub),
    aggregatorConsumerGroup: text(c.names.aggregatorConsumerGroup),
    storageAccount: text(c.names.storageAccount),
    blobEndpoint: text(reference(idOf(storageAccountRef(c)), API_VERSIONS.storage, "primaryEndpoints.blob")),
    sqlServerFqdn: text(reference(idOf(sqlServerRef(c)), API_VERSIONS.sql, "fullyQualifiedDomainName")),
    sqlDatabase: text(c.names.sqlDatabase),
    streamAnalyticsJob: text(c.names.streamAnalyticsJob),
    streamAnalyticsPrincipalId: text(reference(idOf(streamAnalyticsJobRef(c)), API_VERSIONS.streamAnalytics, "identity.principalId", true)),
    workspace: text(c.names.workspace),
    registryLoginServer: text(reference(idOf(registryRef(c)), API_VERSIONS.containerRegistry, "loginServer")),
    scorerIdentityId: text(idOf(identityRef(c, "scorer"))),
    scorerIdentityClientId: text(identityProperty(c, "scorer", "clientId")),
    scorerIdentityPrincipalId: text(identityProperty(c, "scorer", "principalId")),
    aggregatorIdentityClientId: text(identityProperty(c, "aggregator", "clientId")),
    aggregatorIdentityPrincipalId: text(identityProperty(c, "aggregator", "principalId")),
  };
}

/** Every resource of the architecture, in dependency order (ARM still follows `dependsOn`, not the order). */
function resources(c: BuildContext): ArmResource[] {
  return [
    ...identityResources(c),
    ...eventHubsResources(c),
    ...storageResources(c),
    ...sqlResources(c),
    ...registryResources(c),
    ...machineLearningResources(c),
    ...streamAnalyticsResources(c),
    ...roleAssignmentResources(c),
  ];
}

/** The ARM template of one environment and its parameters file, from validated parameters. */
export function buildTemplate(parameters: InfraParameters): BuiltTemplate {
  const names = resourceNames(parameters);
  const context: BuildContext = { parameters, names, tags: resourceTags(parameters), location: "[parameters('location')]" };
  const template: ArmTemplate = {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    metadata: { description: `fleetscore ${parameters.environment}: Event Hubs, Storage, Azure SQL, Stream Analytics, Azure ML, Container Registry, managed identities`, generator: TEMPLATE_GENERATOR },
    parameters: {
      location: { type: "string", defaultValue: "[resourceGroup().location]", metadata: { description: "Region of every resource" } },
    },
    resources: resources(context),
    outputs: outputs(context),
  };
  const parametersFile: ArmParametersFile = {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    contentVersion: "1.0.0.0",
    parameters: { location: { value: parameters.location } },
  };
  return { template, parametersFile, names };
}
