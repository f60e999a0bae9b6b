import { z } from "zod";
import { DeviceId, RunId, SensorId } from "./ids.js";

export const EngineName = z.enum(["onnx", "ts"]);
export type EngineName = z.infer<typeof EngineName>;

export const EngineChoice = z.enum(["auto", "onnx", "ts"]);
export type EngineChoice = z.infer<typeof EngineChoice>;

/**
 * What happened to one device x sensor pair in a run.
 * - `scored`: model loaded, every row scored, prediction file written.
 * - `failed`: the model could not be loaded or scored (see `error`); no prediction file.
 * - `no-model`: the data has rows for the pair but no model exists for it.
 * - `no-data`: a model exists but the data has no row for it; nothing written.
 */
export const ModelRunStatus = z.enum(["scored", "failed", "no-model", "no-data"]);
export type ModelRunStatus = z.infer<typeof ModelRunStatus>;

export const RunError = z.object({ code: z.string(), message: z.string() });
export type RunError = z.infer<typeof RunError>;

export const ModelRunResult = z.object({
  modelId: z.string(),
  deviceId: DeviceId,
  sensorId: SensorId,
  status: ModelRunStatus,
  /** Data rows of this pair (valid rows only). */
  rows: z.number().int().nonnegative(),
  anomalies: z.number().int().nonnegative(),
  /** Engine that scored the model, and which parameters it used. */
  engine: EngineName.optional(),
  parameters: z.enum(["float64-json", "onnx"]).optional(),
  /** sha256 (hex) of the model's .onnx artifact, and of its .json sibling when present. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  paramsSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  output: z.string().optional(),
  /** True when `--resume` found this model's prediction file complete and kept it. */
  resumed: z.boolean().optional(),
  error: RunError.optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type ModelRunResult = z.infer<typeof ModelRunResult>;

export const MalformedRowSample = z.object({ line: z.number().int().positive(), message: z.string() });
export type MalformedRowSample = z.infer<typeof MalformedRowSample>;

/** A run's (or a shard's) outcome; see {@link RunManifest}'s `status`. */
export const RunManifestStatus = z.enum(["succeeded", "partial", "failed", "empty"]);
export type RunManifestStatus = z.infer<typeof RunManifestStatus>;

export const RunManifest = z.object({
  schemaVersion: z.literal(1),
  runId: RunId,
  engine: EngineChoice,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  /**
   * `succeeded`: no model failed; `partial`: some failed, within `maxFailedModels`; `failed`: more failed
   * than allowed (the scorer exits 3); `empty`: nothing failed and the data held no row to score (a range
   * with no windows, an empty file): the scorer warns and exits 5 unless `--allow-empty`.
   * A shard's manifest has the shard's own status; the run's is in `_manifest.json`.
   */
  status: RunManifestStatus,
  /** The failure threshold the run was held to: a count (`"0"`) or a percentage of models with data (`"5%"`). */
  maxFailedModels: z.string().default("0"),
  /** Set on a shard's manifest (`_manifest.shard-<i>-of-<n>.json`); absent on a whole run's. */
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }).optional(),
  /** How many shard manifests were merged into this one (`scorer finalize`). */
  mergedShards: z.number().int().positive().optional(),
  /**
   * Worker threads of the scorer process. On a merged manifest: the most any one shard used (shards are
   * separate processes; each shard manifest keeps its own count).
   */
  workers: z.number().int().nonnegative().optional(),
  input: z.object({
    data: z.string(),
    models: z.string(),
    rows: z.number().int().nonnegative(),
    malformedRows: z.number().int().nonnegative(),
    malformedSamples: z.array(MalformedRowSample),
    /**
     * On a shard's manifest: true when the shard read only its own models' rows (SQL windows of a sharded
     * run), so `rows` is the shard's share and the merged manifest sums them; absent when every shard read
     * the whole input (a file) and `rows` is the input's.
     */
    shardRowsOnly: z.boolean().optional(),
  }),
  totals: z.object({
    models: z.number().int().nonnegative(),
    scored: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    noModel: z.number().int().nonnegative(),
    noData: z.number().int().nonnegative(),
    /** Models skipped by `--resume` because their prediction file was already complete (counted in `scored`). */
    resumed: z.number().int().nonnegative().default(0),
    scoredRows: z.number().int().nonnegative(),
    anomalies: z.number().int().nonnegative(),
  }),
  models: z.array(ModelRunResult),
});
export type RunManifest = z.infer<typeof RunManifest>;

/** Written last in `<run-id>/`: its presence marks the run complete. */
export const RUN_MANIFEST_FILE = "_manifest.json" as const;

/** A shard's manifest within `<run-id>/`; `scorer finalize` merges all n into {@link RUN_MANIFEST_FILE}. */
export function shardManifestFileName(index: number, count: number): string {
  return `_manifest.shard-${index}-of-${count}.json`;
}
