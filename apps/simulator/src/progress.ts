import { createLogger } from "@fleetscore/logger";
import type { SimulationProgress } from "@fleetscore/ingestion-simulator";
import { createProgressReporter as createReporter, perSecond, type ProgressReporter } from "@fleetscore/cli-support";

const log = createLogger("fleetscore:simulator");

/** A bar over the readings to send on a TTY; otherwise an `info` JSON line at most every 5 s. */
export function createProgressReporter(stream: { isTTY?: boolean }, total: number, fields: Record<string, unknown>): ProgressReporter<SimulationProgress> {
  return createReporter<SimulationProgress>(stream, {
    format: "sending | {bar} | {value}/{total} events | {rate} events/s | {time}",
    // Duplicates add events beyond the readings counted in total.
    bar: (p, s) => ({ value: p.sent, total: Math.max(total, p.sent), payload: { rate: perSecond(p.sent, s).toLocaleString("en-US"), time: new Date(p.simulatedTimeMs).toISOString() } }),
    logLine: (p, s) => ({ sent: p.sent, total, eventsPerSecond: perSecond(p.sent, s), simulatedTime: new Date(p.simulatedTimeMs).toISOString() }),
    logger: log,
    fields,
    logIntervalMs: 5_000,
  });
}
