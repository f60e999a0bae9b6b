import type { PipelineConfig } from "@fleetscore/scheduling";
import type { PipelineSpec, PublishSpec, TriggerSpec } from "../plan/publish-spec.js";
import { PublisherError } from "../publisher-error.js";
import type { PublisherConfig } from "./publisher-config.js";

const SECRET = /[?&]sig=|AccountKey=|^[a-z]+:\/\/[^/@]*:[^/@]*@/i;
const BLOB_URL = /^https:\/\/[^/]+\/[^/]+/;
const NETWORK_SQL = /^(postgres|postgresql|mssql):\/\//;

/**
 * A cluster node reaches only network locations, and reads them as the compute's managed identity:
 * Blob URLs (models and output; data may also be a networked SQL URL), never with a SAS, key or password.
 */
function cloudLocation(value: string, field: string, allowSql: boolean): string {
  if (SECRET.test(value)) throw new PublisherError(`${field}: must not carry a SAS token, account key or password: the compute's managed identity is used`, "InvalidConfig");
  if (BLOB_URL.test(value) || (allowSql && NETWORK_SQL.test(value))) return value;
  const expected = allowSql ? "an Azure Blob URL (https://...) or a SQL URL (postgres://, mssql://)" : "an Azure Blob URL, https://<account>.blob.core.windows.net/<container>/<path>";
  throw new PublisherError(`${field}: must be ${expected} that cluster nodes can reach (got ${JSON.stringify(value)})`, "InvalidConfig");
}

function triggerSpec(trigger: PipelineConfig["trigger"]): TriggerSpec {
  const window = {
    ...(trigger.startTime && { startTime: trigger.startTime.toISOString() }),
    ...(trigger.endTime && { endTime: trigger.endTime.toISOString() }),
  };
  if (trigger.type === "cron") return { type: "cron", expression: trigger.expression, timeZone: trigger.timeZone, ...window };
  // The scheduler counts a recurrence from the epoch when no start is given; Azure ML from the schedule's
  // creation. A start at the epoch makes Azure ML keep the same grid (a past start runs at the next slot).
  return { type: "recurrence", frequency: trigger.frequency, interval: trigger.interval, timeZone: "UTC", startTime: "1970-01-01T00:00:00.000Z", ...window };
}

/** The plan input for one pipeline of the config (`name` may be omitted when there is only one). */
export function toPublishSpec(config: PublisherConfig, name?: string): PublishSpec {
  const names = config.pipelines.map((p) => p.name);
  const index = name === undefined ? (names.length === 1 ? 0 : -1) : names.indexOf(name);
  const pipeline = config.pipelines[index];
  if (!pipeline) {
    const why = name === undefined ? "the config has several pipelines: pass --pipeline" : `no pipeline is named "${name}"`;
    throw new PublisherError(`${why} (pipelines: ${names.join(", ")})`, "InvalidConfig");
  }
  const at = `pipelines.${index}`;
  if (!/^[A-Za-z0-9_-]+$/.test(pipeline.name)) {
    throw new PublisherError(`${at}.name: Azure ML job and schedule names take letters, digits, '-' and '_' (got ${JSON.stringify(pipeline.name)})`, "InvalidConfig");
  }
  const spec: PipelineSpec = {
    name: pipeline.name,
    models: cloudLocation(pipeline.models, `${at}.models`, false),
    data: cloudLocation(pipeline.data.source, `${at}.data.source`, true),
    dataWindowInSeconds: Math.round(pipeline.data.window / 1000),
    output: cloudLocation(pipeline.output, `${at}.output`, false),
    shards: pipeline.shards,
    workersPerShard: pipeline.workersPerShard,
    maxFailedModels: pipeline.maxFailedModels,
    allowEmpty: pipeline.allowEmpty,
    engine: pipeline.engine,
    shardTimeoutInSeconds: Math.ceil(pipeline.shardTimeout / 1000),
    trigger: triggerSpec(pipeline.trigger),
  };
  return { pipeline: spec, azure: config.azure };
}
