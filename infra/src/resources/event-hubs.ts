import type { ConsumerGroup, EHNamespace, Eventhub } from "@azure/arm-eventhub";
import { API_VERSIONS } from "../arm/api-versions.js";
import { idOf, type ArmResource, type ResourceRef, type SdkProperties } from "../arm/template.js";
import { type BuildContext, trackedResource } from "./context.js";

export const eventHubsNamespaceRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.EventHub/namespaces", names: [c.names.eventHubsNamespace] });
export const eventHubRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.EventHub/namespaces/eventhubs", names: [c.names.eventHubsNamespace, c.names.eventHub] });

/**
 * The namespace (Standard: consumer groups beyond $Default; local SAS auth off, so only Entra identities
 * with a role on the hub connect), the readings hub and one consumer group per reader (the aggregator and
 * the Stream Analytics job each keep their own position).
 */
export function eventHubsResources(c: BuildContext): ArmResource[] {
  const { eventHubs } = c.parameters;
  const namespace: ArmResource<SdkProperties<EHNamespace>> = {
    ...trackedResource(c, eventHubsNamespaceRef(c), API_VERSIONS.eventHubs),
    sku: { name: "Standard", tier: "Standard", capacity: eventHubs.throughputUnits } satisfies EHNamespace["sku"],
    properties: { disableLocalAuth: true, minimumTlsVersion: "1.2", isAutoInflateEnabled: false, publicNetworkAccess: "Enabled" },
  };
  const hub: ArmResource<SdkProperties<Eventhub>> = {
    type: eventHubRef(c).type,
    apiVersion: API_VERSIONS.eventHubs,
    name: `${c.names.eventHubsNamespace}/${c.names.eventHub}`,
    dependsOn: [idOf(eventHubsNamespaceRef(c))],
    properties: { partitionCount: eventHubs.partitions, messageRetentionInDays: eventHubs.messageRetentionInDays },
  };
  const consumerGroup = (name: string, userMetadata: string): ArmResource<SdkProperties<ConsumerGroup>> => ({
    type: "Microsoft.EventHub/namespaces/eventhubs/consumergroups",
    apiVersion: API_VERSIONS.eventHubs,
    name: `${c.names.eventHubsNamespace}/${c.names.eventHub}/${name}`,
    dependsOn: [idOf(eventHubRef(c))],
    properties: { userMetadata },
  });
  return [
    namespace,
    hub,
    consumerGroup(c.names.aggregatorConsumerGroup, "fleetscore aggregator (apps/aggregator --from eventhubs:)"),
    consumerGroup(c.names.streamAnalyticsConsumerGroup, "fleetscore Stream Analytics job"),
  ];
}
