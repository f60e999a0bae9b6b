import { createProgressReporter } from "@fleetscore/cli-support";
import { createLogger } from "@fleetscore/logger";
import { formatRunDetails, watchRun, type RunSummary } from "@fleetscore/log-monitor";
import type { WatchArgs } from "./args.js";
import { asUsageErrors, exportIfConfigured, openRunAccess, readLogs, type MonitorContext } from "./context.js";
import { exitCodeForStatus, type ExitCode } from "./exit-codes.js";

const logger = createLogger("fleetscore:monitor");

/** The fields of one JSON line per change: what a log shipper or a script follows when stderr is not a terminal. */
function progressFields(s: RunSummary): Record<string, unknown> {
  const { runId, status, shardsDone, shardCount, predictionFiles, modelsScored, modelsFailed, plannedModels, rows, anomalies, lastActivity } = s;
  return { runId, status, shardsDone, shardCount, predictionFiles, modelsScored, modelsFailed, plannedModels, rows, anomalies, lastActivity };
}

/** Models done out of planned when the logs say how many are planned; otherwise shards done out of all. */
function barPosition(s: RunSummary): { value: number; total: number; unit: string } {
  if (s.plannedModels !== undefined && s.plannedModels > 0) {
    const done = s.status === "in progress" ? Math.min(s.predictionFiles + s.modelsFailed, s.plannedModels) : s.plannedModels;
    return { value: done, total: s.plannedModels, unit: "models" };
  }
  return { value: s.shardsDone, total: s.shardCount, unit: "shards" };
}

/**
 * `watch`: follows a run until its status is final, with cli-support's progress reporter: on a terminal a
 * bar on stderr and the run's details at the end; otherwise one JSON line per change on stdout. Exit code as `show`.
 */
export async function runWatchCommand(args: WatchArgs, ctx: MonitorContext): Promise<ExitCode> {
  const access = await openRunAccess(args, ctx);
  const tty = ctx.stderr.isTTY === true;
  const progress = createProgressReporter<RunSummary>(ctx.stderr, {
    format: "run {runId} |{bar}| {value}/{total} {unit} | {status} | files {files} | failed {failed}",
    bar: (s) => {
      const { value, total, unit } = barPosition(s);
      return { value, total, payload: { runId: s.runId, status: s.status, files: String(s.predictionFiles), failed: String(s.modelsFailed), unit } };
    },
    logLine: progressFields,
    logger,
    jsonLines: ctx.stdout,
  });
  let last: RunSummary | undefined;
  try {
    const updates = watchRun(access.reader, args.runId, {
      intervalInMs: args.interval,
      staleAfterInMs: args.staleAfter,
      abortSignal: ctx.abortSignal,
      sources: access.sources,
      readLogs: async () => readLogs(await access.logPaths(args.runId, args.logs), args.runId, ctx),
    });
    await asUsageErrors(async () => {
      for await (const s of updates) {
        progress.onProgress(s);
        last = s;
      }
    });
  } finally {
    progress.stop();
    await access.close();
  }
  if (tty) ctx.stdout.write(formatRunDetails(last!));
  await exportIfConfigured(last!, ctx);
  return exitCodeForStatus(last!.status);
}
