import { createLogger } from "@fleetscore/logger";
import type { SimulationProgress } from "@fleetscore/ingestion-simulator";
import cliProgress from "cli-progress";

const log = createLogger("fleetscore:simulator");
/** Without a TTY, one JSON progress line at most this often. */
const LOG_INTERVAL_MS = 5_000;

export interface ProgressReporter {
  readonly onProgress: (p: SimulationProgress) => void;
  stop(): void;
}

/** A bar over the readings to send on a TTY; otherwise an `info` JSON line every few seconds. */
export function createProgressReporter(stream: { isTTY?: boolean }, total: number, fields: Record<string, unknown>): ProgressReporter {
  const started = performance.now();
  const rate = (n: number): number => Math.round(n / Math.max((performance.now() - started) / 1000, 1e-3));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: stream as NodeJS.WriteStream, format: "sending | {bar} | {value}/{total} events | {rate} events/s | {time}", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      onProgress: (p) => {
        const payload = { rate: rate(p.sent).toLocaleString("en-US"), time: new Date(p.simulatedTimeMs).toISOString() };
        if (!running) bar.start(total, 0, payload);
        running = true;
        // Duplicates add events beyond the readings counted in total.
        bar.setTotal(Math.max(total, p.sent));
        bar.update(p.sent, payload);
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
      log.info("progress", { ...fields, sent: p.sent, total, eventsPerSecond: rate(p.sent), simulatedTime: new Date(p.simulatedTimeMs).toISOString() });
    },
    stop: () => undefined,
  };
}
