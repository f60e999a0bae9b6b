import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { parseReadingTimestamp, type OperationOptions } from "@fleetscore/contracts";
import { LogMonitorError } from "../log-monitor-error.js";

/** One ground-truth anomaly: the simulator's labels CSV (issue #12) writes one row per injected anomaly. */
export interface AnomalyLabel {
  readonly deviceId: string;
  readonly sensorId: string;
  /** Milliseconds since the epoch (UTC). */
  readonly ts: number;
  /** What was injected (`spike`, `drift`, ...); `anomaly` when the file has no kind column. */
  readonly kind: string;
}

export interface ParsedLabels {
  readonly file: string;
  readonly labels: readonly AnomalyLabel[];
  /** Rows set aside (bad timestamp, empty id), with their line: the rest is used. */
  readonly rejected: readonly { readonly line: number; readonly message: string }[];
}

/** Accepted header names per column (case-insensitive). */
const COLUMNS = {
  device: ["device", "deviceid", "device_id"],
  sensor: ["sensor", "sensorid", "sensor_id"],
  ts: ["ts", "time", "timestamp"],
  kind: ["kind", "type"],
} as const;

/**
 * Reads a labels CSV: a header row with `device`, `sensor`, `ts` and optionally `kind` (any order, any
 * case; `deviceId`/`sensorId`/`timestamp` also accepted), `ts` in UTC as `YYYY-MM-DD HH:MM:SS[.fff]` or
 * ISO-8601. Every row is one labelled anomaly.
 * @throws LogMonitorError `InvalidLabels` when the file cannot be read or a required column is missing.
 */
export async function readLabelsCsv(file: string, options: OperationOptions = {}): Promise<ParsedLabels> {
  let text: string;
  try {
    text = await readFile(file, { encoding: "utf8", ...(options.abortSignal && { signal: options.abortSignal }) });
  } catch (e) {
    throw new LogMonitorError(`Cannot read labels ${file}: ${(e as Error).message}`, "InvalidLabels", { cause: e });
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    throw new LogMonitorError(`Labels ${file} is not valid CSV: ${(e as Error).message}`, "InvalidLabels", { cause: e });
  }
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const index = (names: readonly string[]): number => header.findIndex((h) => names.includes(h));
  const device = index(COLUMNS.device);
  const sensor = index(COLUMNS.sensor);
  const ts = index(COLUMNS.ts);
  const kind = index(COLUMNS.kind);
  const missing = [device < 0 && "device", sensor < 0 && "sensor", ts < 0 && "ts"].filter(Boolean);
  if (missing.length > 0) {
    throw new LogMonitorError(
      `Labels ${file} has no ${missing.join(", ")} column (header: ${JSON.stringify((rows[0] ?? []).join(","))}; expected device,sensor,ts[,kind])`,
      "InvalidLabels",
    );
  }
  const labels: AnomalyLabel[] = [];
  const rejected: { line: number; message: string }[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const at = parseReadingTimestamp(r[ts] ?? "");
    if (!r[device] || !r[sensor]) rejected.push({ line, message: "empty device or sensor" });
    else if (Number.isNaN(at)) rejected.push({ line, message: `ts ${JSON.stringify(r[ts] ?? "")} is not a UTC timestamp (YYYY-MM-DD HH:MM:SS or ISO-8601)` });
    else labels.push({ deviceId: r[device], sensorId: r[sensor], ts: at, kind: (kind >= 0 && r[kind]) || "anomaly" });
  });
  return { file, labels, rejected };
}
