import { resourceId, type ArmRequest } from "./arm-request.js";
import type { AzureSpec, PipelineSpec } from "./publish-spec.js";

/** What Azure ML substitutes with the time the schedule fired (expressions supported in a schedule's job). */
export const SCHEDULE_TRIGGER_TIME = "${{creation_context.trigger_time}}";

const literal = (value: string | number): Record<string, unknown> => ({ jobInputType: "literal", value: String(value) });
/** Step inputs inside `jobs` are free-form; they use the names the Azure ML CLI/SDK v2 sends. */
const stepLiteral = (value: string | number): Record<string, unknown> => ({ job_input_type: "literal", value: String(value) });
const fromParent = (name: string): Record<string, unknown> => stepLiteral(`\${{parent.inputs.${name}}}`);

export interface PipelineJobParts {
  readonly scoreComponent: ArmRequest;
  readonly finalizeComponent: ArmRequest;
}

/**
 * The pipeline job: `shards` parallel steps of the score component and a finalize step that consumes
 * each step's `done` output (so it runs after all of them). It runs as the compute's managed identity:
 * no key or SAS appears anywhere. `triggerTime` is an ISO time or {@link SCHEDULE_TRIGGER_TIME}.
 */
export function pipelineJobProperties(azure: AzureSpec, pipeline: PipelineSpec, parts: PipelineJobParts, triggerTime: string): Record<string, unknown> {
  const computeId = resourceId(azure, "compute", [azure.compute.name]);
  const shared = ["pipeline", "models", "data", "output", "trigger_time"] as const;
  const jobs: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < pipeline.shards; i++) {
    jobs[`shard_${i}`] = {
      type: "command",
      _source: "REMOTE.WORKSPACE.COMPONENT",
      componentId: resourceId(azure, "componentVersion", parts.scoreComponent.name),
      computeId,
      inputs: {
        ...Object.fromEntries(shared.map((name) => [name, fromParent(name)])),
        shard: stepLiteral(i),
        shard_count: stepLiteral(pipeline.shards),
      },
      outputs: { done: { job_output_type: "uri_folder", mode: "ReadWriteMount" } },
      ...(pipeline.shardTimeoutInSeconds !== undefined && { limits: { job_limits_type: "Command", timeout: `PT${pipeline.shardTimeoutInSeconds}S` } }),
    };
  }
  jobs["finalize"] = {
    type: "command",
    _source: "REMOTE.WORKSPACE.COMPONENT",
    componentId: resourceId(azure, "componentVersion", parts.finalizeComponent.name),
    computeId,
    inputs: {
      ...Object.fromEntries(["pipeline", "output", "trigger_time"].map((name) => [name, fromParent(name)])),
      ...Object.fromEntries(Object.keys(jobs).map((step) => [step, stepLiteral(`\${{parent.jobs.${step}.outputs.done}}`)])),
    },
  };
  return {
    jobType: "Pipeline",
    displayName: `${pipeline.name} scoring run`,
    experimentName: azure.experimentName,
    computeId,
    identity: { identityType: "Managed" },
    inputs: {
      pipeline: literal(pipeline.name),
      models: literal(pipeline.models),
      data: literal(pipeline.data),
      output: literal(pipeline.output),
      trigger_time: literal(triggerTime),
    },
    // One failed shard must not cancel the others (the run is then partial, as the local scheduler reports).
    settings: { continue_on_step_failure: true, default_compute: computeId },
    jobs,
  };
}
