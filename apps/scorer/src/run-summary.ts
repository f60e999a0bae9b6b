import type { RunManifest } from "@fleetscore/contracts";

/** The human summary of a run (or shard) on stdout. */
export function formatSummary(m: RunManifest, location: string, seconds: number): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  const t = m.totals;
  const what = m.shard ? `run ${m.runId} shard ${m.shard.index}/${m.shard.count}` : `run ${m.runId}`;
  const lines = [
    `${what}: ${n(t.scored)} models scored${t.resumed ? ` (${n(t.resumed)} kept from before)` : ""}, ${n(t.failed)} failed, ${n(t.noModel)} pairs without a model, ${n(t.noData)} models without data`,
    `rows: ${n(m.input.rows)} read, ${n(m.input.malformedRows)} malformed, ${n(t.scoredRows)} scored, ${n(t.anomalies)} anomalies`,
    `time: ${seconds.toFixed(2)} s; status: ${m.status}; output: ${location}`,
  ];
  for (const s of m.input.malformedSamples) lines.push(`malformed row: ${m.input.data}:${s.line}: ${s.message}`);
  for (const r of m.models) if (r.status === "failed") lines.push(`failed: model ${r.modelId}: [${r.error?.code}] ${r.error?.message}`);
  if (m.status === "failed") lines.push(`run failed: ${n(t.failed)} failed models is more than --max-failed-models ${m.maxFailedModels}`);
  return lines.join("\n") + "\n";
}
