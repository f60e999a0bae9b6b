import { putRequest, type ArmRequest } from "./arm-request.js";
import { computeRequest, environmentRequest, finalizeComponentRequest, scoreComponentRequest } from "./assets.js";
import { scheduledRunId } from "@fleetscore/scheduling";
import { pipelineJobProperties, SCHEDULE_TRIGGER_TIME, type PipelineJobParts } from "./pipeline-job.js";
import type { PublishSpec } from "./publish-spec.js";
import { scheduleTrigger } from "./schedule-trigger.js";

/** The ARM requests a deploy sends, in order: each resource after the ones it references. */
export interface DeployPlan {
  readonly requests: readonly ArmRequest[];
  /** The schedule's name in the workspace. */
  readonly scheduleName: string;
  /** The parts a one-off pipeline job (`trigger`) references. */
  readonly parts: PipelineJobParts;
}

export function scheduleName(spec: PublishSpec): string {
  return `${spec.azure.namePrefix}-${spec.pipeline.name}`;
}

/** Builds every request of a deploy; pure (no I/O), so `--dry-run` prints exactly what a deploy sends. */
export function buildDeployPlan(spec: PublishSpec): DeployPlan {
  const { azure, pipeline } = spec;
  const compute = computeRequest(azure);
  const environment = environmentRequest(azure);
  const parts = {
    scoreComponent: scoreComponentRequest(azure, pipeline, environment),
    finalizeComponent: finalizeComponentRequest(azure, pipeline, environment),
  };
  const name = scheduleName(spec);
  const schedule = putRequest(azure, "schedule", [name], {
    properties: {
      displayName: `${pipeline.name} (fleetscore)`,
      description: `Scores ${pipeline.models} on ${pipeline.shards} shard(s) of ${azure.compute.name}`,
      isEnabled: true,
      trigger: scheduleTrigger(pipeline.trigger),
      action: { actionType: "CreateJob", jobDefinition: pipelineJobProperties(azure, pipeline, parts, SCHEDULE_TRIGGER_TIME) },
    },
  });
  return { requests: [compute, environment, parts.scoreComponent, parts.finalizeComponent, schedule], scheduleName: name, parts };
}

/**
 * The request `trigger` sends: the pipeline job of a run at `at`, floored to the minute as schedule trigger
 * times are, and named by the scheduler's run id for it, so a repeat finds the job instead of running twice.
 */
export function buildTriggerRequest(spec: PublishSpec, plan: DeployPlan, at: Date): ArmRequest {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  const runId = scheduledRunId(spec.pipeline.name, minute);
  return putRequest(spec.azure, "job", [runId], { properties: pipelineJobProperties(spec.azure, spec.pipeline, plan.parts, minute.toISOString()) });
}

/** The schedule's body with `isEnabled: false` (what `undeploy` sends). */
export function disabledSchedule(plan: DeployPlan): ArmRequest {
  const schedule = plan.requests.find((r) => r.kind === "schedule")!;
  const properties = schedule.body["properties"] as Record<string, unknown>;
  return { ...schedule, body: { ...schedule.body, properties: { ...properties, isEnabled: false } } };
}
