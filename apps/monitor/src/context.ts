import { UsageError } from "@fleetscore/cli-support";
import { isLogMonitorError, openRunReader, readRunLogs, type RunLogs, type RunReader, type RunSummary } from "@fleetscore/log-monitor";
import type { Config } from "./config.js";

export interface MonitorContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly abortSignal: AbortSignal;
  readonly config: Config;
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
