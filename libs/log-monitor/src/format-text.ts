import type { RunSummary } from "./run-summary.js";

const n = (x: number): string => x.toLocaleString("en-US");

/** `1.2 s`, `3 min 4 s`, `2 h 5 min`; `-` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** The `runs` table: run id, status, shards done, models ok/failed, rows, anomalies, duration. */
export function formatRunsTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return "no runs\n";
  return formatTable(
    ["RUN", "STATUS", "SHARDS", "MODELS OK", "FAILED", "ROWS", "ANOMALIES", "DURATION"],
    runs.map((r) => [
      r.runId,
      r.status,
      `${r.shardsDone}/${r.shardCount}`,
      n(r.modelsScored),
      n(r.modelsFailed),
      n(r.rows),
      n(r.anomalies),
      formatDuration(r.durationMs),
    ]),
    [3, 4, 5, 6, 7],
  );
}

function statusLine(r: RunSummary): string {
  switch (r.status) {
    case "succeeded":
      return "succeeded: every model with data was scored";
    case "partial":
      return `partial: ${n(r.modelsFailed)} model(s) failed, within --max-failed-models ${r.maxFailedModels ?? "?"}`;
    case "failed":
      return `failed: ${n(r.modelsFailed)} model(s) failed, more than --max-failed-models ${r.maxFailedModels ?? "?"}`;
    case "empty":
      return "empty: the run's data held no row in its range; nothing was scored (the scorer exits 5 unless --allow-empty)";
    case "in progress":
      return `in progress: no ${"_manifest.json"} yet; ${r.shardsDone} of ${r.shardCount} shard(s) done, last change ${r.lastActivity}`;
    case "abandoned": {
      const missing = r.shards.filter((s) => s.status === "missing").map((s) => `${s.index}/${s.count}`);
      return (
        `abandoned: no _manifest.json and nothing written since ${r.lastActivity}; ` +
        (missing.length > 0
          ? `shard(s) ${missing.join(", ")} never finished: rerun each with the scorer's --shard <i/n> --resume`
          : "the writer stopped before the manifest: rerun with the scorer's --resume")
      );
    }
  }
}

/** The `show` text: status, totals, one line per shard, then every failed model with its error and where it is recorded. */
export function formatRunDetails(r: RunSummary): string {
  const out: string[] = [
    `run ${r.runId}: ${statusLine(r)}`,
    `location: ${r.location}`,
    `models: ${n(r.modelsScored)} scored, ${n(r.modelsFailed)} failed, ${n(r.modelsNoModel)} pairs without a model, ${n(r.modelsNoData)} without data` +
      (r.plannedModels !== undefined ? ` (${n(r.plannedModels)} planned)` : ""),
    `rows: ${n(r.rows)} scored, ${n(r.anomalies)} anomalies; duration ${formatDuration(r.durationMs)}${r.startedAt ? `, started ${r.startedAt}` : ""}`,
    "",
  ];
  out.push(
    formatTable(
      ["SHARD", "STATUS", "MODELS", "FAILED", "ROWS", "DURATION", "MANIFEST"],
      r.shards.map((s) => [
        `${s.index}/${s.count}`,
        s.status === "missing" ? (r.status === "in progress" ? `running${s.percent !== undefined ? ` ${s.percent}%` : ""}` : "missing") : s.status,
        s.models !== undefined ? n(s.models) : s.plannedModels !== undefined ? `${n(s.plannedModels)} planned` : "-",
        s.failed !== undefined ? n(s.failed) : "-",
        s.rows !== undefined ? n(s.rows) : "-",
        formatDuration(s.durationMs),
        s.manifest ?? "(none)",
      ]),
      [2, 3, 4, 5],
    ),
  );
  if (r.failures.length > 0) {
    out.push(`failed models (${r.failures.length}):`);
    for (const f of r.failures) {
      out.push(`  ${f.modelId}${f.shard ? ` (shard ${f.shard})` : ""}: [${f.code}] ${f.message}`);
      out.push(`    recorded in ${f.recordedIn}${f.log ? `; log ${f.log.file}:${f.log.line}` : ""}`);
    }
    if (!r.failures.some((f) => f.log)) out.push("  (to point at each failure's log line, pass the scorer's saved stderr with --logs)");
    out.push("");
  }
  for (const e of r.external) {
    if ("error" in e) out.push(`${e.source}: unavailable: ${e.error}`);
    else {
      out.push(`${e.source}: ${e.state}${e.message ? `: ${e.message}` : ""}`);
      for (const j of e.jobs ?? []) out.push(`  ${j.name}: ${j.state}${j.message ? `: ${j.message}` : ""}${j.logUrl ? ` (log ${j.logUrl})` : ""}`);
    }
  }
  return out.join("\n").replace(/\n*$/, "\n");
}
