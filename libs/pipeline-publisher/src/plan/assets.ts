import { putRequest, resourceId, type ArmRequest } from "./arm-request.js";
import { contentVersion } from "./content-version.js";
import type { AzureSpec, PipelineSpec } from "./publish-spec.js";
import { finalizeCommand, scoreCommand } from "./scorer-command.js";

const COMPONENT_SCHEMA = "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json";

/** The AmlCompute cluster: scales to `minNodes` (0 by default) after `idleTimeBeforeScaleDown`. */
export function computeRequest(azure: AzureSpec): ArmRequest {
  const { compute } = azure;
  const identity =
    compute.identity.type === "SystemAssigned"
      ? { type: "SystemAssigned" }
      : { type: "UserAssigned", userAssignedIdentities: { [compute.identity.resourceId]: {} } };
  return putRequest(azure, "compute", [compute.name], {
    location: azure.location,
    identity,
    properties: {
      computeType: "AmlCompute",
      description: "fleetscore scoring cluster (scales to zero when idle)",
      disableLocalAuth: true,
      properties: {
        vmSize: compute.vmSize,
        vmPriority: compute.vmPriority,
        osType: "Linux",
        scaleSettings: { minNodeCount: compute.minNodes, maxNodeCount: compute.maxNodes, nodeIdleTimeBeforeScaleDown: compute.idleTimeBeforeScaleDown },
      },
    },
  });
}

/** An environment version for the scorer image (versioned by its content: the image reference). */
export function environmentRequest(azure: AzureSpec): ArmRequest {
  const properties = {
    description: "fleetscore scorer container (nx run scorer:docker)",
    image: `${azure.image.registry}/${azure.image.repository}:${azure.image.tag}`,
    osType: "Linux",
  };
  return putRequest(azure, "environmentVersion", [`${azure.namePrefix}-scorer`, contentVersion(properties)], { properties });
}

const literal = { type: "string" } as const;

/** The identity the scorer's DefaultAzureCredential picks on the node: the compute's (user-assigned needs its client id). */
function identityEnvironment(azure: AzureSpec): Record<string, string> {
  return azure.compute.identity.type === "UserAssigned" ? { AZURE_CLIENT_ID: azure.compute.identity.clientId } : {};
}

function componentRequest(azure: AzureSpec, name: string, spec: Record<string, unknown>): ArmRequest {
  const version = contentVersion(spec);
  const componentSpec = { $schema: COMPONENT_SCHEMA, name, version, type: "command", ...spec };
  return putRequest(azure, "componentVersion", [name, version], { properties: { description: spec["display_name"], componentSpec } });
}

/** The command component one shard step runs: `score --shard ${i}/${n}` over Blob URLs given as strings. */
export function scoreComponentRequest(azure: AzureSpec, pipeline: PipelineSpec, environment: ArmRequest): ArmRequest {
  return componentRequest(azure, `${azure.namePrefix}-score-shard`, {
    display_name: "Score one shard of the models",
    inputs: { pipeline: literal, models: literal, data: literal, output: literal, trigger_time: literal, shard: { type: "integer" }, shard_count: { type: "integer" } },
    outputs: { done: { type: "uri_folder" } },
    environment: resourceId(azure, "environmentVersion", environment.name),
    environment_variables: { FLEETSCORE_LOG_LEVEL: "info", ...identityEnvironment(azure) },
    command: scoreCommand(pipeline),
  });
}

/** The finalize component: one `done` input per shard, so Azure ML runs it after every shard step. */
export function finalizeComponentRequest(azure: AzureSpec, pipeline: PipelineSpec, environment: ArmRequest): ArmRequest {
  const shardInputs = Object.fromEntries(Array.from({ length: pipeline.shards }, (_, i) => [`shard_${i}`, { type: "uri_folder" }]));
  return componentRequest(azure, `${azure.namePrefix}-finalize`, {
    display_name: "Merge the shard manifests of a run",
    inputs: { pipeline: literal, output: literal, trigger_time: literal, ...shardInputs },
    environment: resourceId(azure, "environmentVersion", environment.name),
    environment_variables: { FLEETSCORE_LOG_LEVEL: "info", ...identityEnvironment(azure) },
    command: finalizeCommand(pipeline),
  });
}
