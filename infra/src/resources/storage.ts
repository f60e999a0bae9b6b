import type { ContainerProperties, Sku, StorageAccountPropertiesCreateParameters } from "@azure/arm-storage";
import { API_VERSIONS } from "../arm/api-versions.js";
import { idOf, type ArmResource, type ResourceRef } from "../arm/template.js";
import { CONTAINERS, type ContainerRole } from "../naming.js";
import { type BuildContext, trackedResource } from "./context.js";

export const storageAccountRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.Storage/storageAccounts", names: [c.names.storageAccount] });
export const containerRef = (c: BuildContext, role: ContainerRole): ResourceRef => ({
  type: "Microsoft.Storage/storageAccounts/blobServices/containers",
  names: [c.names.storageAccount, "default", CONTAINERS[role]],
});

/**
 * The account (StorageV2, LRS, no public blobs; fleetscore's readers are Entra identities with a role on
 * their container) and the containers models, data, preds, logs and checkpoints (the Event Hubs
 * consumer's Blob checkpoint store). It is the Azure ML workspace's storage too, which (api 2022-10-01)
 * keeps its system datastores on account keys: shared keys stay allowed, and no key is in any template or output.
 */
export function storageResources(c: BuildContext): ArmResource[] {
  const account: ArmResource<StorageAccountPropertiesCreateParameters> = {
    ...trackedResource(c, storageAccountRef(c), API_VERSIONS.storage),
    kind: "StorageV2",
    sku: { name: "Standard_LRS" } satisfies Sku,
    properties: { accessTier: "Hot", allowBlobPublicAccess: false, allowSharedKeyAccess: true, minimumTlsVersion: "TLS1_2", publicNetworkAccess: "Enabled" },
  };
  const containers = (Object.keys(CONTAINERS) as ContainerRole[]).map(
    (role): ArmResource<ContainerProperties> => ({
      type: containerRef(c, role).type,
      apiVersion: API_VERSIONS.storage,
      name: containerRef(c, role).names.join("/"),
      dependsOn: [idOf(storageAccountRef(c))],
      properties: { publicAccess: "None" },
    }),
  );
  return [account, ...containers];
}
