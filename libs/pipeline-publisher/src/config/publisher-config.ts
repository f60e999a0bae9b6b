import { describeConfigIssues, valueAt } from "@fleetscore/contracts";
import { createTrigger, parseConfigText, readConfigText, SchedulerConfig } from "@fleetscore/scheduling";
import type { z } from "zod";
import { PublisherError } from "../publisher-error.js";
import { AzureSection } from "./azure-section.js";

/** The scheduler's config (issue #13's schema, imported) plus the `azure` section. */
export const PublisherConfig = SchedulerConfig.safeExtend({ azure: AzureSection });
export type PublisherConfig = z.infer<typeof PublisherConfig>;

/**
 * Validates a parsed config (the scheduler's fields, its cron expressions, and `azure`).
 * @throws PublisherError `InvalidConfig` listing every issue with the file, field path and value.
 */
export function parsePublisherConfig(raw: unknown, source: string): PublisherConfig {
  const parsed = PublisherConfig.safeParse(raw);
  if (!parsed.success) throw new PublisherError(`Invalid publisher config:\n${describeConfigIssues(source, raw, parsed.error, "  ")}`, "InvalidConfig");
  parsed.data.pipelines.forEach((pipeline, i) => {
    try {
      createTrigger(pipeline.trigger);
    } catch (e) {
      throw new PublisherError(`Invalid publisher config:\n  ${source}: pipelines.${i}.trigger.expression: ${(e as Error).message}`, "InvalidConfig", { cause: e });
    }
    const { startTime, endTime } = pipeline.trigger;
    if (startTime && endTime && endTime < startTime) {
      const got = JSON.stringify(valueAt(raw, ["pipelines", i, "trigger", "endTime"]));
      throw new PublisherError(`Invalid publisher config:\n  ${source}: pipelines.${i}.trigger.endTime: must not be before startTime (got ${got})`, "InvalidConfig");
    }
  });
  return parsed.data;
}

/** Reads and validates a YAML or JSON config file. */
export async function loadPublisherConfig(file: string): Promise<PublisherConfig> {
  const fail = (message: string, cause?: unknown) => new PublisherError(message, "InvalidConfig", cause === undefined ? {} : { cause });
  return parsePublisherConfig(parseConfigText(await readConfigText(file, "the publisher config", fail), file, fail), file);
}
