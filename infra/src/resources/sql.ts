import type { Database, FirewallRule, Server, Sku } from "@azure/arm-sql";
import { API_VERSIONS } from "../arm/api-versions.js";
import { idOf, type ArmResource, type ResourceRef, type SdkProperties } from "../arm/template.js";
import { type BuildContext, trackedResource } from "./context.js";

export const sqlServerRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.Sql/servers", names: [c.names.sqlServer] });
export const sqlDatabaseRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.Sql/servers/databases", names: [c.names.sqlServer, c.names.sqlDatabase] });

/**
 * The SQL server with Microsoft Entra-only authentication (no SQL login, so no password anywhere), a
 * serverless General Purpose database that pauses when idle, and the "Azure services" firewall rule that
 * lets the Stream Analytics job in. The schema is not ARM's: see sql/schema-script.ts.
 */
export function sqlResources(c: BuildContext): ArmResource[] {
  const { sql, sqlAdministrator } = c.parameters;
  const server: ArmResource<SdkProperties<Server>> = {
    ...trackedResource(c, sqlServerRef(c), API_VERSIONS.sql),
    properties: {
      version: "12.0",
      minimalTlsVersion: "1.2",
      publicNetworkAccess: "Enabled",
      administrators: {
        administratorType: "ActiveDirectory",
        principalType: sqlAdministrator.principalType,
        login: sqlAdministrator.login,
        sid: sqlAdministrator.objectId,
        tenantId: "[subscription().tenantId]",
        azureADOnlyAuthentication: true,
      },
    },
  };
  const database: ArmResource<SdkProperties<Database>> = {
    ...trackedResource(c, sqlDatabaseRef(c), API_VERSIONS.sql),
    sku: { name: "GP_S_Gen5", tier: "GeneralPurpose", family: "Gen5", capacity: sql.maxVCores } satisfies Sku,
    dependsOn: [idOf(sqlServerRef(c))],
    properties: {
      autoPauseDelay: sql.autoPauseDelayInMinutes,
      minCapacity: sql.minVCores,
      maxSizeBytes: sql.maxSizeGb * 1024 ** 3,
      zoneRedundant: false,
      requestedBackupStorageRedundancy: "Local",
    },
  };
  const azureServices: ArmResource<SdkProperties<FirewallRule>> = {
    type: "Microsoft.Sql/servers/firewallRules",
    apiVersion: API_VERSIONS.sql,
    name: `${c.names.sqlServer}/AllowAllWindowsAzureIps`,
    dependsOn: [idOf(sqlServerRef(c))],
    properties: { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" },
  };
  return [server, database, azureServices];
}
