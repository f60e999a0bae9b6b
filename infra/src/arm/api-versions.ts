/**
 * One api-version per resource type, in one place. Chosen to match what the pinned `@azure/arm-*` packages
 * (infra/package.json) speak, so their models describe these bodies.
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
  containerRegistry: "2023-07-01",
  managedIdentity: "2023-01-31",
  authorization: "2022-04-01",
} as const;

/** Built-in role definition ids (the same in every tenant). */
export const BUILT_IN_ROLES = {
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  eventHubsDataReceiver: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
  acrPull: "7f951dff-4ed4-488a-9a0a-57e3f9a0b6da",
} as const;
