// Windows: the Stream Analytics semantics, and the equivalent Stream Analytics job.
export * from "./windowing/index.js";
export * from "./stream-analytics/index.js";
export { toWindowAggregate } from "./window-aggregate-record.js";
export type { WindowAggregateRecord } from "./window-aggregate-record.js";

// SQL stores.
export { openAggregateStore } from "./store/open-aggregate-store.js";
export type { OpenAggregateStoreOptions } from "./store/open-aggregate-store.js";
export type {
  AggregateStore,
  AggregatorCheckpoint,
  ReadAggregatesOptions,
  SqlDialect,
  WriteAggregatesOptions,
} from "./store/aggregate-store.js";
export { AggregateStoreError, isAggregateStoreError } from "./store/aggregate-store-error.js";
export type { AggregateStoreErrorCode } from "./store/aggregate-store-error.js";
export { parseAggregateStoreUrl, redactUrl } from "./store/location.js";
export { isSqlUrl } from "./store/is-sql-url.js";
export type { AggregateStoreLocation, SqliteLocation, PostgresLocation, MssqlLocation } from "./store/location.js";
export { LATEST_SCHEMA_VERSION } from "./store/migrations.js";

// The aggregator: sources, and the run that checkpoints with its writes.
export { csvReadingSource } from "./sources/csv-reading-source.js";
export { eventLogReadingSource } from "./sources/event-log-reading-source.js";
export type { ConsumerSource } from "./sources/event-log-reading-source.js";
export type { MalformedReading, ReadReadingsOptions, ReadingBatch, ReadingSource } from "./sources/reading-source.js";
export { runAggregation } from "./pipeline/run-aggregation.js";
export type { AggregationProgress, AggregationSummary, RunAggregationOptions } from "./pipeline/run-aggregation.js";
export { AggregationError, isAggregationError } from "./pipeline/aggregation-error.js";
export type { AggregationErrorCode } from "./pipeline/aggregation-error.js";

// Scoring from SQL: window means as a readings CSV stream.
export { aggregatesAsReadingsCsv, aggregatesRangeLocation, formatReferenceTimestamp } from "./scoring/aggregates-as-readings-csv.js";
export type { AggregatesAsReadingsCsvOptions } from "./scoring/aggregates-as-readings-csv.js";
