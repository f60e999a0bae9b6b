import { RUN_MANIFEST_FILE, RunManifest } from "@fleetscore/contracts";
import type { RunOutput } from "@fleetscore/batch-scoring";
import { ExitCode } from "./exit-codes.js";

/** The run's state as a shard sees it once its own manifest is written. */
export type RunOutcome = { readonly manifest: RunManifest } | { readonly shardsDone: number };

/** A shard's exit code is its own status's; `empty` is an error unless `--allow-empty`. */
export function exitCodeFor(m: RunManifest, allowEmpty: boolean): ExitCode {
  if (m.status === "failed") return ExitCode.ModelsFailed;
  if (m.status === "empty" && !allowEmpty) return ExitCode.RunEmpty;
  return ExitCode.Ok;
}

/** After a shard: the run's merged manifest when this shard completed the run, else how many shards are done. */
export async function readRunOutcome(output: RunOutput, abortSignal: AbortSignal): Promise<RunOutcome> {
  const names = await output.list({ abortSignal });
  if (names.includes(RUN_MANIFEST_FILE)) {
    const parsed = RunManifest.safeParse(JSON.parse(Buffer.from(await output.readFile(RUN_MANIFEST_FILE, { abortSignal })).toString("utf8")));
    if (parsed.success && parsed.data.mergedShards !== undefined) return { manifest: parsed.data };
  }
  return { shardsDone: names.filter((n) => /^_manifest\.shard-\d+-of-\d+\.json$/.test(n)).length };
}

const n = (x: number): string => x.toLocaleString("en-US");

function countLines(m: RunManifest, what: string): string[] {
  const t = m.totals;
  return [
    `${what}: ${n(t.scored)} models scored${t.resumed ? ` (${n(t.resumed)} kept from before)` : ""}, ${n(t.failed)} failed, ${n(t.noModel)} pairs without a model, ${n(t.noData)} models without data`,
    `rows: ${n(m.input.rows)} read, ${n(m.input.malformedRows)} malformed, ${n(t.scoredRows)} scored, ${n(t.anomalies)} anomalies`,
  ];
}

function detailLines(m: RunManifest, whose: string): string[] {
  const lines: string[] = [];
  for (const s of m.input.malformedSamples) lines.push(`malformed row: ${m.input.data}:${s.line}: ${s.message}`);
  for (const r of m.models) if (r.status === "failed") lines.push(`failed: model ${r.modelId}: [${r.error?.code}] ${r.error?.message}`);
  if (m.status === "failed") lines.push(`${whose} failed: ${n(m.totals.failed)} failed models is more than --max-failed-models ${m.maxFailedModels}`);
  if (m.status === "empty") lines.push(`${whose} is empty: ${m.input.data} held no row to score (exit ${ExitCode.RunEmpty} unless --allow-empty)`);
  return lines;
}

/**
 * `score`'s summary. A shard's lines say which numbers are the shard's own (its models, its time, its status,
 * which decides its exit code) and which is the run's: merged by the last shard, or still waiting for others.
 */
export function formatScoreSummary(m: RunManifest, location: string, seconds: number, run?: RunOutcome): string {
  if (!m.shard) return [...countLines(m, `run ${m.runId}`), `time: ${seconds.toFixed(2)} s; status: ${m.status}; output: ${location}`, ...detailLines(m, "run")].join("\n") + "\n";
  const shard = `shard ${m.shard.index}/${m.shard.count}`;
  const lines = [...countLines(m, `run ${m.runId} ${shard}`), `${shard}: time ${seconds.toFixed(2)} s; shard status: ${m.status}; output: ${location}`, ...detailLines(m, shard)];
  if (run && "manifest" in run) {
    const r = run.manifest;
    lines.push(`run ${r.runId}: run status: ${r.status} (all ${r.mergedShards} shards merged into ${RUN_MANIFEST_FILE}: ${n(r.totals.scored)} models scored, ${n(r.totals.failed)} failed)`);
  } else if (run) {
    lines.push(`run ${m.runId}: run status: in progress (${run.shardsDone} of ${m.shard.count} shard manifests written; the last shard to finish merges them)`);
  }
  return lines.join("\n") + "\n";
}

/** `finalize`'s summary: the run's span (first shard start to last shard end) apart from finalize's own time. */
export function formatFinalizeSummary(m: RunManifest, location: string, seconds: number): string {
  return (
    [
      ...countLines(m, `run ${m.runId} (${m.mergedShards} shards merged)`),
      `run span: ${(m.durationMs / 1000).toFixed(2)} s (first shard start to last shard end); finalize: ${seconds.toFixed(2)} s; run status: ${m.status}; output: ${location}`,
      ...detailLines(m, "run"),
    ].join("\n") + "\n"
  );
}
