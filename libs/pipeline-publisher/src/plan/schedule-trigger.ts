import { findWindows } from "windows-iana";
import { PublisherError } from "../publisher-error.js";
import type { TriggerSpec } from "./publish-spec.js";

const FREQUENCY = { minute: "Minute", hour: "Hour", day: "Day", week: "Week", month: "Month" } as const;

/** Azure ML wants Windows time zone names ("W. Europe Standard Time"); the scheduler's config has IANA ones. */
export function windowsTimeZone(iana: string, field = "trigger.timeZone"): string {
  if (iana === "UTC" || iana === "Etc/UTC") return "UTC";
  const [windows] = findWindows(iana);
  if (!windows) throw new PublisherError(`${field}: "${iana}" is not an IANA time zone Azure ML has a Windows name for`, "InvalidConfig");
  return windows;
}

/**
 * Azure ML's start/end times are wall-clock times in the trigger's time zone, without an offset
 * ("2026-12-01T06:00:00"): the instant from the config, shown in that zone.
 */
export function wallClock(instant: string, ianaZone: string, field: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) throw new PublisherError(`${field}: "${instant}" is not an ISO 8601 time`, "InvalidConfig");
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: ianaZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: string): string => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
}

/** The schedule's `trigger` body: a CronTrigger or a RecurrenceTrigger. */
export function scheduleTrigger(trigger: TriggerSpec): Record<string, unknown> {
  const window = {
    timeZone: windowsTimeZone(trigger.timeZone),
    ...(trigger.startTime && { startTime: wallClock(trigger.startTime, trigger.timeZone, "trigger.startTime") }),
    ...(trigger.endTime && { endTime: wallClock(trigger.endTime, trigger.timeZone, "trigger.endTime") }),
  };
  if (trigger.type === "cron") return { triggerType: "Cron", expression: trigger.expression, ...window };
  return { triggerType: "Recurrence", frequency: FREQUENCY[trigger.frequency], interval: trigger.interval, ...window };
}
