import type { BatchProgress } from "@fleetscore/batch-scoring";
import { createLogger } from "@fleetscore/logger";
import cliProgress from "cli-progress";

const log = createLogger("fleetscore:scorer");
/** Without a known data size, one JSON progress line at most this often. */
const UNKNOWN_SIZE_LOG_INTERVAL_MS = 2_000;

export interface ProgressReporter {
  readonly onProgress: (p: BatchProgress) => void;
  stop(): void;
}

/**
 * On a TTY: a progress bar (share of the data read, rows/s, ETA, models done). Elsewhere: an `info`
 * JSON line about every 10% of the data, so logs stay one object per event.
 */
export function createProgressReporter(stream: NodeJS.WriteStream | { isTTY?: boolean }, fields: Record<string, unknown>): ProgressReporter {
  const started = performance.now();
  const rate = (rows: number): number => Math.round(rows / Math.max((performance.now() - started) / 1000, 1e-3));
  /** Seconds left from the share of the file scored so far. */
  const eta = (p: BatchProgress): string => {
    const share = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 0;
    if (share <= 0) return "?";
    const elapsed = (performance.now() - started) / 1000;
    return `${Math.max(0, Math.round((elapsed / share) * (1 - share)))}s`;
  };
  if ((stream as { isTTY?: boolean }).isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: "scoring |{bar}| {percentage}% | {rows} rows | {rate} rows/s | {phase} | models {models}",
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started_ = false;
    return {
      onProgress: (p) => {
        const payload = {
          rows: p.rowsDone.toLocaleString("en-US"),
          rate: rate(p.rowsDone).toLocaleString("en-US"),
          models: `${p.modelsDone}/${p.modelsTotal}`,
          phase: p.phase === "scoring" ? `ETA ${eta(p)}` : p.phase === "finishing" ? "writing files" : "done",
        };
        if (!started_) {
          bar.start(Math.max(p.totalBytes, 1), 0, payload);
          started_ = true;
        }
        // Data streamed from SQL has no known size: the bar then stays empty until done; rows and rate still move.
        const total = Math.max(p.totalBytes, 1);
        bar.update(p.phase === "done" ? total : p.phase === "scoring" && p.totalBytes > 0 ? p.bytesRead : p.phase === "finishing" ? total : 0, payload);
      },
      stop: () => {
        if (started_) bar.stop();
      },
    };
  }
  let nextTenth = 1;
  let lastLog = performance.now();
  return {
    onProgress: (p) => {
      if (p.phase !== "scoring") return;
      if (p.totalBytes > 0) {
        const share = p.bytesRead / p.totalBytes;
        if (share * 10 < nextTenth) return;
        nextTenth = Math.floor(share * 10) + 1;
        log.info("progress", { ...fields, percent: Math.round(share * 100), rows: p.rowsDone, rowsPerSecond: rate(p.rowsDone) });
      } else if (performance.now() - lastLog >= UNKNOWN_SIZE_LOG_INTERVAL_MS) {
        // Data of unknown size (streamed from SQL): a line every few seconds instead of every 10%.
        lastLog = performance.now();
        log.info("progress", { ...fields, rows: p.rowsDone, rowsPerSecond: rate(p.rowsDone) });
      }
    },
    stop: () => undefined,
  };
}
