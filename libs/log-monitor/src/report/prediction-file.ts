import { parse } from "csv-parse/sync";
import { parseReadingTimestamp } from "@fleetscore/contracts";
import { LogMonitorError } from "../log-monitor-error.js";

/** The scored rows of one prediction file, sorted by time. */
export interface ScoredSeries {
  /** Milliseconds since the epoch (UTC), ascending. */
  readonly ts: Float64Array;
  readonly score: Float64Array;
  /** 1 = anomaly. */
  readonly prediction: Uint8Array;
}

/**
 * Parses a prediction file (`TS,Device,Sensor,Val,Score,Prediction`).
 * @throws LogMonitorError `InvalidRun` naming the file and line of a bad row.
 */
export function parsePredictionFile(bytes: Uint8Array, where: string): ScoredSeries {
  const rows = parse(Buffer.from(bytes), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const parsed = rows.map((r, i) => {
    const ts = parseReadingTimestamp(r["TS"] ?? "");
    const score = Number(r["Score"]);
    if (Number.isNaN(ts) || r["Score"] === undefined || !(r["Prediction"] === "0" || r["Prediction"] === "1")) {
      throw new LogMonitorError(`${where}:${i + 2}: not a prediction row (TS,Device,Sensor,Val,Score,Prediction)`, "InvalidRun");
    }
    return { ts, score, prediction: r["Prediction"] === "1" ? 1 : 0 };
  });
  parsed.sort((a, b) => a.ts - b.ts);
  return {
    ts: Float64Array.from(parsed, (p) => p.ts),
    score: Float64Array.from(parsed, (p) => p.score),
    prediction: Uint8Array.from(parsed, (p) => p.prediction),
  };
}
