import type { OperationOptions } from "@fleetscore/contracts";
import type { ExternalRunReport, RunSource } from "@fleetscore/log-monitor";
import type { JobSummary, PipelinePublisherClient } from "@fleetscore/pipeline-publisher";

/** Azure ML job states after which a job does not change any more. */
const FINAL = new Set(["Completed", "Failed", "Canceled", "NotResponding", "Paused"]);

/**
 * Azure ML job status through the publisher's client: the pipeline job of the run (named, or displayed, as the
 * run id, as the publisher's trigger submits it) and its child jobs (steps) with their state.
 */
export class AzureMlRunSource implements RunSource {
  readonly name = "Azure ML";
  constructor(
    readonly client: PipelinePublisherClient,
    readonly experimentName: string,
  ) {}

  async describeRun(runId: string, options: OperationOptions = {}): Promise<ExternalRunReport | undefined> {
    const jobs: JobSummary[] = [];
    for await (const job of this.client.listJobs(this.experimentName, options)) jobs.push(job);
    const pipeline = jobs.find((j) => j.name === runId) ?? jobs.find((j) => j.displayName === runId);
    if (!pipeline) return undefined;
    const children = jobs.filter((j) => j.parentJobName === pipeline.name);
    const { subscriptionId, resourceGroup, workspace } = this.client.workspace;
    const studio = (name: string): string =>
      `https://ml.azure.com/runs/${encodeURIComponent(name)}?wsid=/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/workspaces/${workspace}`;
    return {
      source: `${this.name} ${workspace}/${this.experimentName}`,
      state: pipeline.status,
      writerAlive: !FINAL.has(pipeline.status),
      message: `pipeline job ${pipeline.name}: ${children.length} child job(s)`,
      jobs: children.map((j) => ({ name: j.displayName ?? j.name, state: j.status, logUrl: studio(j.name) })),
    };
  }
}
