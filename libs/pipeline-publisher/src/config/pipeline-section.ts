import { z } from "zod";

/*
 * PROVISIONAL: the pipeline fields the publisher needs, until the scheduler's config schema (issue #13,
 * branch `scheduler`) is committed. Replace this file with an import of that schema; keep
 * `toPipelineSpec` (config → plan input) as the one place that maps its fields.
 */

const noSecrets = (url: string): boolean => !/[?&]sig=/i.test(url) && !/AccountKey=/i.test(url) && !/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(url);
const NO_SECRETS = "must not carry a SAS token, account key or password: the compute's managed identity is used";

/** A location every cluster node can reach: an Azure Blob URL (https), without credentials. */
const BlobUrl = z
  .string()
  .regex(/^https:\/\/[^/]+\/[^/]+/, "must be an Azure Blob URL, https://<account>.blob.core.windows.net/<container>/<path>")
  .refine(noSecrets, NO_SECRETS);

/** A Blob URL or a SQL URL (postgres://, mssql://); a local file means nothing on a cluster node. */
const DataUrl = z
  .string()
  .regex(/^(https|postgres|postgresql|mssql):\/\//, "must be an Azure Blob URL (https://...) or a SQL URL (postgres://, mssql://) cluster nodes can reach")
  .refine(noSecrets, NO_SECRETS);

const IsoInstant = z.iso.datetime({ offset: true });
const TriggerWindow = { timeZone: z.string().min(1).default("UTC"), startTime: IsoInstant.optional(), endTime: IsoInstant.optional() };

export const TriggerSection = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cron"), expression: z.string().regex(/^\S+( \S+){4,5}$/, "must be a cron expression of 5 or 6 fields"), ...TriggerWindow }),
  z.object({
    type: z.literal("recurrence"),
    frequency: z.enum(["minute", "hour", "day", "week", "month"]),
    interval: z.number().int().min(1),
    ...TriggerWindow,
  }),
]);

export const PipelineSection = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be lowercase letters, digits and '-', starting with a letter (at most 40)"),
  models: BlobUrl,
  data: DataUrl,
  output: BlobUrl,
  /** With a SQL `data`: the length of the interval that just ended, in seconds. */
  dataWindowInSeconds: z.number().int().min(1).optional(),
  shards: z.number().int().min(1).max(100),
  workersPerShard: z.number().int().min(0).optional(),
  retries: z.number().int().min(0).optional(),
  maxFailedModels: z.string().regex(/^\d+%?$/, "must be a count or a percentage, e.g. 5 or 1%").optional(),
  engine: z.enum(["auto", "onnx", "ts"]).optional(),
  trigger: TriggerSection,
});
export type PipelineSection = z.infer<typeof PipelineSection>;
