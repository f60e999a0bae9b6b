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
  WindowMeanRecord,
  WriteAggregatesOptions,
} from "./store/aggregate-store.js";
export { AggregateStoreError, isAggregateStoreError } from "./store/aggregate-store-error.js";
export type { AggregateStoreErrorCode } from "./store/aggregate-store-error.js";
export { parseAggregateStoreUrl, redactUrl } from "./store/location.js";
export { isSqlUrl } from "./store/is-sql-url.js";
export type { AggregateStoreLocation, SqliteLocation, PostgresLocation, MssqlLocation } from "./store/location.js";
export { LATEST_SCHEMA_VERSION } from "./store/migrations.js";
// The migrations themselves, for tools that apply them outside a store (infra's SQL deployment script).
export { CREATE_MIGRATIONS_TABLE, MIGRATIONS, MIGRATIONS_TABLE } from "./store/migrations.js";
export type { Migration } from "./store/migrations.js";
export { formatWindowSize, parseWindowSize, MAX_DEAD_LETTER_BODY_LENGTH } from "./store/records.js";

// Scoring from SQL: the name of a range of windows, the TS of a window in prediction files.
export { aggregatesRangeLocation, formatReferenceTimestamp } from "./scoring/window-range.js";
