import { AzureMachineLearningWorkspaces, type JobBase, type Schedule } from "@azure/arm-machinelearning";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { OperationOptions } from "@fleetscore/contracts";
import { logger } from "../log.js";
import { resourceId, type ArmRequest, type WorkspaceRef } from "../plan/arm-request.js";
import { containsDesired } from "../plan/body-equality.js";
import { isNotFound, toPublisherError } from "./arm-error.js";
import { resourceOperations, type ResourceOperations } from "./resource-operations.js";

export interface PipelinePublisherClientOptions {
  /** The ARM endpoint (default https://management.azure.com); tests point it at a local ARM server. */
  readonly endpoint?: string;
  /** Extra CA certificates (PEM) to trust, e.g. a local ARM server's self-signed one. */
  readonly trustedCa?: string;
  /** How often long-running operations are polled (default: as ARM's Retry-After says, else 2 s). */
  readonly pollIntervalInMs?: number;
  /** First delay of the SDK's retries of 5xx and network errors (default 800 ms, exponential). */
  readonly retryDelayInMs?: number;
}

export type DeployAction = "created" | "updated" | "unchanged";
export interface DeployStep { readonly request: ArmRequest; readonly action: DeployAction }
export interface DeployOptions extends OperationOptions {
  /** Called after each resource is settled (for progress output). */
  readonly onStep?: (step: DeployStep) => void;
}

export interface JobSummary {
  readonly name: string;
  readonly displayName?: string;
  readonly status: string;
  readonly experimentName?: string;
  readonly createdAt?: Date;
  /** A step of a pipeline job: the pipeline job's name (Azure ML's `azureml.pipelinerunid` property). */
  readonly parentJobName?: string;
}
export interface ScheduleSummary { readonly name: string; readonly enabled: boolean; readonly provisioningState?: string; readonly trigger: unknown }

/** The credential the publisher uses by default: DefaultAzureCredential (environment, managed identity, Azure CLI). */
export function defaultAzureCredential(): TokenCredential {
  return new DefaultAzureCredential();
}

/** Publishes plans to one Azure ML workspace through @azure/arm-machinelearning: reads first, writes only what differs. */
export class PipelinePublisherClient {
  readonly #ops: Record<ArmRequest["kind"], ResourceOperations>;
  readonly #client: AzureMachineLearningWorkspaces;
  readonly #pollIntervalInMs: number | undefined;

  constructor(readonly workspace: WorkspaceRef, credential: TokenCredential, options: PipelinePublisherClientOptions = {}) {
    this.#client = new AzureMachineLearningWorkspaces(credential, workspace.subscriptionId, {
      ...(options.endpoint && { endpoint: options.endpoint }),
      ...(options.trustedCa && { tlsOptions: { ca: options.trustedCa } }),
      ...(options.retryDelayInMs !== undefined && { retryOptions: { retryDelayInMs: options.retryDelayInMs } }),
    });
    this.#ops = resourceOperations(this.#client, workspace.resourceGroup, workspace.workspace);
    this.#pollIntervalInMs = options.pollIntervalInMs;
  }

  /** The current resource, or undefined when ARM has none (404). */
  async read(request: Pick<ArmRequest, "kind" | "name" | "path">, options: OperationOptions = {}): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.#ops[request.kind].get(request.name, { ...options })) as Record<string, unknown>;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw toPublisherError(e, "GET", stripQuery(request.path));
    }
  }

  /** Sends one request unless ARM already holds its body; waits on long-running operations. */
  async apply(request: ArmRequest, options: OperationOptions = {}): Promise<DeployStep> {
    const ops = this.#ops[request.kind];
    const existing = await this.read(request, options);
    if (existing && (ops.immutable || containsDesired(existing, request.body))) {
      logger.verbose("unchanged", { path: request.path });
      return { request, action: "unchanged" };
    }
    try {
      await ops.put(request.name, request.body, { ...options, ...(this.#pollIntervalInMs !== undefined && { updateIntervalInMs: this.#pollIntervalInMs }) });
    } catch (e) {
      throw toPublisherError(e, "PUT", stripQuery(request.path));
    }
    const action = existing ? "updated" : "created";
    logger.info(action, { kind: request.kind, path: request.path });
    return { request, action };
  }

  /** Applies a deploy plan in order (each resource after the ones it references). */
  async deploy(requests: readonly ArmRequest[], options: DeployOptions = {}): Promise<DeployStep[]> {
    const steps: DeployStep[] = [];
    for (const request of requests) {
      const step = await this.apply(request, options);
      steps.push(step);
      options.onStep?.(step);
    }
    return steps;
  }

  /** Disables the schedule (its runs stay). @returns false when it was already disabled. */
  async disableSchedule(name: string, options: OperationOptions = {}): Promise<boolean> {
    const path = resourceId(this.workspace, "schedule", [name]);
    const existing = (await this.read({ kind: "schedule", name: [name], path }, options)) as Schedule | undefined;
    if (!existing) throw toPublisherError(notFound(), "GET", path);
    if (existing.properties.isEnabled === false) return false;
    const body = { properties: { ...existing.properties, isEnabled: false } } as unknown as Record<string, unknown>;
    await this.apply({ method: "PUT", kind: "schedule", name: [name], path, body }, options);
    return true;
  }

  async getSchedule(name: string, options: OperationOptions = {}): Promise<ScheduleSummary | undefined> {
    const path = resourceId(this.workspace, "schedule", [name]);
    const s = (await this.read({ kind: "schedule", name: [name], path }, options)) as Schedule | undefined;
    if (!s) return undefined;
    return { name, enabled: s.properties.isEnabled !== false, trigger: s.properties.trigger, ...(s.properties.provisioningState && { provisioningState: s.properties.provisioningState }) };
  }

  /** The workspace's jobs, newest first as ARM lists them; pass `experimentName`'s jobs only. */
  async *listJobs(experimentName: string | undefined, options: OperationOptions = {}): AsyncIterable<JobSummary> {
    const path = `${resourceId(this.workspace, "job", ["x"]).slice(0, -2)}`;
    try {
      for await (const job of this.#client.jobs.list(this.workspace.resourceGroup, this.workspace.workspace, { ...options }) as AsyncIterable<JobBase>) {
        const p = job.properties;
        if (experimentName !== undefined && p.experimentName !== experimentName) continue;
        const parent = p.properties?.["azureml.pipelinerunid"];
        yield { name: job.name ?? "", status: p.status ?? "Unknown", ...(parent && { parentJobName: parent }), ...(p.displayName && { displayName: p.displayName }), ...(p.experimentName && { experimentName: p.experimentName }), ...(job.systemData?.createdAt && { createdAt: job.systemData.createdAt }) };
      }
    } catch (e) {
      throw toPublisherError(e, "GET", path);
    }
  }
}

const stripQuery = (path: string): string => path.replace(/\?.*$/, "");
const notFound = (): Error => Object.assign(new Error("not found"), { name: "RestError", statusCode: 404, response: { bodyAsText: JSON.stringify({ error: { code: "ResourceNotFound", message: "The schedule does not exist: deploy it first" } }) } });
