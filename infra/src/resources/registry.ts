import type { RegistryProperties, Sku } from "@azure/arm-containerregistry";
import { API_VERSIONS } from "../arm/api-versions.js";
import type { ArmResource, ResourceRef } from "../arm/template.js";
import { type BuildContext, trackedResource } from "./context.js";

export const registryRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.ContainerRegistry/registries", names: [c.names.registry] });

/** The registry of the scorer image (`nx run scorer:docker`, then push); no admin user: pulls use AcrPull. */
export function registryResources(c: BuildContext): ArmResource[] {
  const registry: ArmResource<RegistryProperties> = {
    ...trackedResource(c, registryRef(c), API_VERSIONS.containerRegistry),
    sku: { name: c.parameters.registrySku } satisfies Sku,
    properties: { adminUserEnabled: false, publicNetworkAccess: "Enabled" },
  };
  return [registry];
}
