import type { WorkspaceRef } from "./arm-request.js";

/** When a pipeline runs: as the scheduler's config says it (IANA time zones; the plan converts them). */
export type TriggerSpec = TriggerWindow &
  (
    | { readonly type: "cron"; readonly expression: string }
    | { readonly type: "recurrence"; readonly frequency: "minute" | "hour" | "day" | "week" | "month"; readonly interval: number }
  );

export interface TriggerWindow {
  /** IANA name, e.g. `Europe/Berlin` or `UTC`. */
  readonly timeZone: string;
  /** ISO 8601 instants (with an offset or `Z`): no run before the start or after the end. */
  readonly startTime?: string;
  readonly endTime?: string;
}

/** What one pipeline scores, where it writes, and how it is split: the part of the config the plan needs. */
export interface PipelineSpec {
  /** The pipeline's name; run ids are `<name>-<trigger time, YYYYMMDDTHHMMZ>`. */
  readonly name: string;
  /** Blob URLs (the compute's managed identity reads and writes them; no SAS). */
  readonly models: string;
  readonly data: string;
  readonly output: string;
  /** With a SQL `data`: score the windows ending in the `dataWindowInSeconds` before the trigger time. */
  readonly dataWindowInSeconds?: number;
  readonly shards: number;
  readonly workersPerShard?: number;
  /** The scorer's `--retries` (transient I/O); the scorer's default when absent. */
  readonly retries?: number;
  readonly maxFailedModels?: string;
  /** The scorer's `--allow-empty`: a window with no row ends the job as succeeded (status `empty`), not failed. */
  readonly allowEmpty?: boolean;
  readonly engine?: "auto" | "onnx" | "ts";
  /** A shard step is cancelled after this long. */
  readonly shardTimeoutInSeconds?: number;
  readonly trigger: TriggerSpec;
}

export type ComputeIdentitySpec =
  | { readonly type: "SystemAssigned" }
  | { readonly type: "UserAssigned"; readonly resourceId: string; readonly clientId: string };

/** Where and on what the pipeline runs in Azure ML. */
export interface AzureSpec extends WorkspaceRef {
  /** The workspace's Azure region (the compute is created there). */
  readonly location: string;
  readonly compute: {
    readonly name: string;
    readonly vmSize: string;
    readonly vmPriority: "Dedicated" | "LowPriority";
    readonly minNodes: number;
    readonly maxNodes: number;
    /** ISO 8601 duration, e.g. `PT5M`. */
    readonly idleTimeBeforeScaleDown: string;
    readonly identity: ComputeIdentitySpec;
  };
  /** The scorer image from `nx run scorer:docker`, pushed to a registry the workspace can pull from. */
  readonly image: { readonly registry: string; readonly repository: string; readonly tag: string };
  /** Prefix of the environment, component and schedule names. */
  readonly namePrefix: string;
  readonly experimentName: string;
}

export interface PublishSpec {
  readonly pipeline: PipelineSpec;
  readonly azure: AzureSpec;
}
