export type { EventOrderingAction, TimedReading, WindowingMetrics, WindowingOptions } from "./types.js";
export { TumblingWindowAggregator } from "./tumbling-window-aggregator.js";
export { WindowingError, isWindowingError, type WindowingErrorCode } from "./windowing-error.js";
export {
  DEFAULT_DUPLICATE_HORIZON_MS,
  DEFAULT_EVENT_ORDERING_ACTION,
  DEFAULT_LATE_ARRIVAL_TOLERANCE_MS,
  DEFAULT_OUT_OF_ORDER_TOLERANCE_MS,
  DEFAULT_WINDOW_SIZE_MS,
  resolveWindowingOptions,
  type ResolvedWindowingOptions,
} from "./windowing-options.js";
export { computeWindowStats, type WindowStats } from "./window-stats.js";
export { WINDOWING_SNAPSHOT_FORMAT } from "./windowing-snapshot.js";
