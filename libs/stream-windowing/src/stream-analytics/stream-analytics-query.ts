import type { WindowingOptions } from "../windowing/types.js";
import { WindowingError } from "../windowing/windowing-error.js";
import { resolveWindowingOptions, type ResolvedWindowingOptions } from "../windowing/windowing-options.js";

export interface StreamAnalyticsQueryOptions extends WindowingOptions {
  /** The job's input alias (the Event Hub of readings). Default "readings". */
  readonly inputName?: string;
  /** The job's output alias (the SQL table `window_aggregates`). Default "window-aggregates". */
  readonly outputName?: string;
}

/** Stream Analytics' event-ordering settings, under their ARM (Microsoft.StreamAnalytics/streamingjobs) names. */
export interface StreamAnalyticsJobSettings {
  readonly eventsOutOfOrderPolicy: "Adjust" | "Drop";
  readonly eventsOutOfOrderMaxDelayInSeconds: number;
  readonly eventsLateArrivalMaxDelayInSeconds: number;
}

/** The command that writes the generated files; named in their header so nobody edits them by hand. */
export const STREAM_ANALYTICS_GENERATE_COMMAND = "node apps/aggregator/dist/main.js stream-analytics --out infra/stream-analytics";

/** Largest `eventsLateArrivalMaxDelayInSeconds` ARM accepts: 20 days 23:59:59 (-1, "wait indefinitely", is never generated). */
export const MAX_LATE_ARRIVAL_DELAY_SECONDS = 1_814_399;

/** Largest TumblingWindow Stream Analytics accepts: 7 days. */
export const MAX_STREAM_ANALYTICS_WINDOW_MS = 7 * 24 * 3_600_000;

const DAY_MS = 24 * 3_600_000;

/** `[name]` quoting, as Stream Analytics (T-SQL) writes identifiers; `]` doubles. */
function bracket(name: string, option: string): string {
  if (typeof name !== "string" || name.length === 0 || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new WindowingError(`Invalid Stream Analytics option ${option}: ${JSON.stringify(name)}; expected a non-empty alias without control characters`, "InvalidOption");
  }
  return `[${name.replace(/]/g, "]]")}]`;
}

function seconds(ms: number, option: keyof WindowingOptions): number {
  if (ms % 1000 !== 0) {
    throw new WindowingError(
      `Stream Analytics cannot express ${option} ${ms} ms: its event-ordering tolerances are whole seconds. Use a multiple of 1000 ms (e.g. ${Math.max(1, Math.round(ms / 1000)) * 1000}).`,
      "InvalidOption",
    );
  }
  return ms / 1000;
}

/**
 * The event-ordering settings of the Stream Analytics job equivalent to the local engine with these
 * options (the query itself comes from `streamAnalyticsQuery`). The duplicate horizon has no job
 * setting: the query dedups instead.
 * @throws WindowingError `InvalidOption` for invalid options, tolerances that are not whole seconds, or a
 * late-arrival tolerance above Stream Analytics' 20 days 23:59:59.
 */
export function streamAnalyticsJobSettings(options: WindowingOptions = {}): StreamAnalyticsJobSettings {
  const o = resolveWindowingOptions(options);
  const late = seconds(o.lateArrivalToleranceInMs, "lateArrivalToleranceInMs");
  const outOfOrder = seconds(o.outOfOrderToleranceInMs, "outOfOrderToleranceInMs");
  if (late > MAX_LATE_ARRIVAL_DELAY_SECONDS) {
    throw new WindowingError(
      `Stream Analytics cannot express lateArrivalToleranceInMs ${o.lateArrivalToleranceInMs}: eventsLateArrivalMaxDelayInSeconds goes up to ${MAX_LATE_ARRIVAL_DELAY_SECONDS} (20 days 23:59:59)`,
      "InvalidOption",
    );
  }
  return {
    eventsOutOfOrderPolicy: o.eventOrderingAction === "drop" ? "Drop" : "Adjust",
    eventsOutOfOrderMaxDelayInSeconds: outOfOrder,
    eventsLateArrivalMaxDelayInSeconds: late,
  };
}

/** TumblingWindow's (unit, size): whole seconds when the size is, else milliseconds. */
function windowUnit(o: ResolvedWindowingOptions): { readonly unit: "second" | "millisecond"; readonly size: number } {
  return o.windowSizeInMs % 1000 === 0 ? { unit: "second", size: o.windowSizeInMs / 1000 } : { unit: "millisecond", size: o.windowSizeInMs };
}

const describeMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * The Stream Analytics query (SAQL) computing the same windows as the local engine with these options,
 * into the columns of the SQL table `window_aggregates` (device_id, sensor_id, window_start, window_end,
 * count, mean, min, max, stddev).
 *
 * Two steps: a dedup step, Stream Analytics' documented pattern (GROUP BY the reading's fields and
 * System.Timestamp(), a snapshot window of the readings with the same timestamp), then the tumbling
 * window per device x sensor. The event-ordering policies are job settings, not query text: pair the query
 * with `streamAnalyticsJobSettings(options)`.
 * @throws WindowingError `InvalidOption` for invalid options or aliases, tolerances that are not whole
 * seconds (the job settings could not match the query), or a window longer than Stream Analytics' 7 days.
 */
export function streamAnalyticsQuery(options: StreamAnalyticsQueryOptions = {}): string {
  const o = resolveWindowingOptions(options);
  const settings = streamAnalyticsJobSettings(o);
  if (o.windowSizeInMs > MAX_STREAM_ANALYTICS_WINDOW_MS) {
    throw new WindowingError(
      `Stream Analytics cannot express windowSizeInMs ${o.windowSizeInMs}: a TumblingWindow is at most 7 days (${MAX_STREAM_ANALYTICS_WINDOW_MS} ms)`,
      "InvalidOption",
    );
  }
  const input = bracket(options.inputName ?? "readings", "inputName");
  const output = bracket(options.outputName ?? "window-aggregates", "outputName");
  const { unit, size } = windowUnit(o);
  const alignmentNote =
    DAY_MS % o.windowSizeInMs === 0
      ? []
      : [
          `-- Note: ${describeMs(o.windowSizeInMs)} does not divide 24 h. Stream Analytics aligns windows to the zeroth hour and the`,
          "-- local engine to the Unix epoch; check that the window boundaries agree before relying on both.",
        ];
  const lines = [
    "-- Generated by @fleetscore/stream-windowing from the aggregator's windowing options: do not edit by hand.",
    `-- Regenerate with: ${STREAM_ANALYTICS_GENERATE_COMMAND}`,
    "--",
    `-- Tumbling windows of ${describeMs(o.windowSizeInMs)} per device x sensor; a window holds the readings with`,
    "-- window_start < ts <= window_end, and gives no row when it has none. Job settings (job-settings.json):",
    `-- late arrival ${settings.eventsLateArrivalMaxDelayInSeconds} s, out of order ${settings.eventsOutOfOrderMaxDelayInSeconds} s, policy ${settings.eventsOutOfOrderPolicy}.`,
    ...alignmentNote,
    "WITH Deduplicated AS (",
    "    -- A redelivered reading (same device, sensor, ts and value) counts once: Stream Analytics' dedup",
    "    -- pattern. It groups by the reading's timestamp after the event-ordering policies, so a",
    "    -- redelivery whose time was adjusted differently is not recognised (the local engine remembers the",
    "    -- original ts instead).",
    "    SELECT",
    "        deviceId,",
    "        sensorId,",
    "        CAST([value] AS float) AS [value]",
    `    FROM ${input} TIMESTAMP BY ts`,
    "    GROUP BY deviceId, sensorId, ts, [value], System.Timestamp()",
    ")",
    "SELECT",
    "    deviceId AS device_id,",
    "    sensorId AS sensor_id,",
    `    DATEADD(${unit}, -${size}, System.Timestamp()) AS window_start,`,
    "    System.Timestamp() AS window_end,",
    "    COUNT(*) AS [count],",
    "    AVG([value]) AS mean,",
    "    MIN([value]) AS [min],",
    "    MAX([value]) AS [max],",
    "    -- Sample standard deviation; for one reading STDEV has no sample deviation, the table stores 0.",
    "    CASE WHEN COUNT(*) > 1 THEN STDEV([value]) ELSE 0.0 END AS stddev",
    `INTO ${output}`,
    "FROM Deduplicated",
    `GROUP BY deviceId, sensorId, TumblingWindow(${unit}, ${size})`,
    "",
  ];
  return lines.join("\n");
}
