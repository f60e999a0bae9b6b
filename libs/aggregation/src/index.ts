// Where the aggregator's readings come from: a replayed CSV, an event log (local log or Event Hubs consumer).
export { csvReadingSource } from "./sources/csv-reading-source.js";
export { eventLogReadingSource } from "./sources/event-log-reading-source.js";
export type { EventLogReadingSourceOptions } from "./sources/event-log-reading-source.js";
export { openReadingSource } from "./sources/open-reading-source.js";
export type { MalformedReading, ReadReadingsOptions, ReadingBatch, ReadingSource } from "./sources/reading-source.js";

// The run: windows a source into a SQL store, checkpointing with each write.
export { runAggregation } from "./pipeline/run-aggregation.js";
export type { AggregationProgress, AggregationSummary, RunAggregationOptions } from "./pipeline/run-aggregation.js";
export { AggregationError, isAggregationError } from "./pipeline/aggregation-error.js";
export type { AggregationErrorCode } from "./pipeline/aggregation-error.js";
