import type { RegistryProperties, Sku } from "@azure/arm-containerregistry";
import { API_VERSIONS } from "../arm/api-versions.js";
import type { ArmResource, ResourceRef } from "../arm/template.js";
import type { BuildContext } from "./context.js";

export const registryRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.ContainerRegistry/registries", names: [c.names.registry] });

/** The registry of the scorer image (`nx run scorer:docker`, then push); no admin user: pulls use AcrPull. */
export function registryResources(c: BuildContext): ArmResource[] {
  const registry: ArmResource<RegistryProperties> = {
    type: registryRef(c).type,
    apiVersion: API_VERSIONS.containerRegistry,
    name: c.names.registry,
    location: c.location,
    tags: c.tags,
    sku: { name: c.parameters.registrySku } satisfies Sku,
    properties: { adminUserEnabled: false, publicNetworkAccess: "Enabled" },
  };
  return [registry];
}
