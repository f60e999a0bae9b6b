import type { RunRecord, RunReport } from "@fleetscore/scheduling";

const seconds = (run: { startedAt?: Date; finishedAt?: Date }): string =>
  run.startedAt && run.finishedAt ? `${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1)} s` : "-";

/** `runs`: one line per run, newest first. */
export function formatRuns(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return "no runs yet\n";
  const rows = runs.map((r) => [r.runId, r.status, r.scheduledAt.toISOString(), seconds(r), r.totals ? `${r.totals.scored}/${r.totals.models} models, ${r.totals.rows} rows, ${r.totals.anomalies} anomalies` : (r.error ?? "")]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd()).join("\n") + "\n";
}

/** `show`: the run, each shard, and every failed shard and model with its error and log. */
export function formatReport({ run, shards, failedModels }: RunReport): string {
  const lines = [
    `run ${run.runId} (pipeline ${run.pipeline}): ${run.status}`,
    `scheduled ${run.scheduledAt.toISOString()}, started ${run.startedAt?.toISOString() ?? "-"}, finished ${run.finishedAt?.toISOString() ?? "-"} (${seconds(run)})`,
    `output: ${run.output}`,
  ];
  if (run.totals) lines.push(`models: ${run.totals.scored} scored, ${run.totals.failed} failed of ${run.totals.models}; rows ${run.totals.rows}; anomalies ${run.totals.anomalies}`);
  if (run.error) lines.push(`error: ${run.error}`);
  lines.push("shards:");
  for (const s of shards) {
    lines.push(`  ${s.index}/${s.count} ${s.status}, attempts ${s.attempts}, exit ${s.exitCode === undefined ? "-" : String(s.exitCode)} (${seconds(s)}), log ${s.logPath ?? "-"}`);
    if (s.status === "failed") lines.push(`    failed: ${s.error ?? "(no error recorded)"}`);
  }
  if (failedModels.length > 0) {
    lines.push("failed models:");
    for (const m of failedModels) lines.push(`  ${m.modelId} (shard ${m.shard}): ${m.error}; log ${m.logPath ?? "-"}`);
  }
  return lines.join("\n") + "\n";
}
