import { z } from "zod";
import { Duration } from "@fleetscore/cli-support";

const Rate = z.coerce.number().min(0).max(1);
const Count = z.coerce.number().int().min(1);

/** `--to`: where the readings go. */
export const Target = z.string().transform((text, ctx) => {
  const m = /^(eventlog|eventhubs):(.+)$/.exec(text);
  if (!m) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a target: use eventlog:<file> (the local event log) or eventhubs:<hub> (Azure Event Hubs)` });
    return z.NEVER;
  }
  return { kind: m[1] as "eventlog" | "eventhubs", name: m[2]! };
});
export type Target = z.infer<typeof Target>;

export const RunArgs = z
  .object({
    to: Target,
    devices: Count.optional(),
    sensors: Count.optional(),
    interval: Duration.refine((v) => v > 0, "must be longer than 0"),
    jitter: Duration.optional(),
    start: z.iso.datetime({ offset: true }).transform((t) => Date.parse(t)).optional(),
    duration: Duration.optional(),
    count: Count.optional(),
    rate: z.coerce.number().positive().optional(),
    realTime: z.boolean().default(false),
    seed: z.coerce.number().int().default(1),
    profile: z.enum(["normal", "uniform", "bimodal", "drift"]).default("normal"),
    profileFrom: z.string().min(1).optional(),
    anomalyRate: Rate,
    lateRate: Rate,
    outOfOrderRate: Rate,
    duplicateRate: Rate,
    malformedRate: Rate,
    lateBy: Duration,
    labels: z.string().min(1).optional(),
    skip: z.coerce.number().int().min(0).default(0),
    batchSize: z.coerce.number().int().min(1).max(100_000).default(1000),
    partitions: z.coerce.number().int().min(1).max(1024).optional(),
    connectionString: z.string().optional(),
    namespace: z.string().optional(),
  })
  .refine((a) => !(a.duration !== undefined && a.count !== undefined), { message: "give --duration or --count, not both", path: ["count"] })
  .refine((a) => !(a.rate !== undefined && a.realTime), { message: "--rate paces simulated time; --real-time sends at the fleet's own pace: give one", path: ["rate"] })
  .refine((a) => a.jitter === undefined || a.jitter <= a.interval, { message: "must be at most --interval", path: ["jitter"] });
export type RunArgs = z.infer<typeof RunArgs>;
