export {
  MAX_LATE_ARRIVAL_DELAY_SECONDS,
  MAX_STREAM_ANALYTICS_WINDOW_MS,
  STREAM_ANALYTICS_GENERATE_COMMAND,
  streamAnalyticsJobSettings,
  streamAnalyticsQuery,
  type StreamAnalyticsJobSettings,
  type StreamAnalyticsQueryOptions,
} from "./stream-analytics-query.js";
