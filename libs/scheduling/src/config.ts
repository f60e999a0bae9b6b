import ms from "ms";
import { describeConfigIssues, valueAt } from "@fleetscore/contracts";
import { parseConfigText, readConfigText } from "./config-document.js";
import { z } from "zod";
import { PIPELINE_NAME } from "./run-id.js";
import { SchedulingError } from "./scheduling-error.js";
import { createTrigger } from "./trigger.js";

/** A duration such as `30s`, `5m`, `1h` (the `ms` package's syntax), parsed to milliseconds. */
const Duration = z.string().transform((text, ctx) => {
  const value = ms(text as ms.StringValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    ctx.addIssue({ code: "custom", message: `not a duration (expected e.g. "30s", "5m", "1h")` });
    return z.NEVER;
  }
  return value;
});

const IsoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const validTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Azure ML's CronTrigger: a 5- or 6-field cron expression, read in `timeZone` (IANA name, default UTC). */
export const CronTriggerConfig = z.strictObject({
  type: z.literal("cron"),
  expression: z.string().min(1),
  timeZone: z.string().refine(validTimeZone, "not an IANA time zone (e.g. Europe/Amsterdam)").default("UTC"),
  startTime: IsoTime.optional(),
  endTime: IsoTime.optional(),
});

/** Azure ML's RecurrenceTrigger: every `interval` `frequency`s from `startTime` (default the epoch, UTC). */
export const RecurrenceTriggerConfig = z.strictObject({
  type: z.literal("recurrence"),
  frequency: z.enum(["minute", "hour", "day", "week", "month"]),
  interval: z.number().int().positive(),
  startTime: IsoTime.optional(),
  endTime: IsoTime.optional(),
});

export const TriggerConfig = z.discriminatedUnion("type", [CronTriggerConfig, RecurrenceTriggerConfig]);
export type TriggerConfig = z.infer<typeof TriggerConfig>;

export const ExecutorConfig = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("process"),
    /** The scorer CLI (run with this Node.js); a wrapper executable may stand in when `node` is false. */
    scorer: z.string().min(1).default("apps/scorer/dist/main.js"),
    node: z.boolean().default(true),
  }),
  z.strictObject({
    kind: z.literal("docker"),
    image: z.string().min(1).default("fleetscore/scorer:latest"),
    /** `none` when every location is local (the default `auto` decides), else docker's default network. */
    network: z.enum(["auto", "none", "default"]).default("auto"),
  }),
]);
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;

export const PipelineConfig = z.strictObject({
  name: z.string().regex(PIPELINE_NAME, "a name of [A-Za-z0-9._-], not starting with . _ or -"),
  /** The scorer's `--models`: a folder, a model store location, or `<location>@<version>`. */
  models: z.string().min(1),
  data: z.strictObject({
    /** A SQL URL (sqlite:, postgres://, mssql://) scored over the `window` that ends at the scheduled time, or a CSV / blob URL scored whole. */
    source: z.string().min(1),
    window: Duration.prefault("1h"),
    /** With a SQL source: the aggregates' window size to score (`--window`, e.g. 5s), needed when the database holds several. */
    windowSize: z.string().regex(/^(?:\d+[dhms]|\d+ms)+$/, 'a window size such as "5s", "1m" or "250ms"').optional(),
  }),
  /** The scorer's `--out`: a folder or a Blob container URL; each run writes `<output>/<run-id>/`. */
  output: z.string().min(1),
  shards: z.number().int().positive().default(1),
  workersPerShard: z.number().int().nonnegative().default(1),
  engine: z.enum(["auto", "onnx", "ts"]).default("auto"),
  /** The scorer's `--max-failed-models` per shard (a count or a percentage), as Azure ML's error threshold. */
  maxFailedModels: z.union([z.number().int().nonnegative().transform(String), z.string().regex(/^\d+(\.\d+)?%$|^\d+$/, "a count or a percentage such as 5%")]).default("0"),
  /**
   * The scorer's `--allow-empty`: a shard with no row in its window exits 0 (status `empty`). Default false,
   * as the scorer's: the shard exits 5, which the scheduler records as `empty` (not retried) and Azure ML as
   * a failed job, so an empty window (a broken upstream) can be alerted on.
   */
  allowEmpty: z.boolean().default(false),
  /** Shards that may fail (after their retries) with the run still `partial` rather than `failed`. */
  maxFailedShards: z.number().int().nonnegative().default(0),
  retries: z
    .strictObject({
      /** Attempts per shard, the first included. */
      maxAttempts: z.number().int().positive().default(3),
      backoff: Duration.prefault("5s"),
      maxBackoff: Duration.prefault("5m"),
    })
    .prefault({}),
  shardTimeout: Duration.prefault("1h"),
  overlap: z.enum(["skip", "queue"]).default("skip"),
  catchUp: z
    .strictObject({
      policy: z.enum(["none", "latest", "all"]).default("latest"),
      /** At most this many missed runs (the most recent) are run after downtime. */
      maxRuns: z.number().int().positive().default(24),
    })
    .prefault({}),
  executor: ExecutorConfig.prefault({ kind: "process" }),
  trigger: TriggerConfig,
});
export type PipelineConfig = z.infer<typeof PipelineConfig>;

export const SchedulerConfig = z
  .strictObject({
    /** `sqlite:<file>` (default `sqlite:out/scheduler/runs.db`) or `postgres://user@host:port/db`. */
    runStore: z.string().min(1).default("sqlite:out/scheduler/runs.db"),
    /** Where each shard's log file goes: `<logDir>/<run-id>/shard-<i>-of-<n>.log`. */
    logDir: z.string().min(1).default("out/scheduler/logs"),
    /** Shards running at once across every pipeline. */
    maxConcurrentShards: z.number().int().positive().default(2),
    pipelines: z.array(PipelineConfig).min(1),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.pipelines.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: "custom", path: ["pipelines", i, "name"], message: `duplicate pipeline name`, input: p.name });
      seen.add(p.name);
    });
  });
export type SchedulerConfig = z.infer<typeof SchedulerConfig>;

const invalidConfig = (message: string, cause?: unknown) => new SchedulingError(message, "InvalidConfig", cause === undefined ? {} : { cause });

/**
 * Parses a scheduler config from text (YAML, so JSON too) and validates it.
 * @throws SchedulingError `InvalidConfig` naming the file, each bad field's path and its value.
 */
export function parseSchedulerConfig(text: string, file: string): SchedulerConfig {
  const raw = parseConfigText(text, file, invalidConfig);
  const result = SchedulerConfig.safeParse(raw);
  if (!result.success) throw new SchedulingError(`Invalid scheduler config:\n${describeConfigIssues(file, raw, result.error)}`, "InvalidConfig");
  for (const [i, p] of result.data.pipelines.entries()) {
    try {
      createTrigger(p.trigger);
    } catch (e) {
      const at = `pipelines.${i}.trigger.expression`;
      throw new SchedulingError(`Invalid scheduler config:\n${file}: ${at}: ${(e as Error).message}`, "InvalidConfig", { cause: e });
    }
    if (p.trigger.startTime && p.trigger.endTime && p.trigger.endTime < p.trigger.startTime) {
      throw new SchedulingError(`Invalid scheduler config:\n${file}: pipelines.${i}.trigger.endTime: must not be before startTime (got ${JSON.stringify(valueAt(raw, ["pipelines", i, "trigger", "endTime"]))})`, "InvalidConfig");
    }
  }
  return result.data;
}

/** Reads and validates a scheduler config file (YAML or JSON). @throws SchedulingError `InvalidConfig`. */
export async function loadSchedulerConfig(file: string): Promise<SchedulerConfig> {
  return parseSchedulerConfig(await readConfigText(file, "scheduler config", invalidConfig), file);
}

/** The pipeline of that name. @throws SchedulingError `UnknownPipeline` listing the names there are. */
export function getPipeline(config: SchedulerConfig, name: string): PipelineConfig {
  const found = config.pipelines.find((p) => p.name === name);
  if (!found) throw new SchedulingError(`No pipeline "${name}" in the config (pipelines: ${config.pipelines.map((p) => p.name).join(", ")})`, "UnknownPipeline");
  return found;
}
