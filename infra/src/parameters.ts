import { Duration } from "@fleetscore/cli-support";
import { describeConfigIssues } from "@fleetscore/contracts";
import { parseConfigText, readConfigText } from "@fleetscore/scheduling";
import { z } from "zod";
import { InfraError } from "./infra-error.js";

const Iso8601Duration = z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, "must be an ISO 8601 duration, e.g. PT10M");

/**
 * What one environment's deployment needs: names come from `prefix` and `environment` (see naming.ts), the
 * rest has cost-saving defaults (serverless SQL that pauses, 1 throughput unit, 1 streaming unit, a Basic
 * registry, a compute cluster that scales to 0 nodes).
 */
export const InfraParameters = z.strictObject({
  /** Lowercase letters and digits: storage account and registry names allow nothing else. */
  prefix: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, "must be 2 to 10 lowercase letters and digits, starting with a letter"),
  environment: z.string().regex(/^[a-z][a-z0-9]{0,7}$/, "must be 1 to 8 lowercase letters and digits, starting with a letter (dev, test, prod)"),
  subscriptionId: z.guid(),
  resourceGroup: z.string().regex(/^[-\w.()]{1,89}[-\w()]$/, "must be a resource group name (letters, digits, - _ . ( ), not ending in .)"),
  location: z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name, e.g. westeurope"),
  /** Added to the tags every resource carries (`project`, `environment`, `managed-by`). */
  tags: z.record(z.string().min(1).max(512), z.string().max(256)).default({}),
  /** The Microsoft Entra administrator of the SQL server: the only way in (no SQL password exists). */
  sqlAdministrator: z.strictObject({
    login: z.string().min(1).max(128),
    objectId: z.guid(),
    principalType: z.enum(["User", "Group", "Application"]).default("Group"),
  }),
  eventHubs: z
    .strictObject({
      partitions: z.number().int().min(1).max(32).default(4),
      messageRetentionInDays: z.number().int().min(1).max(7).default(1),
      /** Standard tier (a consumer group per reader needs it); 1 unit is 1 MB/s or 1,000 events/s in. */
      throughputUnits: z.number().int().min(1).max(40).default(1),
    })
    .prefault({}),
  sql: z
    .strictObject({
      /** Serverless General Purpose vCores (max); the database pauses after `autoPauseDelayInMinutes` idle. */
      maxVCores: z.number().int().min(1).max(80).default(1),
      minVCores: z.number().min(0.5).default(0.5),
      /** 60 is the smallest; -1 never pauses (keep it warm when something reads it every few minutes). */
      autoPauseDelayInMinutes: z.union([z.literal(-1), z.number().int().min(60)]).default(60),
      maxSizeGb: z.number().int().min(1).max(4096).default(32),
    })
    .prefault({}),
  streamAnalytics: z
    .strictObject({
      streamingUnits: z.number().int().min(1).max(120).default(1),
      /** The aggregator's windowing flags (`--window 5s` ...): the job computes the same windows. */
      window: Duration.refine((v) => v > 0, "must be longer than 0").prefault("5s"),
      lateArrival: Duration.prefault("5s"),
      outOfOrder: Duration.prefault("0s"),
      onLate: z.enum(["adjust", "drop"]).default("adjust"),
    })
    .prefault({}),
  /** The Azure ML compute cluster the publisher creates (written into the pipeline config). */
  compute: z
    .strictObject({
      vmSize: z.string().min(1).default("Standard_D4s_v3"),
      vmPriority: z.enum(["Dedicated", "LowPriority"]).default("Dedicated"),
      /** 0 (the default): no node, no cost, between runs; see README for when to keep nodes warm. */
      minNodes: z.number().int().min(0).default(0),
      maxNodes: z.number().int().min(1).default(4),
      idleTimeBeforeScaleDown: Iso8601Duration.default("PT10M"),
    })
    .prefault({}),
  /** The scheduled pipeline written into the pipeline config. */
  pipeline: z
    .strictObject({
      name: z.string().regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, '-' and '_'").default("reference"),
      /** The blob (in the `data` container) the scorer scores. */
      dataPath: z.string().min(1).default("sensor_data.csv"),
      modelsPath: z.string().default(""),
      shards: z.number().int().positive().default(4),
      workersPerShard: z.number().int().positive().default(4),
      cron: z.string().min(1).default("0 * * * *"),
      timeZone: z.string().min(1).default("UTC"),
      imageRepository: z.string().min(1).default("fleetscore/scorer"),
      imageTag: z.string().regex(/^[\w][\w.-]{0,127}$/, "must be an image tag, e.g. 0.1.0").default("0.1.0"),
    })
    .prefault({}),
  registrySku: z.enum(["Basic", "Standard", "Premium"]).default("Basic"),
}).refine((p) => p.compute.minNodes <= p.compute.maxNodes, { path: ["compute", "minNodes"], message: "must not exceed compute.maxNodes" })
  .refine((p) => p.sql.minVCores <= p.sql.maxVCores, { path: ["sql", "minVCores"], message: "must not exceed sql.maxVCores" });
export type InfraParameters = z.infer<typeof InfraParameters>;
export type InfraParametersInput = z.input<typeof InfraParameters>;

/**
 * Validates parameters (parsed YAML or JSON).
 * @throws InfraError `InvalidParameters`, one line per bad field: `<source>: <field.path>: <message> (got <value>)`.
 */
export function parseInfraParameters(raw: unknown, source: string): InfraParameters {
  const parsed = InfraParameters.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InfraError(`Invalid infrastructure parameters:\n${describeConfigIssues(source, raw, parsed.error, "  ")}`, "InvalidParameters");
}

/** Reads and validates a parameters file (YAML or JSON). */
export async function loadInfraParameters(file: string): Promise<InfraParameters> {
  const fail = (message: string, cause?: unknown) => new InfraError(message, "InvalidParameters", cause === undefined ? {} : { cause });
  return parseInfraParameters(parseConfigText(await readConfigText(file, "the infrastructure parameters", fail), file, fail), file);
}
