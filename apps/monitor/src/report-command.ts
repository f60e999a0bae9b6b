import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { buildRunReport, readLabelsCsv, renderReportHtml, summarizeRun } from "@fleetscore/log-monitor";
import type { ReportArgs } from "./args.js";
import { asUsageErrors, openRunAccess, readLogs, type MonitorContext } from "./context.js";
import { ExitCode } from "./exit-codes.js";

/** `report`: writes the run's HTML report (whole, under a temporary name first). Exit 0 once written, whatever the run's status. */
export async function runReportCommand(args: ReportArgs, ctx: MonitorContext): Promise<ExitCode> {
  const access = await openRunAccess(args, ctx);
  const { reader, sources } = access;
  const html = await asUsageErrors(async () => {
    const logs = await readLogs(await access.logPaths(args.runId, args.logs), args.runId, ctx);
    const labels = args.labels ? await readLabelsCsv(args.labels, { abortSignal: ctx.abortSignal }) : undefined;
    const state = await reader.readRun(args.runId, { abortSignal: ctx.abortSignal });
    const summary = await summarizeRun(state, { staleAfterInMs: args.staleAfter, sources, abortSignal: ctx.abortSignal, ...(logs && { logs }) });
    const data = await buildRunReport(reader, state, summary, { topModels: args.top, ...(labels && { labels }), abortSignal: ctx.abortSignal });
    return { text: await renderReportHtml(data), status: summary.status, labels: data.labels };
  }).finally(() => access.close());
  const target = resolve(args.html);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, html.text);
  await rename(temp, target);
  const pr = html.labels ? `; precision ${fmt(html.labels.precision)}, recall ${fmt(html.labels.recall)}` : "";
  ctx.stdout.write(`report of run ${args.runId} (${html.status}) written to ${target} (${Math.round(html.text.length / 1024)} KiB)${pr}\n`);
  return ExitCode.Ok;
}

const fmt = (x: number | undefined): string => (x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);
