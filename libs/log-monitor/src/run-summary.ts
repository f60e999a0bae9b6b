import { RUN_MANIFEST_FILE, shardManifestFileName, type ModelRunResult, type OperationOptions, type RunManifest } from "@fleetscore/contracts";
import type { LogLocation, RunLogs } from "./run-logs.js";
import type { ExternalRunReport, RunSource } from "./run-sources.js";
import { classifyRun, type ClassifyRunOptions, type RunState, type RunStatus } from "./run-state.js";

/** One model that failed, and why. */
export interface FailedModel {
  readonly modelId: string;
  readonly deviceId: string;
  readonly sensorId: string;
  /** `"i/n"` for a sharded run. */
  readonly shard?: string;
  readonly code: string;
  readonly message: string;
  /** The manifest that records the failure. */
  readonly recordedIn: string;
  /** The scorer's log line about it, when logs were given. */
  readonly log?: LogLocation;
}

export type ShardStatus = RunManifest["status"] | "missing";

export interface ShardSummary {
  readonly index: number;
  readonly count: number;
  /** `missing`: no shard manifest yet (still running, or never finished). */
  readonly status: ShardStatus;
  readonly manifest?: string;
  readonly models?: number;
  readonly scored?: number;
  readonly failed?: number;
  readonly rows?: number;
  readonly anomalies?: number;
  readonly durationMs?: number;
  /** From the logs: models planned and the last progress percentage, for a shard still at work. */
  readonly plannedModels?: number;
  readonly percent?: number;
}

export interface RunSummary {
  readonly runId: string;
  readonly location: string;
  readonly status: RunStatus;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly maxFailedModels?: string;
  readonly shardCount: number;
  readonly shardsDone: number;
  readonly modelsScored: number;
  readonly modelsFailed: number;
  readonly modelsNoModel: number;
  readonly modelsNoData: number;
  readonly rows: number;
  readonly anomalies: number;
  /** Prediction files written so far (grows while the run is in progress). */
  readonly predictionFiles: number;
  /** Models the run planned, when known (manifest, or every shard's "run planned" log line). */
  readonly plannedModels?: number;
  readonly lastActivity: string;
  readonly shards: readonly ShardSummary[];
  readonly failures: readonly FailedModel[];
  /** What the extra run sources said (or the error they gave). */
  readonly external: readonly (ExternalRunReport | { readonly source: string; readonly error: string })[];
}

export interface SummarizeRunOptions extends ClassifyRunOptions, OperationOptions {
  /** The run's scorer logs, to point at each failure's log line and show progress. */
  readonly logs?: RunLogs;
  /** More sources: the scheduler's run store, Azure ML (see {@link RunSource}). */
  readonly sources?: readonly RunSource[];
}

function shardKey(m: RunManifest): string {
  return m.shard ? `${m.shard.index}/${m.shard.count}` : "-";
}

/** The status, counts, shards and failures of one run, from its files, its logs and any extra sources. */
export async function summarizeRun(state: RunState, options: SummarizeRunOptions = {}): Promise<RunSummary> {
  const external: RunSummary["external"][number][] = [];
  for (const source of options.sources ?? []) {
    try {
      const report = await source.describeRun(state.runId, options);
      if (report) external.push(report);
    } catch (e) {
      external.push({ source: source.name, error: (e as Error).message });
    }
  }
  const alive = external.map((r) => ("writerAlive" in r ? r.writerAlive : undefined)).find((a) => a !== undefined);
  let status = classifyRun(state, options);
  if (!state.manifest && alive !== undefined) status = alive ? "in progress" : "abandoned";

  const count = state.manifest?.mergedShards ?? state.shardCount ?? state.manifest?.shard?.count ?? 1;
  const byIndex = new Map(state.shardManifests.map((m) => [m.shard?.index ?? 0, m]));
  const whole = state.manifest && !state.manifest.mergedShards ? state.manifest : undefined;
  const shards: ShardSummary[] = Array.from({ length: count }, (_, index) => {
    const m = byIndex.get(index) ?? (index === 0 ? whole : undefined);
    const key = count > 1 ? `${index}/${count}` : "-";
    const planned = options.logs?.plannedModels.get(key);
    const percent = options.logs?.lastPercent.get(key);
    if (!m) return { index, count, status: "missing", ...(planned !== undefined && { plannedModels: planned }), ...(percent !== undefined && { percent }) };
    return {
      index,
      count,
      status: m.status,
      manifest: `${state.location}/${m.shard ? shardManifestFileName(m.shard.index, m.shard.count) : RUN_MANIFEST_FILE}`,
      models: m.models.length,
      scored: m.totals.scored,
      failed: m.totals.failed,
      rows: m.totals.scoredRows,
      anomalies: m.totals.anomalies,
      durationMs: m.durationMs,
    };
  });

  // Failures: from the whole manifest when there is one, else from the shards done so far.
  const sources: RunManifest[] = state.manifest ? [state.manifest] : [...state.shardManifests];
  const shardOf = new Map<string, RunManifest>();
  for (const m of state.shardManifests) for (const r of m.models) shardOf.set(r.modelId, m);
  const failures: FailedModel[] = [];
  for (const m of sources) {
    for (const r of m.models.filter((x: ModelRunResult) => x.status === "failed")) {
      const shardManifest = shardOf.get(r.modelId);
      const recorder = shardManifest ?? m;
      const shard = recorder.shard ? shardKey(recorder) : undefined;
      const log = options.logs?.problems.find((p) => p.model === r.modelId);
      failures.push({
        modelId: r.modelId,
        deviceId: r.deviceId,
        sensorId: r.sensorId,
        ...(shard && { shard }),
        code: r.error?.code ?? "Unknown",
        message: r.error?.message ?? "(no error recorded)",
        recordedIn: `${state.location}/${recorder.shard ? shardManifestFileName(recorder.shard.index, recorder.shard.count) : RUN_MANIFEST_FILE}`,
        ...(log && { log: { file: log.file, line: log.line } }),
      });
    }
  }

  const sum = (f: (m: RunManifest) => number): number => sources.reduce((n, m) => n + f(m), 0);
  const planned = state.manifest
    ? state.manifest.models.filter((m) => m.status !== "no-model").length
    : options.logs && shards.every((s) => s.plannedModels !== undefined || s.models !== undefined)
      ? shards.reduce((n, s) => n + (s.plannedModels ?? s.models ?? 0), 0)
      : undefined;
  const startedAt = state.manifest?.startedAt ?? state.shardManifests.map((m) => m.startedAt).sort()[0];
  const finishedAt = state.manifest?.finishedAt;
  return {
    runId: state.runId,
    location: state.location,
    status,
    ...(startedAt && { startedAt }),
    ...(finishedAt && { finishedAt }),
    ...(state.manifest && { durationMs: state.manifest.durationMs }),
    ...(sources[0] && { maxFailedModels: sources[0].maxFailedModels }),
    shardCount: count,
    shardsDone: shards.filter((s) => s.status !== "missing").length,
    modelsScored: sum((m) => m.totals.scored),
    modelsFailed: sum((m) => m.totals.failed),
    modelsNoModel: sum((m) => m.totals.noModel),
    modelsNoData: sum((m) => m.totals.noData),
    rows: sum((m) => m.totals.scoredRows),
    anomalies: sum((m) => m.totals.anomalies),
    predictionFiles: state.predictionFiles.length,
    ...(planned !== undefined && { plannedModels: planned }),
    lastActivity: state.lastActivity.toISOString(),
    shards,
    failures,
    external,
  };
}
