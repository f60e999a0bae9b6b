import ms from "ms";
import { RunId } from "@fleetscore/contracts";
import { z } from "zod";

/** `15m`, `30s`, `2h`, or a bare number of seconds (vercel's `ms` grammar), to milliseconds. */
const Duration = z.string().transform((text, ctx) => {
  const value = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a duration: use e.g. 30s, 15m, 2h (a bare number means seconds)` });
    return z.NEVER;
  }
  return value;
});

const Common = z.object({
  /** Optional with `config` when its pipelines share one output. */
  out: z.string().min(1).optional(),
  /** A scheduler (or publisher) config: its run store, and Azure ML job status when it has an `azure` section. */
  config: z.string().min(1).optional(),
  staleAfter: Duration.default(15 * 60_000),
});

export const RunsArgs = Common.extend({ last: z.coerce.number().int().min(1).default(20), json: z.boolean().default(false) });
export type RunsArgs = z.infer<typeof RunsArgs>;

const OneRun = Common.extend({ runId: RunId, logs: z.array(z.string().min(1)).default([]) });

export const ShowArgs = OneRun.extend({ json: z.boolean().default(false) });
export type ShowArgs = z.infer<typeof ShowArgs>;

export const WatchArgs = OneRun.extend({ interval: Duration.default(2_000) });
export type WatchArgs = z.infer<typeof WatchArgs>;

export const ReportArgs = OneRun.extend({
  html: z.string().min(1),
  labels: z.string().min(1).optional(),
  top: z.coerce.number().int().min(1).max(20).default(5),
});
export type ReportArgs = z.infer<typeof ReportArgs>;
