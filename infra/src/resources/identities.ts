import type { Identity } from "@azure/arm-msi";
import { API_VERSIONS } from "../arm/api-versions.js";
import { idOf, reference, type ArmResource, type ResourceRef, type SdkProperties } from "../arm/template.js";
import { type BuildContext, trackedResource } from "./context.js";

export type IdentityRole = "scorer" | "aggregator";

export const identityRef = (c: BuildContext, role: IdentityRole): ResourceRef => ({
  type: "Microsoft.ManagedIdentity/userAssignedIdentities",
  names: [role === "scorer" ? c.names.scorerIdentity : c.names.aggregatorIdentity],
});

/** `[reference(<identity>).principalId]` (or clientId): known only once ARM created the identity. */
export const identityProperty = (c: BuildContext, role: IdentityRole, property: "principalId" | "clientId") =>
  reference(idOf(identityRef(c, role)), API_VERSIONS.managedIdentity, property);

/** The user-assigned identities the scorer (Azure ML compute) and the aggregator run as. */
export function identityResources(c: BuildContext): ArmResource[] {
  return (["scorer", "aggregator"] as const).map(
    (role): ArmResource<SdkProperties<Identity>> => ({
      ...trackedResource(c, identityRef(c, role), API_VERSIONS.managedIdentity),
      properties: {},
    }),
  );
}
