import { readFile } from "node:fs/promises";
import { createTrigger, SchedulerConfig } from "@fleetscore/scheduling";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { PublisherError } from "../publisher-error.js";
import { AzureSection } from "./azure-section.js";

/** The scheduler's config (issue #13's schema, imported) plus the `azure` section. */
export const PublisherConfig = SchedulerConfig.safeExtend({ azure: AzureSection });
export type PublisherConfig = z.infer<typeof PublisherConfig>;

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);

/** One line per issue, as the scheduler writes them: `<file>: <field.path>: <message> (got <value>)`. */
function describeIssues(source: string, raw: unknown, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const value = valueAt(raw, issue.path);
      return `  ${source}: ${issue.path.join(".") || "(top level)"}: ${issue.message} (got ${value === undefined ? "missing" : JSON.stringify(value)})`;
    })
    .join("\n");
}

/**
 * Validates a parsed config (the scheduler's fields, its cron expressions, and `azure`).
 * @throws PublisherError `InvalidConfig` listing every issue with the file, field path and value.
 */
export function parsePublisherConfig(raw: unknown, source: string): PublisherConfig {
  const parsed = PublisherConfig.safeParse(raw);
  if (!parsed.success) throw new PublisherError(`Invalid publisher config:\n${describeIssues(source, raw, parsed.error)}`, "InvalidConfig");
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
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new PublisherError(`Cannot read the publisher config ${file}: ${(e as Error).message}`, "InvalidConfig", { cause: e });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new PublisherError(`${file}: not valid YAML or JSON:\n${doc.errors.map((e) => e.message).join("\n")}`, "InvalidConfig");
  }
  return parsePublisherConfig(doc.toJS(), file);
}
