import { RunId } from "@fleetscore/contracts";
import { Duration } from "@fleetscore/cli-support";
import { z } from "zod";

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
