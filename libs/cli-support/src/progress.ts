import cliProgress from "cli-progress";
import type { Logger } from "@fleetscore/logger";

/** What a TTY bar shows for one progress event: position, total (1 for a status line) and its tokens. */
export interface ProgressBarView {
  readonly value: number;
  readonly total: number;
  readonly payload: Readonly<Record<string, string>>;
}

export interface ProgressReporterOptions<P> {
  /** cli-progress format: `{bar}`, `{percentage}`, `{value}`, `{total}` and the payload's tokens. */
  readonly format: string;
  readonly bar: (p: P, elapsedSeconds: number) => ProgressBarView;
  /** Off a TTY: the fields of an `info` "progress" JSON line, or undefined for none this time. */
  readonly logLine: (p: P, elapsedSeconds: number) => Record<string, unknown> | undefined;
  readonly logger: Logger;
  /** Fields every JSON line carries (the run id, the source ...). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Off a TTY, at most one line this often (0: as often as logLine says). */
  readonly logIntervalMs?: number;
  /**
   * Off a TTY, write each line here as one JSON object (`{ time, ...fields, ...line }`) instead of an `info`
   * record on the log: for a command whose output is the progress (the monitor's `watch`).
   */
  readonly jsonLines?: { write(text: string): unknown };
}

export interface ProgressReporter<P> {
  readonly onProgress: (p: P) => void;
  stop(): void;
}

/** Events per second since `elapsedSeconds`, rounded (never a division by 0). */
export const perSecond = (n: number, elapsedSeconds: number): number => Math.round(n / Math.max(elapsedSeconds, 1e-3));

/**
 * The one progress reporter of every app: on a TTY a bar (cli-progress) redrawn in place; elsewhere
 * `info` JSON lines on the log (or on `jsonLines`), so logs stay one object per event.
 */
export function createProgressReporter<P>(stream: { isTTY?: boolean }, options: ProgressReporterOptions<P>): ProgressReporter<P> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream: stream as NodeJS.WriteStream, format: options.format, hideCursor: true, clearOnComplete: false, etaBuffer: 20 }, cliProgress.Presets.shades_classic);
    let running = false;
    return {
      onProgress: (p) => {
        const view = options.bar(p, elapsed());
        if (!running) bar.start(view.total, 0, view.payload);
        running = true;
        bar.setTotal(view.total);
        bar.update(view.value, view.payload);
      },
      stop: () => {
        if (running) bar.stop();
      },
    };
  }
  let lastLog = Number.NEGATIVE_INFINITY;
  return {
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastLog < (options.logIntervalMs ?? 0)) return;
      const line = options.logLine(p, elapsed());
      if (!line) return;
      lastLog = now;
      if (options.jsonLines) options.jsonLines.write(JSON.stringify({ time: new Date().toISOString(), ...options.fields, ...line }) + "\n");
      else options.logger.info("progress", { ...options.fields, ...line });
    },
    stop: () => undefined,
  };
}
