import { access } from "node:fs/promises";
import { UsageError, type FleetscoreEnv } from "@fleetscore/cli-support";
import { isLogMonitorError, openRunReader, readRunLogs, type RunLogs, type RunReader, type RunSource, type RunSummary } from "@fleetscore/log-monitor";
import type { Config } from "./config.js";
import { openConfiguredSources, StoreBackedRunReader, type AzureDeps, type ConfiguredSources } from "./sources/open-sources.js";

export interface MonitorContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  /** The environment as cli-support read it once. */
  readonly env: FleetscoreEnv;
  readonly abortSignal: AbortSignal;
  readonly config: Config;
  readonly azure?: AzureDeps;
}

/** Where a command reads runs: the output location, plus the `--config`'s run store and Azure ML when given. */
export interface RunAccess {
  readonly reader: RunReader;
  readonly sources: readonly RunSource[];
  /** `--logs`, else the shard log files the run store names for the run (those that exist). */
  logPaths(runId: string, given: readonly string[]): Promise<readonly string[]>;
  close(): Promise<void>;
}

const isConfigError = (e: unknown): e is Error & { code: string } =>
  e instanceof Error && ["SchedulingError", "PublisherError"].includes(e.name) && ["InvalidConfig", "RunStoreUnavailable"].includes((e as { code?: string }).code ?? "");

export async function openRunAccess(args: { readonly out?: string | undefined; readonly config?: string | undefined }, ctx: MonitorContext): Promise<RunAccess> {
  let configured: ConfiguredSources | undefined;
  try {
    configured = args.config ? await openConfiguredSources(args.config, ctx.env, ctx.azure) : undefined;
  } catch (e) {
    throw isConfigError(e) ? new UsageError(e.message, { cause: e }) : e;
  }
  try {
    const out = args.out ?? configured?.out;
    if (!out) throw new UsageError(args.config ? `--out is required: the pipelines of ${args.config} write to different outputs` : "--out <location> (or --config <file>) is required");
    const files = await openReader(out, ctx);
    const reader = configured ? new StoreBackedRunReader(files, configured.scheduler) : files;
    const existing = async (p: string): Promise<boolean> => access(p).then(() => true, () => false);
    const logPaths = async (runId: string, given: readonly string[]): Promise<readonly string[]> => {
      if (given.length > 0 || !configured) return given;
      const stored = await configured.scheduler.logPaths(runId, { abortSignal: ctx.abortSignal });
      return (await Promise.all(stored.map(async (p) => ((await existing(p)) ? [p] : [])))).flat();
    };
    return { reader, sources: configured?.sources ?? [], logPaths, close: async () => configured?.close() };
  } catch (e) {
    await configured?.close();
    throw e;
  }
}

/** The monitor's input errors (no such location, run, labels) are usage errors: exit 2 with the message. */
export async function asUsageErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isLogMonitorError(e) && e.code !== "ExportFailed") throw new UsageError(e.message, { cause: e });
    throw e;
  }
}

export function openReader(out: string, ctx: MonitorContext): Promise<RunReader> {
  return asUsageErrors(() => openRunReader(out, { env: ctx.env, abortSignal: ctx.abortSignal }));
}

export function readLogs(paths: readonly string[], runId: string, ctx: MonitorContext): Promise<RunLogs | undefined> {
  return paths.length === 0 ? Promise.resolve(undefined) : asUsageErrors(() => readRunLogs(paths, runId, { abortSignal: ctx.abortSignal }));
}

/** With APPLICATIONINSIGHTS_CONNECTION_STRING set, sends the run's metrics and failures; a failed export only warns. */
export async function exportIfConfigured(summary: RunSummary, ctx: MonitorContext): Promise<void> {
  const connectionString = ctx.config.appInsightsConnectionString;
  if (!connectionString) return;
  const { exportRunToAppInsights } = await import("@fleetscore/log-monitor/appinsights");
  try {
    await exportRunToAppInsights(summary, { connectionString, abortSignal: ctx.abortSignal });
    ctx.stderr.write(`exported run ${summary.runId} to Application Insights\n`);
  } catch (e) {
    ctx.stderr.write(`warning: Application Insights export failed: ${(e as Error).message}\n`);
  }
}
