import { DEFAULT_STALE_AFTER_IN_MS, runProgress, type RunFile, type RunState } from "@fleetscore/batch-scoring";

/**
 * What a monitor knows about a run:
 * - `succeeded`, `partial`, `failed`, `empty`: the run's `_manifest.json` says so (partial = failures within the
 *   threshold; empty = no data row in the run's input or range, nothing scored).
 * - `in progress`: no `_manifest.json` yet and a writer was active recently (a file changed within `staleAfterInMs`).
 * - `abandoned`: no `_manifest.json` and nothing changed for longer than that: a shard died or never started.
 */
export type RunStatus = "succeeded" | "partial" | "failed" | "empty" | "in progress" | "abandoned";

export const RUN_STATUSES: readonly RunStatus[] = ["succeeded", "partial", "failed", "empty", "in progress", "abandoned"];

/** A run's files, as @fleetscore/batch-scoring's run reader reads them. */
export type { RunFile, RunState };

export interface ClassifyRunOptions {
  /** Default: now. */
  readonly now?: Date;
  /** A run without `_manifest.json` whose files have not changed for this long is abandoned. Default 15 minutes. */
  readonly staleAfterInMs?: number;
}

export { DEFAULT_STALE_AFTER_IN_MS };

/** The status of a run from its files (see {@link RunStatus}; `abandoned` by batch-scoring's `runProgress` rule). */
export function classifyRun(state: RunState, options: ClassifyRunOptions = {}): RunStatus {
  if (state.manifest) return state.manifest.status;
  return runProgress(state, options) === "abandoned" ? "abandoned" : "in progress";
}

/** True when the run will not change any more by itself. */
export function isFinalStatus(status: RunStatus): boolean {
  return status !== "in progress";
}
