/**
 * Levels, most to least severe. `error`: unrecoverable; `warning`: an operation failed its task;
 * `info`: normal progress, about one line per batch; `verbose`: per-model detail.
 */
export const LOG_LEVELS = ["error", "warning", "info", "verbose"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of one log event (runId, shard, model, ...). */
export type LogFields = Readonly<Record<string, unknown>>;

export interface LogRecord {
  readonly time: string;
  readonly level: LogLevel;
  readonly namespace: string;
  readonly msg: string;
  readonly fields: LogFields;
}

/** Where records go. Only apps set one; libs just log. */
export type LogSink = (record: LogRecord) => void;

export interface Logger {
  readonly namespace: string;
  error(msg: string, fields?: LogFields): void;
  warning(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  verbose(msg: string, fields?: LogFields): void;
  /** True when a record of this level would be emitted: guards costly message building. */
  enabled(level: LogLevel): boolean;
}

let currentLevel: LogLevel | undefined;
let currentSink: LogSink | undefined;

function rank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/**
 * Sets the most verbose level emitted; `undefined` turns logging off (the default, so libraries stay
 * silent unless an app opts in).
 * @throws RangeError for an unknown level, listing the allowed ones.
 */
export function setLogLevel(level: string | undefined): void {
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(`Unknown log level "${level}"; expected one of ${LOG_LEVELS.join(", ")}`);
  }
  currentLevel = level as LogLevel | undefined;
}

export function getLogLevel(): LogLevel | undefined {
  return currentLevel;
}

/** Sends every emitted record to `sink` (replacing the previous one); `undefined` drops them. */
export function setLogSink(sink: LogSink | undefined): void {
  currentSink = sink;
}

/** The one convention for namespaces: `fleetscore:` and the project's name (`fleetscore:sql-aggregates`). */
const NAMESPACE = /^fleetscore:[a-z][a-z0-9-]*$/;

/**
 * A logger for one namespace, `fleetscore:<project>` (e.g. `fleetscore:model-store`), so a filter on one
 * prefix catches every record and `ns` names the project that logged it.
 * @throws RangeError for a namespace of another form.
 */
export function createLogger(namespace: string): Logger {
  if (!NAMESPACE.test(namespace)) {
    throw new RangeError(`Logger namespace "${namespace}" must be "fleetscore:<project>" (lowercase letters, digits, hyphens)`);
  }
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (currentLevel === undefined || currentSink === undefined || rank(level) > rank(currentLevel)) return;
    currentSink({ time: new Date().toISOString(), level, namespace, msg, fields });
  };
  return {
    namespace,
    error: (msg, fields) => emit("error", msg, fields),
    warning: (msg, fields) => emit("warning", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    verbose: (msg, fields) => emit("verbose", msg, fields),
    enabled: (level) => currentLevel !== undefined && currentSink !== undefined && rank(level) <= rank(currentLevel),
  };
}

/** One JSON object per line: `{ time, level, ns, msg, ...fields }`, as apps write to stderr. */
export function formatJsonLine(record: LogRecord): string {
  return JSON.stringify({ time: record.time, level: record.level, ns: record.namespace, msg: record.msg, ...record.fields });
}
