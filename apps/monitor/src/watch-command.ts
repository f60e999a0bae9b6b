import cliProgress from "cli-progress";
import { formatRunDetails, watchRun, type RunSummary } from "@fleetscore/log-monitor";
import type { WatchArgs } from "./args.js";
import { asUsageErrors, exportIfConfigured, openRunAccess, readLogs, type MonitorContext } from "./context.js";
import { exitCodeForStatus, type ExitCode } from "./exit-codes.js";

/** One JSON line per change: what a log shipper or a script follows when stderr is not a terminal. */
function progressLine(s: RunSummary): string {
  const { runId, status, shardsDone, shardCount, predictionFiles, modelsScored, modelsFailed, plannedModels, rows, anomalies, lastActivity } = s;
  return JSON.stringify({ time: new Date().toISOString(), runId, status, shardsDone, shardCount, predictionFiles, modelsScored, modelsFailed, plannedModels, rows, anomalies, lastActivity }) + "\n";
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
 * `watch`: follows a run until its status is final. On a terminal, a progress bar on stderr and the
 * run's details at the end; otherwise one JSON line per change on stdout. Exit code as `show`.
 */
export async function runWatchCommand(args: WatchArgs, ctx: MonitorContext): Promise<ExitCode> {
  const access = await openRunAccess(args, ctx);
  const tty = ctx.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: ctx.stderr as NodeJS.WriteStream,
          format: "run {runId} |{bar}| {value}/{total} {unit} | {status} | files {files} | failed {failed}",
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
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
        const payload = { runId: s.runId, status: s.status, files: s.predictionFiles, failed: s.modelsFailed };
        const { value, total, unit } = barPosition(s);
        if (!bar) ctx.stdout.write(progressLine(s));
        else if (!last) bar.start(total, value, { ...payload, unit });
        else {
          bar.setTotal(total);
          bar.update(value, { ...payload, unit });
        }
        last = s;
      }
    });
  } finally {
    bar?.stop();
    await access.close();
  }
  if (tty) ctx.stdout.write(formatRunDetails(last!));
  await exportIfConfigured(last!, ctx);
  return exitCodeForStatus(last!.status);
}
