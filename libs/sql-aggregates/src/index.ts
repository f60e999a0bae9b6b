// SQL stores.
export { openAggregateStore } from "./store/open-aggregate-store.js";
export type { OpenAggregateStoreOptions } from "./store/open-aggregate-store.js";
export type {
  AggregateStore,
  AggregatorCheckpoint,
  DeadLetter,
  ReadAggregatesOptions,
  ReadDeadLettersOptions,
  StoredDeadLetter,
  SqlDialect,
  WriteAggregatesOptions,
} from "./store/aggregate-store.js";
export { AggregateStoreError, isAggregateStoreError } from "./store/aggregate-store-error.js";
export type { AggregateStoreErrorCode } from "./store/aggregate-store-error.js";
export { parseAggregateStoreUrl, redactUrl } from "./store/location.js";
export { isSqlUrl } from "./store/is-sql-url.js";
export type { AggregateStoreLocation, SqliteLocation, PostgresLocation, MssqlLocation } from "./store/location.js";
export { LATEST_SCHEMA_VERSION } from "./store/migrations.js";
export { formatWindowSize, parseWindowSize, MAX_DEAD_LETTER_BODY_LENGTH } from "./store/records.js";

// Scoring from SQL: window means as a readings CSV stream.
export { aggregatesAsReadingsCsv, aggregatesRangeLocation, formatReferenceTimestamp } from "./scoring/aggregates-as-readings-csv.js";
export type { AggregatesAsReadingsCsvOptions } from "./scoring/aggregates-as-readings-csv.js";
