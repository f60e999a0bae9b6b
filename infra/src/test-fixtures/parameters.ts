import { parseInfraParameters, type InfraParametersInput } from "../index.js";

/** A complete parameters input (only the required fields; the rest takes its defaults). */
export const TEST_PARAMETERS_INPUT = {
  prefix: "fleetscore",
  environment: "test",
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "fleetscore-test-rg",
  location: "westeurope",
  tags: { owner: "platform" },
  sqlAdministrator: { login: "fleetscore-sql-admins", objectId: "99999999-8888-7777-6666-555555555555" },
} satisfies InfraParametersInput;

export const testParameters = (overrides: Partial<InfraParametersInput> = {}) => parseInfraParameters({ ...TEST_PARAMETERS_INPUT, ...overrides }, "test.yaml");

/** What Azure would compute for the template's expression outputs (the local ARM server cannot). */
export const AZURE_COMPUTED_OUTPUTS = {
  eventHubsEndpoint: "https://fleetscore-test-ehns.servicebus.windows.net:443/",
  blobEndpoint: "https://fleetscoretestst.blob.core.windows.net/",
  sqlServerFqdn: "fleetscore-test-sql.database.windows.net",
  streamAnalyticsPrincipalId: "aaaaaaaa-0000-0000-0000-000000000001",
  registryLoginServer: "fleetscoretestacr.azurecr.io",
  scorerIdentityId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/fleetscore-test-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/fleetscore-test-id-scorer",
  scorerIdentityClientId: "bbbbbbbb-0000-0000-0000-000000000002",
  scorerIdentityPrincipalId: "bbbbbbbb-0000-0000-0000-000000000003",
  aggregatorIdentityClientId: "cccccccc-0000-0000-0000-000000000004",
  aggregatorIdentityPrincipalId: "cccccccc-0000-0000-0000-000000000005",
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "fleetscore-test-rg",
  location: "westeurope",
} as const;
