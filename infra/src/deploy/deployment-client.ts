import { ResourceManagementClient, type WhatIfChange } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/identity";
import type { OperationOptions } from "@fleetscore/contracts";
import type { ArmParametersFile, ArmTemplate } from "../arm/template.js";
import { InfraError, type InfraStage } from "../infra-error.js";
import type { DeploymentOutputs } from "../pipeline-config.js";

/** The api-version @azure/arm-resources (pinned in infra/package.json) sends for deployments and what-if. */
export const DEPLOYMENTS_API_VERSION = "2025-03-01";

export interface DeploymentClientOptions {
  /** The ARM endpoint (default https://management.azure.com); tests point it at a local ARM server. */
  readonly endpoint?: string;
  /** Extra CA certificates (PEM) to trust, e.g. a local ARM server's self-signed one. */
  readonly trustedCa?: string;
  /** How often the long-running deployment is polled (default: as ARM's Retry-After says). */
  readonly pollIntervalInMs?: number;
}

export interface DeploymentTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The deployment's name in the resource group's history. */
  readonly deploymentName: string;
}

/** One resource what-if would change, as ARM reports it. */
export interface PlannedChange {
  readonly resourceId: string;
  readonly changeType: string;
}

/** ARM's error code and message, from a RestError's body when there is one. */
function describeArmError(e: unknown): { code?: string; message: string } {
  const details = (e as { details?: { error?: { code?: string; message?: string } } }).details?.error;
  const code = details?.code ?? (e as { code?: string }).code;
  return { ...(code !== undefined && { code }), message: details?.message ?? (e as Error).message };
}

/** The request body of both what-if and the deployment: Incremental mode, so resources not in the template stay. */
const incremental = (template: ArmTemplate, parameters: ArmParametersFile) => ({
  properties: { mode: "Incremental" as const, template: { ...template }, parameters: parameters.parameters },
});

/** Deploys a template to a resource group through @azure/arm-resources (Incremental mode), what-if first when asked. */
export class DeploymentClient {
  readonly #client: ResourceManagementClient;
  readonly #pollIntervalInMs: number | undefined;

  constructor(
    readonly target: DeploymentTarget,
    credential: TokenCredential,
    options: DeploymentClientOptions = {},
  ) {
    this.#client = new ResourceManagementClient(credential, target.subscriptionId, {
      ...(options.endpoint && { endpoint: options.endpoint }),
      ...(options.trustedCa && { tlsOptions: { ca: options.trustedCa } }),
    });
    this.#pollIntervalInMs = options.pollIntervalInMs;
  }

  #fail(e: unknown, stage: InfraStage): InfraError {
    const arm = describeArmError(e);
    const where = `${stage} of deployment ${this.target.deploymentName} in resource group ${this.target.resourceGroup}`;
    return new InfraError(`${where} failed${arm.code ? ` (${arm.code})` : ""}: ${arm.message}`, "ArmError", { cause: e, stage, ...(arm.code !== undefined && { armCode: arm.code }) });
  }

  /** One ARM operation on this deployment; whatever it throws becomes an InfraError naming the stage. */
  async #run<T>(stage: InfraStage, operation: (target: DeploymentTarget) => Promise<T>): Promise<T> {
    try {
      return await operation(this.target);
    } catch (e) {
      throw this.#fail(e, stage);
    }
  }

  #poll(options: OperationOptions) {
    return { abortSignal: options.abortSignal, ...(this.#pollIntervalInMs !== undefined && { updateIntervalInMs: this.#pollIntervalInMs }) };
  }

  /** What the deployment would create, modify or delete (ARM's what-if), without changing anything. */
  async whatIf(template: ArmTemplate, parameters: ArmParametersFile, options: OperationOptions = {}): Promise<PlannedChange[]> {
    return this.#run("what-if", async ({ resourceGroup, deploymentName }) => {
      const result = await this.#client.deployments.beginWhatIfAndWait(resourceGroup, deploymentName, incremental(template, parameters), this.#poll(options));
      if (result.error) throw Object.assign(new Error(result.error.message ?? "what-if failed"), { code: result.error.code });
      return (result.changes ?? []).map((c: WhatIfChange) => ({ resourceId: c.resourceId ?? "(unknown)", changeType: c.changeType }));
    });
  }

  /** Creates or updates the deployment and waits for it; returns its outputs. */
  async deploy(template: ArmTemplate, parameters: ArmParametersFile, options: OperationOptions = {}): Promise<DeploymentOutputs> {
    return this.#run("deploy", async ({ resourceGroup, deploymentName }) => {
      const result = await this.#client.deployments.beginCreateOrUpdateAndWait(resourceGroup, deploymentName, incremental(template, parameters), this.#poll(options));
      const state = result.properties?.provisioningState;
      if (state !== "Succeeded") throw new Error(`provisioning state ${state ?? "unknown"}`);
      return (result.properties?.outputs ?? {}) as DeploymentOutputs;
    });
  }
}
