import type { BatchProgress } from "@fleetscore/batch-scoring";
import { createLogger } from "@fleetscore/logger";
import { createProgressReporter as createReporter, perSecond, type ProgressReporter } from "@fleetscore/cli-support";

const log = createLogger("fleetscore:scorer");
/** Without a known data size, one JSON progress line at most this often. */
const UNKNOWN_SIZE_LOG_INTERVAL_MS = 2_000;

/** Seconds left from the share of the data scored so far. */
function eta(p: BatchProgress, elapsedSeconds: number): string {
  const share = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 0;
  return share <= 0 ? "?" : `${Math.max(0, Math.round((elapsedSeconds / share) * (1 - share)))}s`;
}

/**
 * On a TTY: a progress bar (share of the data read, rows/s, ETA, models done). Elsewhere: an `info` JSON
 * line about every 10% of the data (every 2 s for data of unknown size, streamed from SQL).
 */
export function createProgressReporter(stream: { isTTY?: boolean }, fields: Record<string, unknown>): ProgressReporter<BatchProgress> {
  let nextTenth = 1;
  let lastUnknownSizeLog = performance.now();
  return createReporter<BatchProgress>(stream, {
    format: "scoring |{bar}| {percentage}% | {rows} rows | {rate} rows/s | {phase} | models {models}",
    bar: (p, s) => {
      const total = Math.max(p.totalBytes, 1);
      // Data streamed from SQL has no known size: the bar then stays empty until done; rows and rate still move.
      const value = p.phase === "scoring" ? (p.totalBytes > 0 ? p.bytesRead : 0) : total;
      const phase = p.phase === "scoring" ? `ETA ${eta(p, s)}` : p.phase === "finishing" ? "writing files" : "done";
      return { value, total, payload: { rows: p.rowsDone.toLocaleString("en-US"), rate: perSecond(p.rowsDone, s).toLocaleString("en-US"), models: `${p.modelsDone}/${p.modelsTotal}`, phase } };
    },
    logLine: (p, s) => {
      if (p.phase !== "scoring") return undefined;
      if (p.totalBytes > 0) {
        const share = p.bytesRead / p.totalBytes;
        if (share * 10 < nextTenth) return undefined;
        nextTenth = Math.floor(share * 10) + 1;
        return { percent: Math.round(share * 100), rows: p.rowsDone, rowsPerSecond: perSecond(p.rowsDone, s) };
      }
      if (performance.now() - lastUnknownSizeLog < UNKNOWN_SIZE_LOG_INTERVAL_MS) return undefined;
      lastUnknownSizeLog = performance.now();
      return { rows: p.rowsDone, rowsPerSecond: perSecond(p.rowsDone, s) };
    },
    logger: log,
    fields,
  });
}
