import type { InfraParameters } from "./parameters.js";

/** Every resource name of one environment, derived from the prefix and the environment only. */
export interface ResourceNames {
  readonly eventHubsNamespace: string;
  readonly eventHub: string;
  readonly aggregatorConsumerGroup: string;
  readonly streamAnalyticsConsumerGroup: string;
  readonly storageAccount: string;
  readonly sqlServer: string;
  readonly sqlDatabase: string;
  readonly streamAnalyticsJob: string;
  readonly workspace: string;
  readonly keyVault: string;
  readonly logAnalytics: string;
  readonly appInsights: string;
  readonly registry: string;
  readonly scorerIdentity: string;
  readonly aggregatorIdentity: string;
  readonly compute: string;
}

/** The Blob containers, by role (the scorer reads models and data and writes preds and logs). */
export const CONTAINERS = { models: "models", data: "data", preds: "preds", logs: "logs", checkpoints: "checkpoints" } as const;
export type ContainerRole = keyof typeof CONTAINERS;

/**
 * `<prefix>-<environment>-<kind>`; storage accounts and registries take no hyphens (and must be globally
 * unique, as must the Event Hubs namespace, SQL server and Key Vault: choose a prefix nobody else uses).
 * The parameter rules (prefix up to 10, environment up to 8 characters) keep every name within its limit.
 */
export function resourceNames(p: Pick<InfraParameters, "prefix" | "environment">): ResourceNames {
  const base = `${p.prefix}-${p.environment}`;
  const compact = `${p.prefix}${p.environment}`;
  return {
    eventHubsNamespace: `${base}-ehns`,
    eventHub: "readings",
    aggregatorConsumerGroup: "aggregator",
    streamAnalyticsConsumerGroup: "stream-analytics",
    storageAccount: `${compact}st`,
    sqlServer: `${base}-sql`,
    sqlDatabase: "aggregates",
    streamAnalyticsJob: `${base}-asa`,
    workspace: `${base}-mlw`,
    keyVault: `${base}-kv`,
    logAnalytics: `${base}-log`,
    appInsights: `${base}-appi`,
    registry: `${compact}acr`,
    scorerIdentity: `${base}-id-scorer`,
    aggregatorIdentity: `${base}-id-aggregator`,
    compute: `${base}-cpu`,
  };
}

/** The tags on every resource: the caller's, plus what says where a resource came from. */
export function resourceTags(p: Pick<InfraParameters, "prefix" | "environment" | "tags">): Record<string, string> {
  return { ...p.tags, project: p.prefix, environment: p.environment, "managed-by": "fleetscore-infra" };
}
