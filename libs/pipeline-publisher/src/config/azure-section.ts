import { z } from "zod";

const Iso8601Duration = z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, "must be an ISO 8601 duration, e.g. PT10M");
const Name = (max: number) => z.string().regex(new RegExp(`^[a-zA-Z][a-zA-Z0-9-]{1,${max - 1}}$`), `must be letters, digits and '-', starting with a letter (2 to ${max})`);

/** The `azure` section of the publisher's config: where the pipeline is published. */
export const AzureSection = z
  .object({
    subscriptionId: z.guid(),
    resourceGroup: z.string().min(1).max(90),
    workspace: z.string().min(3).max(33),
    location: z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name, e.g. westeurope"),
    compute: z.object({
      name: Name(24),
      vmSize: z.string().min(1).default("Standard_D4s_v3"),
      vmPriority: z.enum(["Dedicated", "LowPriority"]).default("Dedicated"),
      /** 0 (the default) releases every node when idle: no cost between runs. */
      minNodes: z.number().int().min(0).default(0),
      maxNodes: z.number().int().min(1),
      idleTimeBeforeScaleDown: Iso8601Duration.default("PT10M"),
      identity: z
        .discriminatedUnion("type", [
          z.object({ type: z.literal("SystemAssigned") }),
          z.object({
            type: z.literal("UserAssigned"),
            resourceId: z.string().regex(/^\/subscriptions\/.+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i, "must be the ARM id of a user-assigned identity"),
            clientId: z.guid(),
          }),
        ])
        .default({ type: "SystemAssigned" }),
    }),
    image: z.object({
      /** e.g. `myregistry.azurecr.io` (the workspace's identity needs AcrPull on it). */
      registry: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, "must be a registry host, e.g. myregistry.azurecr.io"),
      repository: z.string().min(1).default("fleetscore/scorer"),
      tag: z.string().regex(/^[\w][\w.-]{0,127}$/, "must be an image tag, e.g. 0.1.0"),
    }),
    namePrefix: Name(20).default("fleetscore"),
    experimentName: z.string().min(1).default("fleetscore-scoring"),
  })
  .refine((a) => a.compute.minNodes <= a.compute.maxNodes, { path: ["compute", "minNodes"], message: "must not exceed compute.maxNodes" });
export type AzureSection = z.infer<typeof AzureSection>;
