/**
 * The event log's tables. Each entry of MIGRATIONS takes the schema from version i to i + 1; the file records
 * the versions applied in `event_log_schema`. Never edit a released entry: append a new one.
 *
 * Rows are kept compact (about 44 bytes an event on disk with short ids): one row per event, clustered
 * by (partition_id, sequence_number) so that a reader's "next events of partition p" is one range scan
 * of the primary key, and appends only ever add at the end of each partition's range. A partition's
 * head (last sequence number and enqueued time) is its last row, one index descent away: no counters
 * are kept elsewhere, so an append writes nothing but its events (small appends stay cheap).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the first layout.
  `
  CREATE TABLE event_hub (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    partition_count INTEGER NOT NULL,
    created_time_ms INTEGER NOT NULL
  );
  CREATE TABLE events (
    partition_id INTEGER NOT NULL,
    sequence_number INTEGER NOT NULL,
    enqueued_time_ms INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    sensor_id TEXT NOT NULL,
    -- The reading's ts as epoch ms; ts_text keeps the original text only when it is not exactly
    -- new Date(ts_ms).toISOString() (no milliseconds, or more than three fraction digits).
    ts_ms INTEGER NOT NULL,
    ts_text TEXT,
    value REAL NOT NULL,
    PRIMARY KEY (partition_id, sequence_number)
  ) WITHOUT ROWID;
  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY,
    enqueued_time_ms INTEGER NOT NULL,
    reason TEXT NOT NULL,
    -- What was given, as JSON.
    body TEXT NOT NULL
  );
  `,
];

/** The schema version this library writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export const SCHEMA_TABLE = "event_log_schema";
