import { parsePublisherConfig } from "@fleetscore/pipeline-publisher";
import { stringify } from "yaml";
import { InfraError } from "./infra-error.js";
import { CONTAINERS, resourceNames } from "./naming.js";
import type { InfraParameters } from "./parameters.js";
import type { DeploymentOutputName } from "./template.js";

/** A deployment's outputs, as ARM returns them (`{ name: { type, value } }`). */
export type DeploymentOutputs = Readonly<Record<string, { readonly type?: string; readonly value?: unknown } | undefined>>;

export function output(outputs: DeploymentOutputs, name: DeploymentOutputName): string {
  const value = outputs[name]?.value;
  if (typeof value !== "string" || value.length === 0) {
    throw new InfraError(`The deployment has no output "${name}" (got ${JSON.stringify(value)}): was it deployed from this template?`, "ArmError", { stage: "outputs" });
  }
  return value;
}

export const joinUrl = (base: string, ...parts: readonly string[]): string => [base.replace(/\/+$/, ""), ...parts.filter((p) => p.length > 0).map((p) => p.replace(/^\/+|\/+$/g, ""))].join("/");

/**
 * The pipeline config the publisher (`nx run pipeline-publisher:deploy --config`) and the scheduler read,
 * from a deployment's outputs: the scheduler's pipeline (Blob URLs of the deployed containers, no SAS)
 * and the `azure` section (the workspace, a compute that scales to `compute.minNodes` = 0 by default,
 * running as the scorer's user-assigned identity, the deployed registry). Validated with the publisher's
 * own schema before it is returned, in the form a file holds (durations and defaults as written).
 * @throws InfraError `ArmError` (stage `outputs`) when an output is missing; PublisherError `InvalidConfig` should
 * the result not be a valid config (a bug here, not the user's).
 */
export function pipelineConfigFromOutputs(parameters: InfraParameters, outputs: DeploymentOutputs): PipelineConfigDocument {
  const blob = output(outputs, "blobEndpoint");
  const { pipeline, compute } = parameters;
  const raw = {
    pipelines: [
      {
        name: pipeline.name,
        models: joinUrl(blob, CONTAINERS.models, pipeline.modelsPath),
        data: { source: joinUrl(blob, CONTAINERS.data, pipeline.dataPath) },
        output: joinUrl(blob, CONTAINERS.preds),
        shards: pipeline.shards,
        workersPerShard: pipeline.workersPerShard,
        trigger: { type: "cron", expression: pipeline.cron, timeZone: pipeline.timeZone },
      },
    ],
    azure: {
      subscriptionId: output(outputs, "subscriptionId"),
      resourceGroup: output(outputs, "resourceGroup"),
      workspace: output(outputs, "workspace"),
      location: output(outputs, "location"),
      compute: {
        name: resourceNames(parameters).compute,
        vmSize: compute.vmSize,
        vmPriority: compute.vmPriority,
        minNodes: compute.minNodes,
        maxNodes: compute.maxNodes,
        idleTimeBeforeScaleDown: compute.idleTimeBeforeScaleDown,
        identity: { type: "UserAssigned", resourceId: output(outputs, "scorerIdentityId"), clientId: output(outputs, "scorerIdentityClientId") },
      },
      image: { registry: output(outputs, "registryLoginServer"), repository: pipeline.imageRepository, tag: pipeline.imageTag },
      namePrefix: parameters.prefix,
    },
  };
  parsePublisherConfig(raw, "deployment outputs");
  return raw;
}

/** The pipeline config file's content, as written (the publisher's `PublisherConfig` input). */
export interface PipelineConfigDocument {
  readonly pipelines: readonly Record<string, unknown>[];
  readonly azure: Record<string, unknown>;
}

/** The config as YAML, with a header that says where it came from. */
export function formatPipelineConfig(config: PipelineConfigDocument, deploymentName: string): string {
  return `# Written by nx run infra:deploy from the outputs of deployment ${deploymentName}: the publisher's and scheduler's config.\n${stringify(config)}`;
}
