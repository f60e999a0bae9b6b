/**
 * One api-version per resource type, in one place. Where the pinned `@azure/arm-*` package (infra/package.json)
 * speaks one api-version, it is that one (Event Hubs, Stream Analytics, Azure ML, authorization, Log
 * Analytics, managed identities, Container Registry). Storage (the package speaks 2025-08-01), Key Vault
 * (2026-02-01) and SQL (several) use an older GA version that has every property the template sets: the
 * models type the properties, the version decides what ARM accepts.
 */
export const API_VERSIONS = {
  eventHubs: "2024-01-01",
  storage: "2023-05-01",
  sql: "2021-11-01",
  streamAnalytics: "2020-03-01",
  machineLearning: "2022-10-01",
  keyVault: "2023-07-01",
  operationalInsights: "2022-10-01",
  appInsights: "2020-02-02",
  containerRegistry: "2025-11-01",
  managedIdentity: "2024-11-30",
  authorization: "2022-04-01",
} as const;

/** Built-in role definition ids (the same in every tenant). */
export const BUILT_IN_ROLES = {
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  eventHubsDataReceiver: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
  acrPull: "7f951dff-4ed4-488a-9a0a-57e3f9a0b6da",
} as const;
