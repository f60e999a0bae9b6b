import { Cron } from "croner";
import type { TriggerConfig } from "./config.js";
import { SchedulingError } from "./scheduling-error.js";

/** When a pipeline is due. Times are instants; time zones and DST are the trigger's business. */
export interface Trigger {
  /** The first scheduled time strictly after `after`, or undefined when the schedule has ended. */
  next(after: Date): Date | undefined;
  /** The last scheduled time at or before `atOrBefore`, or undefined when there is none. */
  latest(atOrBefore: Date): Date | undefined;
}

const FIXED_STEP_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

/**
 * A cron trigger through croner, which reads the expression in the time zone and handles DST as Vixie cron:
 * a fixed time in a spring-forward gap runs at the first valid time after it, a fixed time in a repeated
 * hour runs once; interval expressions skip the gap and run in both passes of a repeated hour.
 * `startTime` and `endTime` are inclusive.
 */
function cronTrigger(config: Extract<TriggerConfig, { type: "cron" }>): Trigger {
  let cron: Cron;
  try {
    cron = new Cron(config.expression, { paused: true, timezone: config.timeZone });
  } catch (e) {
    throw new SchedulingError(`Invalid cron expression ${JSON.stringify(config.expression)}: ${(e as Error).message}`, "InvalidConfig", { cause: e });
  }
  return {
    next(after) {
      const from = config.startTime && config.startTime.getTime() > after.getTime() ? new Date(config.startTime.getTime() - 1) : after;
      const next = cron.nextRun(from) ?? undefined;
      return next && (!config.endTime || next.getTime() <= config.endTime.getTime()) ? next : undefined;
    },
    latest(atOrBefore) {
      const until = config.endTime && config.endTime < atOrBefore ? config.endTime : atOrBefore;
      const [latest] = cron.previousRuns(1, new Date(until.getTime() + 1));
      return latest && (!config.startTime || latest >= config.startTime) ? latest : undefined;
    },
  };
}

/** `anchor` plus `months` calendar months in UTC, the day clamped to the month's last day (Jan 31 + 1 = Feb 28). */
function addUtcMonths(anchor: Date, months: number): Date {
  const d = new Date(anchor.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/**
 * Azure ML's RecurrenceTrigger: `startTime`, then every `interval` `frequency`s (minutes to weeks as fixed
 * durations, months as calendar months, in UTC). Without `startTime` the series is anchored at the Unix
 * epoch, so `hour`/1 fires on every full hour. `startTime` and `endTime` are inclusive.
 */
function recurrenceTrigger(config: Extract<TriggerConfig, { type: "recurrence" }>): Trigger {
  const anchor = config.startTime ?? new Date(0);
  const end = config.endTime?.getTime() ?? Infinity;
  const occurrence = (k: number): Date =>
    config.frequency === "month" ? addUtcMonths(anchor, k * config.interval) : new Date(anchor.getTime() + k * config.interval * FIXED_STEP_MS[config.frequency]);
  const approxStep = config.frequency === "month" ? 28 * 86_400_000 * config.interval : config.interval * FIXED_STEP_MS[config.frequency];
  return {
    next(after) {
      let k = Math.max(0, Math.floor((after.getTime() - anchor.getTime()) / approxStep) - 1);
      while (k > 0 && occurrence(k).getTime() > after.getTime()) k--;
      while (occurrence(k).getTime() <= after.getTime()) k++;
      const next = occurrence(k);
      return next.getTime() <= end ? next : undefined;
    },
    latest(atOrBefore) {
      const until = Math.min(atOrBefore.getTime(), end);
      if (until < anchor.getTime()) return undefined;
      let k = Math.max(0, Math.floor((until - anchor.getTime()) / approxStep) + 1);
      while (k > 0 && occurrence(k).getTime() > until) k--;
      return occurrence(k);
    },
  };
}

/** @throws SchedulingError `InvalidConfig` for a cron expression croner rejects. */
export function createTrigger(config: TriggerConfig): Trigger {
  return config.type === "cron" ? cronTrigger(config) : recurrenceTrigger(config);
}

/**
 * The scheduled times in `(after, until]`, oldest first; at most `limit`, the most recent kept.
 * `after` undefined means "since the schedule began", which only a trigger with a start can answer.
 */
export function scheduledTimesBetween(trigger: Trigger, after: Date, until: Date, limit: number): Date[] {
  const times: Date[] = [];
  for (let t = trigger.next(after); t && t.getTime() <= until.getTime(); t = trigger.next(t)) {
    times.push(t);
    if (times.length > limit) times.shift();
  }
  return times;
}
