import { createLogger } from "@fleetscore/logger";
import type { AggregationProgress } from "@fleetscore/aggregation";
import { createProgressReporter as createReporter, perSecond, type ProgressReporter } from "@fleetscore/cli-support";

const log = createLogger("fleetscore:aggregator");
const n = (x: number): string => x.toLocaleString("en-US");
const watermarkText = (ms: number): string => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : "-");

/**
 * On a TTY: one status line (readings, readings/s, windows written, watermark) redrawn in place. Elsewhere:
 * an `info` JSON line at most every 5 s.
 */
export function createProgressReporter(stream: { isTTY?: boolean }, fields: Record<string, unknown>): ProgressReporter<AggregationProgress> {
  return createReporter<AggregationProgress>(stream, {
    format: "aggregating | {readings} readings | {rate} readings/s | {windows} windows | watermark {watermark}",
    bar: (p, s) => ({ value: 0, total: 1, payload: { readings: n(p.readings), rate: n(perSecond(p.readings, s)), windows: n(p.windowsWritten), watermark: watermarkText(p.watermarkMs) } }),
    logLine: (p, s) => ({ readings: p.readings, readingsPerSecond: perSecond(p.readings, s), windowsWritten: p.windowsWritten, watermark: watermarkText(p.watermarkMs), ...p.metrics }),
    logger: log,
    fields,
    logIntervalMs: 5_000,
  });
}
