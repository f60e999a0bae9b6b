import type {
  AzureSqlDatabaseOutputDataSource,
  EventHubStreamInputDataSource,
  JsonSerialization,
  Sku,
  StreamingJob,
  Transformation,
} from "@azure/arm-streamanalytics";
import { streamAnalyticsJobSettings, streamAnalyticsQuery, type WindowingOptions } from "@fleetscore/stream-windowing";
import { API_VERSIONS } from "../arm/api-versions.js";
import { idOf, type ArmResource, type ResourceRef, type SdkProperties } from "../arm/template.js";
import { InfraError } from "../infra-error.js";
import type { InfraParameters } from "../parameters.js";
import { type BuildContext, trackedResource } from "./context.js";
import { eventHubRef } from "./event-hubs.js";
import { sqlDatabaseRef } from "./sql.js";

export const streamAnalyticsJobRef = (c: BuildContext): ResourceRef => ({ type: "Microsoft.StreamAnalytics/streamingjobs", names: [c.names.streamAnalyticsJob] });

/** The job's aliases: the query reads `[readings]` and writes `[window-aggregates]` (the generator's defaults). */
export const STREAM_ANALYTICS_INPUT = "readings";
export const STREAM_ANALYTICS_OUTPUT = "window-aggregates";
export const AGGREGATES_TABLE = "window_aggregates";

/** The aggregator's windowing options from the parameters (the same flags `aggregator run` takes). */
export function windowingOptions(p: InfraParameters): WindowingOptions {
  const s = p.streamAnalytics;
  return { windowSizeInMs: s.window, lateArrivalToleranceInMs: s.lateArrival, outOfOrderToleranceInMs: s.outOfOrder, eventOrderingAction: s.onLate };
}

/** The query and event-ordering settings from the generator the aggregator's `stream-analytics` command uses. */
export function generatedJob(p: InfraParameters): { query: string; settings: ReturnType<typeof streamAnalyticsJobSettings> } {
  const options = windowingOptions(p);
  try {
    return { query: streamAnalyticsQuery({ ...options, inputName: STREAM_ANALYTICS_INPUT, outputName: STREAM_ANALYTICS_OUTPUT }), settings: streamAnalyticsJobSettings(options) };
  } catch (e) {
    throw new InfraError(`streamAnalytics: ${(e as Error).message}`, "InvalidParameters", { cause: e });
  }
}

/**
 * The track-2 SDK models flatten a data source's and a serialization's `properties` beside `type`; on the
 * wire they nest. Typed on the way in, nested on the way out.
 */
function nested<T extends { readonly type: string }>(model: T): { type: T["type"]; properties: Omit<T, "type"> } {
  const { type, ...properties } = model;
  return { type, properties };
}

/**
 * A streaming job's `properties` on the wire: the SDK model's own fields (`sku` among them: unlike other
 * resources, a job's SKU lives in `properties`), with inputs, outputs and the transformation nested.
 */
type StreamingJobWireProperties = Omit<SdkProperties<StreamingJob, "sku">, "inputs" | "outputs" | "transformation"> & {
  readonly inputs: readonly { name: string; properties: { type: "Stream"; datasource: unknown; serialization: unknown } }[];
  readonly outputs: readonly { name: string; properties: { datasource: unknown } }[];
  readonly transformation: { name: string; properties: Pick<Transformation, "streamingUnits" | "query"> };
};

/**
 * The Stream Analytics role on Azure: input the readings hub (its own consumer group), output the
 * `window_aggregates` table, the query generated from the aggregator's windowing options. Both sides
 * authenticate as the job's system identity (`Msi`): no key or password in the job.
 */
export function streamAnalyticsResources(c: BuildContext): ArmResource[] {
  const { query, settings } = generatedJob(c.parameters);
  const input: EventHubStreamInputDataSource = {
    type: "Microsoft.ServiceBus/EventHub",
    serviceBusNamespace: c.names.eventHubsNamespace,
    eventHubName: c.names.eventHub,
    consumerGroupName: c.names.streamAnalyticsConsumerGroup,
    authenticationMode: "Msi",
  };
  const serialization: JsonSerialization = { type: "Json", encoding: "UTF8" };
  const output: AzureSqlDatabaseOutputDataSource = {
    type: "Microsoft.Sql/Server/Database",
    server: c.names.sqlServer,
    database: c.names.sqlDatabase,
    table: AGGREGATES_TABLE,
    authenticationMode: "Msi",
  };
  const job: ArmResource<StreamingJobWireProperties> = {
    ...trackedResource(c, streamAnalyticsJobRef(c), API_VERSIONS.streamAnalytics),
    identity: { type: "SystemAssigned" } satisfies StreamingJob["identity"],
    dependsOn: [idOf(eventHubRef(c)), idOf(sqlDatabaseRef(c))],
    properties: {
      sku: { name: "Standard" } satisfies Sku,
      jobType: "Cloud",
      compatibilityLevel: "1.2",
      dataLocale: "en-US",
      outputStartMode: "JobStartTime",
      // A row the table refuses stops the job rather than losing a window; replays are not refused (IGNORE_DUP_KEY).
      outputErrorPolicy: "Stop",
      contentStoragePolicy: "SystemAccount",
      ...settings,
      inputs: [{ name: STREAM_ANALYTICS_INPUT, properties: { type: "Stream", datasource: nested(input), serialization: nested(serialization) } }],
      outputs: [{ name: STREAM_ANALYTICS_OUTPUT, properties: { datasource: nested(output) } }],
      transformation: { name: "Transformation", properties: { streamingUnits: c.parameters.streamAnalytics.streamingUnits, query } },
    },
  };
  return [job];
}
