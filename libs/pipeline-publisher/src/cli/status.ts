import type { ProcessIo } from "@fleetscore/cli-support";
import type { PipelinePublisherClient } from "../aml/pipeline-publisher-client.js";
import type { PublishSpec } from "../plan/publish-spec.js";

/** Prints the schedule (enabled, trigger) and the `last` most recent jobs of the pipeline's experiment. */
export async function printStatus(client: PipelinePublisherClient, spec: PublishSpec, scheduleName: string, last: number, io: ProcessIo): Promise<void> {
  const schedule = await client.getSchedule(scheduleName, { abortSignal: io.abortSignal });
  io.stdout.write(
    schedule
      ? `schedule ${schedule.name}: ${schedule.enabled ? "enabled" : "disabled"}${schedule.provisioningState ? ` (${schedule.provisioningState})` : ""}, trigger ${JSON.stringify(schedule.trigger)}\n`
      : `schedule ${scheduleName}: not deployed\n`,
  );
  let shown = 0;
  for await (const job of client.listJobs(spec.azure.experimentName, { abortSignal: io.abortSignal })) {
    if (shown++ >= last) break;
    io.stdout.write(`  ${job.name}  ${job.status}${job.createdAt ? `  ${job.createdAt.toISOString()}` : ""}\n`);
  }
  if (shown === 0) io.stdout.write("  no jobs yet\n");
}
