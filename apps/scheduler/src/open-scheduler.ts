import { UsageError, type CommandIo } from "@fleetscore/cli-support";
import {
  DockerExecutor,
  isSchedulingError,
  loadSchedulerConfig,
  openRunStore,
  ProcessExecutor,
  Scheduler,
  type PipelineConfig,
  type RunStore,
  type SchedulerConfig,
  type ShardExecutor,
} from "@fleetscore/scheduling";

export interface OpenedScheduler {
  readonly config: SchedulerConfig;
  readonly store: RunStore;
  readonly scheduler: Scheduler;
}

/** The executor a pipeline names; the docker one talks to FLEETSCORE_DOCKER_HOST when it is set. */
function executorFor(io: CommandIo): (pipeline: PipelineConfig) => ShardExecutor {
  const dockerHost = io.env.FLEETSCORE_DOCKER_HOST;
  // The scorer processes get the scheduler's environment as it is (PATH, credentials): handed on, not read.
  return (pipeline) =>
    pipeline.executor.kind === "docker" ? new DockerExecutor(pipeline.executor, dockerHost ? { dockerHost } : {}) : new ProcessExecutor(pipeline.executor, io.childEnv);
}

/** Config file, run store and scheduler; a bad config or an unknown store scheme is a usage error (exit 2). */
export async function openScheduler(configFile: string, io: CommandIo): Promise<OpenedScheduler> {
  try {
    const config = await loadSchedulerConfig(configFile);
    const password = io.env.FLEETSCORE_SQL_PASSWORD;
    const store = await openRunStore(config.runStore, password ? { password } : {});
    return { config, store, scheduler: new Scheduler(config, { store, executorFor: executorFor(io) }) };
  } catch (e) {
    if (isSchedulingError(e) && e.code === "InvalidConfig") throw new UsageError(e.message);
    throw e;
  }
}
