export { LOG_LEVELS, createLogger, setLogLevel, getLogLevel, setLogSink, formatJsonLine } from "./logger.js";
export type { LogLevel, LogFields, LogRecord, LogSink, Logger } from "./logger.js";
