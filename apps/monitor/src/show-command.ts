import { formatRunDetails, formatRunsTable, summarizeRun, type RunSummary } from "@fleetscore/log-monitor";
import type { RunsArgs, ShowArgs } from "./args.js";
import { asUsageErrors, exportIfConfigured, openReader, readLogs, type MonitorContext } from "./context.js";
import { ExitCode, exitCodeForStatus } from "./exit-codes.js";

/** `runs`: the newest runs as a table (or JSON). Exit 0, or 2 when the location cannot be read. */
export async function runRunsCommand(args: RunsArgs, ctx: MonitorContext): Promise<ExitCode> {
  const reader = await openReader(args.out, ctx);
  const ids = (await asUsageErrors(() => reader.listRunIds({ abortSignal: ctx.abortSignal }))).slice(0, args.last);
  const runs: RunSummary[] = [];
  for (const id of ids) {
    runs.push(await asUsageErrors(async () => summarizeRun(await reader.readRun(id, { abortSignal: ctx.abortSignal }), { staleAfterInMs: args.staleAfter })));
  }
  ctx.stdout.write(args.json ? JSON.stringify(runs, null, 2) + "\n" : formatRunsTable(runs));
  return ExitCode.Ok;
}

/** `show`: one run's status, shards and failed models with their errors; the exit code says the status. */
export async function runShowCommand(args: ShowArgs, ctx: MonitorContext): Promise<ExitCode> {
  const reader = await openReader(args.out, ctx);
  const logs = await readLogs(args.logs, args.runId, ctx);
  const summary = await asUsageErrors(async () =>
    summarizeRun(await reader.readRun(args.runId, { abortSignal: ctx.abortSignal }), { staleAfterInMs: args.staleAfter, ...(logs && { logs }) }),
  );
  ctx.stdout.write(args.json ? JSON.stringify(summary, null, 2) + "\n" : formatRunDetails(summary));
  await exportIfConfigured(summary, ctx);
  return exitCodeForStatus(summary.status);
}
