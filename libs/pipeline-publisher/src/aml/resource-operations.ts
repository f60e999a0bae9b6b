import type { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import type { ArmResourceKind } from "../plan/arm-request.js";

/** Per-call options the SDK takes: cancellation and how often to poll a long-running operation. */
export interface SdkCallOptions {
  readonly abortSignal?: AbortSignal;
  readonly updateIntervalInMs?: number;
}

/** Reads and writes one kind of workspace resource through the SDK's operation groups. */
export interface ResourceOperations {
  get(name: readonly string[], options: SdkCallOptions): Promise<unknown>;
  /** Creates or updates, waiting for a long-running operation to finish. */
  put(name: readonly string[], body: Record<string, unknown>, options: SdkCallOptions): Promise<unknown>;
  /** Asset versions are immutable and named by their content: an existing one is never rewritten. */
  readonly immutable: boolean;
}

// The plan's bodies are the REST shapes; the SDK's model types describe the same JSON.
type Body = never;

export function resourceOperations(
  client: AzureMachineLearningWorkspaces,
  resourceGroup: string,
  workspace: string,
): Record<ArmResourceKind, ResourceOperations> {
  const rg = resourceGroup;
  const ws = workspace;
  return {
    compute: {
      immutable: false,
      get: ([n], o) => client.computeOperations.get(rg, ws, n!, o),
      put: ([n], b, o) => client.computeOperations.beginCreateOrUpdateAndWait(rg, ws, n!, b as Body, o),
    },
    environmentVersion: {
      immutable: true,
      get: ([n, v], o) => client.environmentVersions.get(rg, ws, n!, v!, o),
      put: ([n, v], b, o) => client.environmentVersions.createOrUpdate(rg, ws, n!, v!, b as Body, o),
    },
    componentVersion: {
      immutable: true,
      get: ([n, v], o) => client.componentVersions.get(rg, ws, n!, v!, o),
      put: ([n, v], b, o) => client.componentVersions.createOrUpdate(rg, ws, n!, v!, b as Body, o),
    },
    schedule: {
      immutable: false,
      get: ([n], o) => client.schedules.get(rg, ws, n!, o),
      put: ([n], b, o) => client.schedules.beginCreateOrUpdateAndWait(rg, ws, n!, b as Body, o),
    },
    job: {
      immutable: true,
      get: ([n], o) => client.jobs.get(rg, ws, n!, o),
      put: ([n], b, o) => client.jobs.createOrUpdate(rg, ws, n!, b as Body, o),
    },
  };
}
