import { SchedulingError } from "./scheduling-error.js";

/** Pipeline names become run-id prefixes and folder names: the scorer's run-id alphabet, no leading dot. */
export const PIPELINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * The run id of a scheduled run: `<pipeline>-YYYYMMDDTHHMMZ` (UTC; seconds are added only when the
 * scheduled time has them). The same pipeline and time always give the same id, so a retried or repeated
 * trigger writes the same run.
 */
export function scheduledRunId(pipeline: string, scheduledAt: Date): string {
  if (!PIPELINE_NAME.test(pipeline)) throw new SchedulingError(`Pipeline name ${JSON.stringify(pipeline)} is not [A-Za-z0-9._-]`, "InvalidArgument");
  const t = scheduledAt.getTime();
  if (!Number.isFinite(t)) throw new SchedulingError(`Scheduled time of pipeline "${pipeline}" is not a valid date`, "InvalidArgument");
  const d = new Date(Math.floor(t / 1000) * 1000);
  const seconds = d.getUTCSeconds() === 0 ? "" : pad(d.getUTCSeconds());
  return `${pipeline}-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${seconds}Z`;
}
