import { predictionFileName, type ModelRunResult, type OperationOptions, type RunManifest } from "@fleetscore/contracts";
import type { RunReader } from "../run-reader.js";
import type { RunState } from "../run-state.js";
import type { FailedModel, RunSummary } from "../run-summary.js";
import { evaluateLabels, type LabelEvaluation } from "./evaluate-labels.js";
import type { ParsedLabels } from "./labels.js";
import { parsePredictionFile, type ScoredSeries } from "./prediction-file.js";

export interface HeatmapCell {
  readonly device: string;
  readonly sensor: string;
  readonly anomalies: number;
  readonly rows: number;
  readonly status: ModelRunResult["status"];
  readonly error?: string;
}

export interface ScoreSeries {
  readonly modelId: string;
  readonly anomalies: number;
  readonly rows: number;
  /** `[time ms, score, prediction]`, thinned to at most `maxPointsPerSeries` (every anomaly kept). */
  readonly points: readonly (readonly [number, number, 0 | 1])[];
}

/** Everything the HTML report shows, as plain data (JSON-serializable). */
export interface RunReportData {
  readonly generatedAt: string;
  readonly summary: RunSummary;
  readonly heatmap: { readonly devices: readonly string[]; readonly sensors: readonly string[]; readonly cells: readonly HeatmapCell[] };
  readonly series: readonly ScoreSeries[];
  readonly shards: readonly { readonly label: string; readonly status: string; readonly rows: number; readonly durationMs: number }[];
  readonly failures: readonly FailedModel[];
  readonly labels?: LabelEvaluation & { readonly file: string; readonly rejected: ParsedLabels["rejected"] };
}

export interface BuildReportOptions extends OperationOptions {
  /** How many of the most anomalous models to plot over time. Default 5. */
  readonly topModels?: number;
  /** Ground truth: precision and recall are computed over every scored row. */
  readonly labels?: ParsedLabels;
  readonly maxPointsPerSeries?: number;
  readonly now?: Date;
}

function modelsOf(state: RunState): ModelRunResult[] {
  const manifests: RunManifest[] = state.manifest ? [state.manifest] : [...state.shardManifests];
  return manifests.flatMap((m) => m.models);
}

function thin(s: ScoredSeries, max: number): [number, number, 0 | 1][] {
  const step = Math.max(1, Math.ceil(s.ts.length / max));
  const out: [number, number, 0 | 1][] = [];
  for (let i = 0; i < s.ts.length; i++) {
    if (i % step === 0 || s.prediction[i] === 1) out.push([s.ts[i]!, s.score[i]!, s.prediction[i] === 1 ? 1 : 0]);
  }
  return out;
}

/** Reads what the report needs: the manifests' per-model counts, the prediction files of the top models (all with labels). */
export async function buildRunReport(reader: RunReader, state: RunState, summary: RunSummary, options: BuildReportOptions = {}): Promise<RunReportData> {
  const models = modelsOf(state).filter((m) => m.status !== "no-model");
  const devices = [...new Set(models.map((m) => m.deviceId))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const sensors = [...new Set(models.map((m) => m.sensorId))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const cells: HeatmapCell[] = models.map((m) => ({
    device: m.deviceId,
    sensor: m.sensorId,
    anomalies: m.anomalies,
    rows: m.rows,
    status: m.status,
    ...(m.error && { error: `[${m.error.code}] ${m.error.message}` }),
  }));

  const scored = models.filter((m) => m.status === "scored" && state.predictionFiles.includes(predictionFileName(m.deviceId, m.sensorId)));
  const top = [...scored].sort((a, b) => b.anomalies - a.anomalies || (a.modelId < b.modelId ? -1 : 1)).slice(0, options.topModels ?? 5);
  const toRead = options.labels ? scored : top;
  const series = new Map<string, ScoredSeries>();
  for (const m of toRead) {
    const name = predictionFileName(m.deviceId, m.sensorId);
    series.set(m.modelId, parsePredictionFile(await reader.readRunFile(state.runId, name, options), `${state.location}/${name}`));
  }
  const max = options.maxPointsPerSeries ?? 4_000;
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    summary,
    heatmap: { devices, sensors, cells },
    series: top.map((m) => ({ modelId: m.modelId, anomalies: m.anomalies, rows: m.rows, points: thin(series.get(m.modelId)!, max) })),
    shards: summary.shards.map((s) => ({
      label: s.count > 1 ? `shard ${s.index}/${s.count}` : "run",
      status: s.status,
      rows: s.rows ?? 0,
      durationMs: s.durationMs ?? 0,
    })),
    failures: summary.failures,
    ...(options.labels && { labels: { file: options.labels.file, rejected: options.labels.rejected, ...evaluateLabels(series, options.labels.labels) } }),
  };
}
