import { AzureMonitorLogExporter, AzureMonitorMetricExporter } from "@azure/monitor-opentelemetry-exporter";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { OperationOptions } from "@fleetscore/contracts";
import { LogMonitorError } from "../log-monitor-error.js";
import type { RunSummary } from "../run-summary.js";

export interface ExportRunOptions extends OperationOptions {
  /**
   * The Application Insights connection string (`InstrumentationKey=...;IngestionEndpoint=https://...`);
   * apps read it from APPLICATIONINSIGHTS_CONNECTION_STRING. It is never logged.
   */
  readonly connectionString: string;
}

/** Wraps an exporter to keep every export's result: the SDK's flush resolves even when the service refused the data. */
function recording<T extends { export(items: never, cb: (r: ExportResult) => void): void }>(exporter: T, results: ExportResult[]): T {
  return new Proxy(exporter, {
    get(target, prop, receiver) {
      if (prop !== "export") return Reflect.get(target, prop, receiver) as unknown;
      return (items: never, cb: (r: ExportResult) => void) =>
        target.export(items, (r) => {
          results.push(r);
          cb(r);
        });
    },
  });
}

/**
 * Sends one run to Application Insights through OpenTelemetry: gauges of the run (rows, anomalies, models
 * scored and failed, shards done, duration; attributes run id and status) as customMetrics, one log record
 * for the run and one warning per failed model (code, message, where it is recorded) as traces.
 * Offline storage (retry from disk) is off: the monitor is a one-shot command.
 * @throws LogMonitorError `ExportFailed` when the ingestion endpoint refuses or cannot be reached.
 */
export async function exportRunToAppInsights(summary: RunSummary, options: ExportRunOptions): Promise<void> {
  options.abortSignal?.throwIfAborted();
  const exporterOptions = { connectionString: options.connectionString, disableOfflineStorage: true };
  const results: ExportResult[] = [];
  let metricExporter: AzureMonitorMetricExporter;
  let logExporter: AzureMonitorLogExporter;
  try {
    metricExporter = new AzureMonitorMetricExporter(exporterOptions);
    logExporter = new AzureMonitorLogExporter(exporterOptions);
  } catch (e) {
    // The SDK's message names the problem (e.g. an invalid instrumentation key) without echoing the string.
    throw new LogMonitorError(`Invalid APPLICATIONINSIGHTS_CONNECTION_STRING: ${(e as Error).message}`, "ExportFailed", { cause: e });
  }
  const resource = resourceFromAttributes({ "service.name": "fleetscore-monitor" });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: recording(metricExporter as PushMetricExporter, results), exportIntervalMillis: 60_000 })],
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor(recording(logExporter as LogRecordExporter, results))] });
  const attributes = { "fleetscore.run.id": summary.runId, "fleetscore.run.status": summary.status };
  try {
    const meter = meterProvider.getMeter("fleetscore-monitor");
    const gauges: [string, number | undefined, string][] = [
      ["fleetscore.run.rows", summary.rows, "{row}"],
      ["fleetscore.run.anomalies", summary.anomalies, "{row}"],
      ["fleetscore.run.models.scored", summary.modelsScored, "{model}"],
      ["fleetscore.run.models.failed", summary.modelsFailed, "{model}"],
      ["fleetscore.run.shards.done", summary.shardsDone, "{shard}"],
      ["fleetscore.run.duration", summary.durationMs, "ms"],
    ];
    for (const [name, value, unit] of gauges) if (value !== undefined) meter.createGauge(name, { unit }).record(value, attributes);

    const logger = loggerProvider.getLogger("fleetscore-monitor");
    const failed = summary.status === "failed" || summary.status === "abandoned";
    logger.emit({
      severityNumber: failed ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: failed ? "ERROR" : "INFO",
      body: `run ${summary.runId}: ${summary.status}; ${summary.modelsScored} models scored, ${summary.modelsFailed} failed, ${summary.rows} rows, ${summary.anomalies} anomalies`,
      attributes: { ...attributes, "fleetscore.run.location": summary.location },
    });
    for (const f of summary.failures) {
      logger.emit({
        severityNumber: SeverityNumber.WARN,
        severityText: "WARN",
        body: `model ${f.modelId} failed: [${f.code}] ${f.message}`,
        attributes: { ...attributes, "fleetscore.model.id": f.modelId, "fleetscore.error.code": f.code, "fleetscore.recorded_in": f.recordedIn, ...(f.shard && { "fleetscore.shard": f.shard }) },
      });
    }
    await meterProvider.forceFlush();
    await loggerProvider.forceFlush();
  } finally {
    await Promise.allSettled([meterProvider.shutdown(), loggerProvider.shutdown()]);
  }
  const failure = results.find((r) => r.code !== ExportResultCode.SUCCESS);
  if (failure || results.length === 0) {
    throw new LogMonitorError(`Application Insights did not accept the export: ${failure?.error?.message ?? "nothing was sent"}`, "ExportFailed", {
      cause: failure?.error,
    });
  }
}
