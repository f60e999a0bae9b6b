import type { RoleAssignmentCreateParameters } from "@azure/arm-authorization";
import { API_VERSIONS, BUILT_IN_ROLES } from "../arm/api-versions.js";
import { idOf, inner, quote, reference, roleDefinitionId, scopeOf, type ArmExpression, type ArmResource, type ResourceRef, type SdkProperties } from "../arm/template.js";
import type { BuildContext } from "./context.js";
import { eventHubRef } from "./event-hubs.js";
import { identityProperty, identityRef } from "./identities.js";
import { registryRef } from "./registry.js";
import { containerRef } from "./storage.js";
import { streamAnalyticsJobRef } from "./stream-analytics.js";

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/** One grant: who (a principal id expression), what role, on which resource, and why. */
export interface RoleGrant {
  readonly principal: string;
  /** A stable name for the principal, so the assignment's name (a GUID) is the same on every deploy. */
  readonly principalKey: string;
  /** The principal's resource, created in this template (the assignment waits for it). */
  readonly principalResource: ResourceRef;
  readonly role: BuiltInRole;
  readonly scope: ResourceRef;
  readonly description: string;
}

/**
 * Least privilege: each identity gets the one data role it needs on the one container or hub it uses,
 * never on the account, the namespace or the resource group.
 * - scorer: reads `models` and `data`, writes `preds` and `logs`, pulls the scorer image;
 * - aggregator: receives from the readings hub, keeps its Event Hubs checkpoints in `checkpoints`;
 * - the Stream Analytics job (its system identity): receives from the readings hub.
 * Writing SQL is not an ARM role: the schema script creates the identities' database users (sql/schema-script.ts).
 */
export function roleGrants(c: BuildContext): RoleGrant[] {
  const scorer = { principal: identityProperty(c, "scorer", "principalId"), principalKey: c.names.scorerIdentity, principalResource: identityRef(c, "scorer") };
  const aggregator = { principal: identityProperty(c, "aggregator", "principalId"), principalKey: c.names.aggregatorIdentity, principalResource: identityRef(c, "aggregator") };
  const job = {
    principal: reference(idOf(streamAnalyticsJobRef(c)), API_VERSIONS.streamAnalytics, "identity.principalId", true),
    principalKey: c.names.streamAnalyticsJob,
    principalResource: streamAnalyticsJobRef(c),
  };
  return [
    { ...scorer, role: "storageBlobDataReader", scope: containerRef(c, "models"), description: "scorer reads the models" },
    { ...scorer, role: "storageBlobDataReader", scope: containerRef(c, "data"), description: "scorer reads the data" },
    { ...scorer, role: "storageBlobDataContributor", scope: containerRef(c, "preds"), description: "scorer writes predictions" },
    { ...scorer, role: "storageBlobDataContributor", scope: containerRef(c, "logs"), description: "scorer writes its logs" },
    { ...scorer, role: "acrPull", scope: registryRef(c), description: "compute pulls the scorer image" },
    { ...aggregator, role: "eventHubsDataReceiver", scope: eventHubRef(c), description: "aggregator receives readings" },
    { ...aggregator, role: "storageBlobDataContributor", scope: containerRef(c, "checkpoints"), description: "aggregator keeps Event Hubs checkpoints" },
    { ...job, role: "eventHubsDataReceiver", scope: eventHubRef(c), description: "Stream Analytics receives readings" },
  ];
}

const assignmentName = (grant: RoleGrant): ArmExpression =>
  `[guid(${inner(idOf(grant.scope))}, ${quote(grant.principalKey)}, ${quote(BUILT_IN_ROLES[grant.role])})]`;

export function roleAssignmentResources(c: BuildContext): ArmResource[] {
  return roleGrants(c).map(
    (grant): ArmResource<SdkProperties<RoleAssignmentCreateParameters>> => ({
      type: "Microsoft.Authorization/roleAssignments",
      apiVersion: API_VERSIONS.authorization,
      name: assignmentName(grant),
      scope: scopeOf(grant.scope),
      dependsOn: [idOf(grant.scope), idOf(grant.principalResource)],
      properties: {
        roleDefinitionId: roleDefinitionId(BUILT_IN_ROLES[grant.role]),
        principalId: grant.principal,
        principalType: "ServicePrincipal",
        description: `fleetscore: ${grant.description}`,
      },
    }),
  );
}
