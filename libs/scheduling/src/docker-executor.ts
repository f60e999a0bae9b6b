import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ExecutorConfig, PipelineConfig } from "./config.js";
import { runLogged } from "./child-process.js";
import { isUrlLocation, scoreArgs, type RunShardOptions, type ShardExecutor, type ShardJob, type ShardOutcome } from "./executor.js";

type DockerConfig = Extract<ExecutorConfig, { kind: "docker" }>;

export interface DockerExecutorOptions {
  /** DOCKER_HOST for the docker CLI (apps pass FLEETSCORE_DOCKER_HOST); default: docker's own. */
  readonly dockerHost?: string;
  /** The uid:gid the container runs as, so it can write the mounted output folder (default: this process's). */
  readonly user?: string;
}

interface Mounts {
  readonly volumes: string[];
  readonly path: (location: string) => string;
  readonly allLocal: boolean;
}

/**
 * Mounts every local location of the pipeline at /fleetscore/<n> (folders as they are; a `sqlite:` file or
 * a CSV by its folder) and maps the scorer's arguments to those paths. URLs pass through unchanged.
 */
function mountsFor(pipeline: PipelineConfig): Mounts {
  const volumes: string[] = [];
  const mapped = new Map<string, string>();
  let allLocal = true;
  const mountDir = (dir: string, readOnly: boolean): string => {
    const existing = mapped.get(dir);
    if (existing) return existing;
    const target = `/fleetscore/${mapped.size}`;
    mapped.set(dir, target);
    volumes.push("-v", `${dir}:${target}${readOnly ? ":ro" : ""}`);
    return target;
  };
  const file = (path: string, readOnly: boolean): string => `${mountDir(dirname(resolve(path)), readOnly)}/${resolve(path).split("/").pop()}`;
  const map = new Map<string, string>();
  const local = (location: string, kind: "dir" | "file", readOnly: boolean): void => {
    if (isUrlLocation(location)) {
      allLocal = false;
      return;
    }
    if (location.startsWith("sqlite:")) map.set(location, `sqlite:${file(location.slice("sqlite:".length), false)}`);
    else map.set(location, kind === "dir" ? mountDir(resolve(location), readOnly) : file(location, readOnly));
  };
  local(pipeline.models.replace(/@[^/@]+$/, ""), "dir", true);
  local(pipeline.data.source, "file", true);
  mkdirSync(resolve(pipeline.output), { recursive: true });
  local(pipeline.output, "dir", false);
  const version = /@[^/@]+$/.exec(pipeline.models)?.[0] ?? "";
  return {
    volumes,
    allLocal,
    path: (location) => {
      if (location === pipeline.models) return (map.get(location.replace(/@[^/@]+$/, "")) ?? location.replace(/@[^/@]+$/, "")) + version;
      return map.get(location) ?? location;
    },
  };
}

/**
 * Each shard in the scorer image (`nx run scorer:docker`), as a cluster node runs it: `--network none` when
 * every location is local. The container is named after the run and shard, so a recovering scheduler can
 * remove one a crash left behind.
 */
export class DockerExecutor implements ShardExecutor {
  readonly kind = "docker";
  constructor(
    private readonly config: DockerConfig,
    private readonly options: DockerExecutorOptions = {},
  ) {}

  private run(pipeline: PipelineConfig, name: string, scorerArgs: (path: (l: string) => string) => string[], logPath: string, header: object, options: RunShardOptions): Promise<ShardOutcome> {
    const mounts = mountsFor(pipeline);
    const network = this.config.network === "auto" ? (mounts.allLocal ? "none" : "default") : this.config.network;
    const user = this.options.user ?? (process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined);
    const args = ["run", "--rm", "--name", name, ...(network === "none" ? ["--network", "none"] : []), ...(user ? ["--user", user] : []), ...mounts.volumes, this.config.image, ...scorerArgs(mounts.path)];
    const env = this.options.dockerHost ? { ...process.env, DOCKER_HOST: this.options.dockerHost } : undefined;
    return runLogged("docker", args, logPath, header, options, env).finally(() => runLogged("docker", ["rm", "-f", name], logPath, { msg: "container removed" }, { timeoutInMs: 60_000 }, env).catch(() => undefined));
  }

  runShard(job: ShardJob, options: RunShardOptions): Promise<ShardOutcome> {
    return this.run(job.pipeline, containerName(job.runId, job.index), (path) => scoreArgs(job, path), job.logPath, { msg: "shard attempt started", runId: job.runId, shard: job.index }, options);
  }

  finalize(pipeline: PipelineConfig, runId: string, logPath: string, options: RunShardOptions = { timeoutInMs: 600_000 }): Promise<ShardOutcome> {
    return this.run(pipeline, containerName(runId, "finalize"), (path) => ["finalize", "--out", path(pipeline.output), "--run-id", runId, "--allow-empty"], logPath, { msg: "finalize started", runId }, options);
  }
}

export const containerName = (runId: string, shard: number | "finalize"): string => `fleetscore-${runId}-${shard === "finalize" ? "finalize" : `shard-${shard}`}`.replace(/[^A-Za-z0-9_.-]/g, "-");
