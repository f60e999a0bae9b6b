import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { PublishSpec } from "../plan/publish-spec.js";
import { PublisherError } from "../publisher-error.js";
import { AzureSection } from "./azure-section.js";
import { PipelineSection } from "./pipeline-section.js";

/** The pipeline config (as the scheduler reads it) plus the `azure` section. Unknown keys are left to the scheduler. */
export const PublisherConfig = z.looseObject({
  pipelines: z.array(PipelineSection).min(1),
  azure: AzureSection,
});
export type PublisherConfig = z.infer<typeof PublisherConfig>;

const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), "");

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
}

/**
 * Validates a parsed config. @throws PublisherError `InvalidConfig` listing every issue as
 * `<source>: <field path>: <message> (got <value>)`.
 */
export function parsePublisherConfig(raw: unknown, source: string): PublisherConfig {
  const parsed = PublisherConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const got = valueAt(raw, issue.path);
    return `  ${source}: ${pathOf(issue.path) || "(root)"}: ${issue.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}`;
  });
  throw new PublisherError(`Invalid publisher config:\n${lines.join("\n")}`, "InvalidConfig");
}

/** Reads and validates a YAML or JSON config file. */
export async function loadPublisherConfig(file: string): Promise<PublisherConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new PublisherError(`Cannot read the publisher config ${file}: ${(e as Error).message}`, "InvalidConfig", { cause: e });
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new PublisherError(`${file} is not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(e as Error).message}`, "InvalidConfig", { cause: e });
  }
  return parsePublisherConfig(raw, file);
}

/** The plan input for one pipeline of the config (`name` may be omitted when there is only one). */
export function toPublishSpec(config: PublisherConfig, name?: string): PublishSpec {
  const names = config.pipelines.map((p) => p.name);
  const pipeline = name === undefined && names.length === 1 ? config.pipelines[0] : config.pipelines.find((p) => p.name === name);
  if (!pipeline) {
    const why = name === undefined ? "the config has several pipelines: pass --pipeline" : `no pipeline is named "${name}"`;
    throw new PublisherError(`${why} (pipelines: ${names.join(", ")})`, "InvalidConfig");
  }
  return { pipeline, azure: config.azure };
}
