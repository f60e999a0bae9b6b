import { createLogger } from "@fleetscore/logger";
import type { AggregationProgress } from "@fleetscore/aggregation";
import cliProgress from "cli-progress";

const log = createLogger("fleetscore:aggregator");
/** Without a TTY, one JSON progress line at most this often. */
const LOG_INTERVAL_MS = 5_000;

export interface ProgressReporter {
  readonly onProgress: (p: AggregationProgress) => void;
  stop(): void;
}

const watermarkText = (ms: number): string => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : "-");

/**
 * On a TTY: one status line (readings, readings/s, windows written, watermark), redrawn in place by
 * cli-progress. Elsewhere: an `info` JSON line every few seconds, so logs stay one object per event.
 */
export function createProgressReporter(stream: { isTTY?: boolean }, fields: Record<string, unknown>): ProgressReporter {
  const started = performance.now();
  const rate = (n: number): number => Math.round(n / Math.max((performance.now() - started) / 1000, 1e-3));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: "aggregating | {readings} readings | {rate} readings/s | {windows} windows | watermark {watermark}",
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      onProgress: (p) => {
        const payload = {
          readings: p.readings.toLocaleString("en-US"),
          rate: rate(p.readings).toLocaleString("en-US"),
          windows: p.windowsWritten.toLocaleString("en-US"),
          watermark: watermarkText(p.watermarkMs),
        };
        if (!running) {
          bar.start(1, 0, payload);
          running = true;
        }
        bar.update(0, payload);
      },
      stop: () => {
        if (running) bar.stop();
      },
    };
  }
  let lastLog = 0;
  return {
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastLog < LOG_INTERVAL_MS) return;
      lastLog = now;
      log.info("progress", { ...fields, readings: p.readings, readingsPerSecond: rate(p.readings), windowsWritten: p.windowsWritten, watermark: watermarkText(p.watermarkMs), ...p.metrics });
    },
    stop: () => undefined,
  };
}
