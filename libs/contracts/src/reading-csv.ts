import { z } from "zod";
import { DeviceId, SensorId } from "./ids.js";

/** Columns of a readings file, as in the reference architecture's `sensor_data.csv`. */
export const READING_CSV_COLUMNS = ["TS", "Device", "Sensor", "Value"] as const;

/**
 * `YYYY-MM-DD HH:MM:SS[.fff]` (the reference data; no zone means UTC) or ISO-8601 with `T` and an
 * optional `Z`. The text is kept as-is in outputs; only its validity is checked here.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z?$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a reading timestamp to epoch milliseconds (UTC), or NaN if it is not a valid timestamp. */
export function parseReadingTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, frac ? Math.floor(Number(frac) * 1000) : 0);
  // Date.UTC rolls 2018-02-30 over to March: a round trip catches impossible dates.
  const back = new Date(ms);
  if (back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +s! > 59) return Number.NaN;
  return ms;
}

/** One data row of a readings CSV, as text (the scorer keeps TS and Value verbatim in its outputs). */
export const ReadingCsvRecord = z.object({
  TS: z.string().refine((t) => !Number.isNaN(parseReadingTimestamp(t)), {
    message: "must be a UTC timestamp YYYY-MM-DD HH:MM:SS[.fff] or ISO-8601",
  }),
  Device: DeviceId,
  Sensor: SensorId,
  Value: z
    .string()
    .regex(DECIMAL, "must be a decimal number")
    .refine((v) => Number.isFinite(Number(v)), "must be a finite number"),
});
export type ReadingCsvRecord = z.infer<typeof ReadingCsvRecord>;
