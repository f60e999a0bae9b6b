import { isBatchScoringError, type BatchScoringErrorCode } from "@fleetscore/batch-scoring";
import { UsageError, type FleetscoreEnv } from "@fleetscore/cli-support";
import { isModelStoreError } from "@fleetscore/model-store";

/** The flag each batch-scoring usage error code blames; the others (InputUnavailable) are run-time failures. */
const BATCH_ERROR_FLAG: Partial<Record<BatchScoringErrorCode, string>> = {
  InputNotFound: "--data",
  InvalidInput: "--data",
  InvalidRange: "--from <iso> --to <iso>",
  InputChanged: "--resume",
  NoModels: "--models",
  InvalidRun: "--out",
  OutputFailed: "--out",
  ShardMismatch: "--shard",
  RunNotFound: "--run-id",
  InvalidLocation: "--out",
};

/** Input and location errors become usage errors naming the flag; anything else stays internal. */
export function asUsageError(e: unknown, window?: string): unknown {
  if (isModelStoreError(e)) return new UsageError(`--models: ${e.message}`, { cause: e });
  if (isBatchScoringError(e) && e.code === "InvalidWindowSize") return new UsageError(`--window${window ? ` ${window}` : ""}: ${e.message}`, { cause: e });
  const flag = isBatchScoringError(e) ? BATCH_ERROR_FLAG[e.code] : undefined;
  return flag ? new UsageError(`${flag}: ${e instanceof Error ? e.message : ""}`, { cause: e }) : e;
}

/** FLEETSCORE_LEASE_STALE_AFTER_MS: how long a silent folder writer keeps its lease (default 30 s). */
export function leaseStaleAfter(env: FleetscoreEnv | undefined): { leaseStaleAfterMs?: number } {
  const ms = Number(env?.FLEETSCORE_LEASE_STALE_AFTER_MS);
  return Number.isInteger(ms) && ms > 0 ? { leaseStaleAfterMs: ms } : {};
}
