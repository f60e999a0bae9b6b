// Tumbling windows with Stream Analytics' semantics, and the equivalent Stream Analytics job.
export * from "./windowing/index.js";
export * from "./stream-analytics/index.js";
export { toWindowAggregate } from "./window-aggregate-record.js";
export type { WindowAggregateRecord } from "./window-aggregate-record.js";
