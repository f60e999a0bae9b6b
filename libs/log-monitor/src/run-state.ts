import type { RunManifest } from "@fleetscore/contracts";

/**
 * What a monitor knows about a run:
 * - `succeeded`, `partial`, `failed`, `empty`: the run's `_manifest.json` says so (partial = failures within the
 *   threshold; empty = no data row in the run's input or range, nothing scored).
 * - `in progress`: no `_manifest.json` yet and a writer was active recently (a file changed within `staleAfterInMs`).
 * - `abandoned`: no `_manifest.json` and nothing changed for longer than that: a shard died or never started.
 */
export type RunStatus = "succeeded" | "partial" | "failed" | "empty" | "in progress" | "abandoned";

export const RUN_STATUSES: readonly RunStatus[] = ["succeeded", "partial", "failed", "empty", "in progress", "abandoned"];

/** One file of a run, as listed. */
export interface RunFile {
  readonly name: string;
  readonly sizeInBytes: number;
  readonly lastModified: Date;
}

/** The raw files of one run (`<out>/<run-id>/`), as a run reader found them. */
export interface RunState {
  readonly runId: string;
  /** Where the run lives (folder path or blob URL, no credentials). */
  readonly location: string;
  /** `_manifest.json`, when the run is complete. */
  readonly manifest?: RunManifest;
  /** `_manifest.shard-<i>-of-<n>.json`, in shard order. */
  readonly shardManifests: readonly RunManifest[];
  /** `n` of the shard manifests' names, when there are any. */
  readonly shardCount?: number;
  /** Completed prediction files (`preds_<device>_<sensor>.csv`). */
  readonly predictionFiles: readonly string[];
  /** Files still being written (`*.partial`, `*.tmp`): a writer is (or was) at work. */
  readonly partialFiles: readonly string[];
  /** The newest change to any file of the run. */
  readonly lastActivity: Date;
}

export interface ClassifyRunOptions {
  /** Default: now. */
  readonly now?: Date;
  /** A run without `_manifest.json` whose files have not changed for this long is abandoned. Default 15 minutes. */
  readonly staleAfterInMs?: number;
}

export const DEFAULT_STALE_AFTER_IN_MS = 15 * 60_000;

/** The status of a run from its files (see {@link RunStatus}). */
export function classifyRun(state: RunState, options: ClassifyRunOptions = {}): RunStatus {
  if (state.manifest) return state.manifest.status;
  const now = options.now ?? new Date();
  const staleAfter = options.staleAfterInMs ?? DEFAULT_STALE_AFTER_IN_MS;
  return now.getTime() - state.lastActivity.getTime() > staleAfter ? "abandoned" : "in progress";
}

/** True when the run will not change any more by itself. */
export function isFinalStatus(status: RunStatus): boolean {
  return status !== "in progress";
}
