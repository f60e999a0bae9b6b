import { formatRunDetails, formatRunsTable, summarizeRun, type RunSummary } from "@fleetscore/log-monitor";
import type { RunsArgs, ShowArgs } from "./args.js";
import { asUsageErrors, exportIfConfigured, openRunAccess, readLogs, type MonitorContext } from "./context.js";
import { ExitCode, exitCodeForStatus } from "./exit-codes.js";

/** `runs`: the newest runs as a table (or JSON). Exit 0, or 2 when the location cannot be read. */
export async function runRunsCommand(args: RunsArgs, ctx: MonitorContext): Promise<ExitCode> {
  const access = await openRunAccess(args, ctx);
  try {
    const { reader, sources } = access;
    // With a run store the ids are the files' newest and the store's newest: order them all by activity.
    const ids = (await asUsageErrors(() => reader.listRunIds({ abortSignal: ctx.abortSignal }))).slice(0, sources.length > 0 ? 2 * args.last : args.last);
    const runs: RunSummary[] = [];
    for (const id of ids) {
      runs.push(await asUsageErrors(async () => summarizeRun(await reader.readRun(id, { abortSignal: ctx.abortSignal }), { staleAfterInMs: args.staleAfter, sources, abortSignal: ctx.abortSignal })));
    }
    const newest = runs.sort((a, b) => b.lastActivity.localeCompare(a.lastActivity)).slice(0, args.last);
    ctx.stdout.write(args.json ? JSON.stringify(newest, null, 2) + "\n" : formatRunsTable(newest));
    return ExitCode.Ok;
  } finally {
    await access.close();
  }
}

/** `show`: one run's status, shards and failed models with their errors; the exit code says the status. */
export async function runShowCommand(args: ShowArgs, ctx: MonitorContext): Promise<ExitCode> {
  const access = await openRunAccess(args, ctx);
  try {
    const logs = await readLogs(await access.logPaths(args.runId, args.logs), args.runId, ctx);
    const summary = await asUsageErrors(async () =>
      summarizeRun(await access.reader.readRun(args.runId, { abortSignal: ctx.abortSignal }), {
        staleAfterInMs: args.staleAfter,
        sources: access.sources,
        abortSignal: ctx.abortSignal,
        ...(logs && { logs }),
      }),
    );
    ctx.stdout.write(args.json ? JSON.stringify(summary, null, 2) + "\n" : formatRunDetails(summary));
    await exportIfConfigured(summary, ctx);
    return exitCodeForStatus(summary.status);
  } finally {
    await access.close();
  }
}
