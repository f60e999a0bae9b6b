import { readFile } from "node:fs/promises";
import type { FleetscoreEnv } from "@fleetscore/cli-support";
import type { OperationOptions } from "@fleetscore/contracts";
import { isLogMonitorError, type RunReader, type RunSource, type RunState } from "@fleetscore/log-monitor";
import type { PipelinePublisherClient, PipelinePublisherClientOptions } from "@fleetscore/pipeline-publisher";
import { AzureMlRunSource } from "./azure-ml-source.js";
import { emptyRunState, SchedulerRunSource } from "./scheduler-source.js";

/** What tests inject: a credential and client options for a local ARM server. */
export interface AzureDeps {
  /** An Azure TokenCredential (the app imports no Azure SDK itself); default DefaultAzureCredential. */
  readonly credential?: ConstructorParameters<typeof PipelinePublisherClient>[1];
  readonly client?: PipelinePublisherClientOptions;
}

/** The sources a `--config` names: always its run store, and Azure ML when it has an `azure` section. */
export interface ConfiguredSources {
  readonly sources: readonly RunSource[];
  readonly scheduler: SchedulerRunSource;
  /** The pipelines' output, when they all share one: the `--out` to use when none is given. */
  readonly out?: string;
  close(): Promise<void>;
}

/**
 * Opens the run store (and Azure ML client) of a scheduler or publisher config.
 * @throws SchedulingError / PublisherError `InvalidConfig` naming the file and field, `RunStoreUnavailable`.
 */
export async function openConfiguredSources(file: string, env: FleetscoreEnv, azure: AzureDeps = {}): Promise<ConfiguredSources> {
  const { loadSchedulerConfig, openRunStore } = await import("@fleetscore/scheduling");
  // A publisher config is the scheduler's plus a top-level `azure` section (YAML or JSON): read it as one then.
  const hasAzure = /^azure\s*:|"azure"\s*:/m.test(await readFile(file, "utf8").catch(() => ""));
  const publisher = hasAzure ? await import("@fleetscore/pipeline-publisher") : undefined;
  const publisherConfig = publisher ? await publisher.loadPublisherConfig(file) : undefined;
  const config = publisherConfig ?? (await loadSchedulerConfig(file));
  const store = await openRunStore(config.runStore, { ...(env.FLEETSCORE_SQL_PASSWORD && { password: env.FLEETSCORE_SQL_PASSWORD }) });
  const scheduler = new SchedulerRunSource(store);
  const sources: RunSource[] = [scheduler];
  if (publisher && publisherConfig) {
    const client = new publisher.PipelinePublisherClient(publisherConfig.azure, azure.credential ?? publisher.defaultAzureCredential(), azure.client);
    sources.push(new AzureMlRunSource(client, publisherConfig.azure.experimentName));
  }
  const outputs = [...new Set(config.pipelines.map((p) => p.output))];
  return { sources, scheduler, ...(outputs.length === 1 && { out: outputs[0] }), close: () => store.close() };
}

/**
 * A run reader that also knows the store's runs: `listRunIds` adds the runs the store has (newest scheduled
 * first) that wrote no file yet, and `readRun` of such a run gives an empty state the store's report completes.
 */
export class StoreBackedRunReader implements RunReader {
  readonly location: string;
  constructor(
    readonly files: RunReader,
    readonly scheduler: SchedulerRunSource,
    readonly last = 100,
  ) {
    this.location = files.location;
  }

  async listRunIds(options: OperationOptions = {}): Promise<string[]> {
    const [fromFiles, fromStore] = await Promise.all([this.files.listRunIds(options), this.scheduler.listRunIds(this.last, options)]);
    return [...new Set([...fromFiles, ...fromStore])];
  }

  async readRun(runId: string, options: OperationOptions = {}): Promise<RunState> {
    try {
      return await this.files.readRun(runId, options);
    } catch (e) {
      if (!isLogMonitorError(e) || e.code !== "RunNotFound") throw e;
      const stored = await this.scheduler.getRun(runId, options);
      if (!stored) throw e;
      return emptyRunState(stored);
    }
  }

  readRunFile(runId: string, name: string, options: OperationOptions = {}): Promise<Uint8Array> {
    return this.files.readRunFile(runId, name, options);
  }
}
