/**
 * The SQL text and parameters the SQL Server / Azure SQL store sends, as pure functions (unit-tested
 * without a server; no SQL Server can run on the test machines).
 */
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import { MIGRATIONS_TABLE } from "./migrations.js";
import type { WindowMeanRecord } from "./aggregate-store.js";
import type { ReadColumns, ReadPlan } from "./records.js";

/**
 * Rows per MERGE: a request takes at most 2,100 parameters and a row has 9, so 233 at most; 200 leaves
 * room and keeps a handful of statement shapes in the plan cache.
 */
export const MSSQL_MAX_BATCH_SIZE = 200;

/** Parameter types the store declares, by kind (the store maps them to mssql's sql.NVarChar(64) ...). */
export type MssqlParameterType = "id" | "time" | "int" | "bigint" | "float" | "checkpointName" | "text";

export interface MssqlParameter {
  readonly name: string;
  readonly type: MssqlParameterType;
  readonly value: string | number | Date | null;
}

const COLUMNS = ["device_id", "sensor_id", "window_start", "window_end", "[count]", "mean", "[min]", "[max]", "stddev"] as const;
/** One-letter parameter prefixes per column: d0, s0, a0, e0, c0, m0, l0, h0, v0 ... */
const PREFIXES = ["d", "s", "a", "e", "c", "m", "l", "h", "v"] as const;
const TYPES: readonly MssqlParameterType[] = ["id", "id", "time", "time", "int", "float", "float", "float", "float"];

/**
 * MERGE of `rows` rows given as a parameterised VALUES source (typed parameters: nvarchar(64), datetime2(3),
 * int, float), matched on the natural key. HOLDLOCK makes the match-then-insert atomic against a
 * concurrent writer of the same key (without it MERGE can race into a primary key violation).
 */
export function mssqlMergeAggregates(rows: number): string {
  if (!Number.isInteger(rows) || rows < 1 || rows > MSSQL_MAX_BATCH_SIZE) throw new RangeError(`rows must be 1-${MSSQL_MAX_BATCH_SIZE}, not ${rows}`);
  const values: string[] = [];
  for (let i = 0; i < rows; i++) values.push(`(${PREFIXES.map((p) => `@${p}${i}`).join(", ")})`);
  const list = COLUMNS.join(", ");
  return `MERGE window_aggregates WITH (HOLDLOCK) AS t
USING (VALUES ${values.join(",\n  ")}) AS s (${list})
ON t.window_end = s.window_end AND t.device_id = s.device_id AND t.sensor_id = s.sensor_id AND t.window_start = s.window_start
WHEN MATCHED AND (t.checkpoint_name IS NULL OR t.checkpoint_name = @writer) THEN UPDATE SET [count] = s.[count], mean = s.mean, [min] = s.[min], [max] = s.[max], stddev = s.stddev, checkpoint_name = @writer
WHEN NOT MATCHED THEN INSERT (${list}, checkpoint_name) VALUES (${COLUMNS.map((c) => `s.${c}`).join(", ")}, @writer);`;
}

/**
 * After a MERGE affected fewer rows than its batch (same parameters, same transaction): one window of the
 * batch that another checkpoint than @writer wrote.
 */
export function mssqlFindConflict(rows: number): string {
  const values: string[] = [];
  for (let i = 0; i < rows; i++) values.push(`(@d${i}, @s${i}, @a${i}, @e${i})`);
  return `SELECT TOP (1) t.device_id, t.sensor_id, t.window_start, t.window_end, t.checkpoint_name
FROM window_aggregates AS t JOIN (VALUES ${values.join(", ")}) AS s (device_id, sensor_id, window_start, window_end)
  ON t.window_end = s.window_end AND t.device_id = s.device_id AND t.sensor_id = s.sensor_id AND t.window_start = s.window_start
WHERE t.checkpoint_name IS NOT NULL AND (@writer IS NULL OR t.checkpoint_name <> @writer);`;
}

/**
 * The parameters of `mssqlMergeAggregates(batch.length)`: times as Date (sent as UTC datetime2(3)), and
 * `@writer`, the checkpoint of the write (null: none).
 */
export function mssqlMergeParameters(batch: readonly WindowAggregateRecord[], writer: string | null = null): MssqlParameter[] {
  const out: MssqlParameter[] = [];
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i]!;
    const values = [r.deviceId, r.sensorId, new Date(r.windowStartMs), new Date(r.windowEndMs), r.count, r.mean, r.min, r.max, r.stddev];
    for (let c = 0; c < PREFIXES.length; c++) out.push({ name: `${PREFIXES[c]}${i}`, type: TYPES[c]!, value: values[c]! });
  }
  out.push({ name: "writer", type: "checkpointName", value: writer });
  return out;
}

export const MSSQL_UPSERT_CHECKPOINT = `MERGE aggregator_checkpoints WITH (HOLDLOCK) AS t
USING (VALUES (@name, @position, @state)) AS s (name, position, state)
ON t.name = s.name
WHEN MATCHED THEN UPDATE SET position = s.position, state = s.state, updated_at = SYSUTCDATETIME()
WHEN NOT MATCHED THEN INSERT (name, position, state, updated_at) VALUES (s.name, s.position, s.state, SYSUTCDATETIME());`;

/**
 * Takes the migration lock for the rest of the transaction (waiting up to a minute), failing the batch
 * when it is not granted: sp_getapplock reports that in its return value, not as an error.
 */
export const MSSQL_MIGRATION_LOCK = `DECLARE @result int;
EXEC @result = sp_getapplock @Resource = N'${MIGRATIONS_TABLE}', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 60000;
IF @result < 0 THROW 50000, N'fleetscore: timed out waiting for the schema migration lock (${MIGRATIONS_TABLE})', 1;`;

export const MSSQL_MIGRATIONS_TABLE_EXISTS = `SELECT CASE WHEN OBJECT_ID(N'${MIGRATIONS_TABLE}', N'U') IS NULL THEN 0 ELSE 1 END AS present`;
export const MSSQL_SCHEMA_VERSION = `SELECT coalesce(max(version), 0) AS version FROM ${MIGRATIONS_TABLE}`;
export const MSSQL_RECORD_MIGRATION = `INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES (@version, @name)`;
export const MSSQL_WINDOW_SIZES = "SELECT window_ms FROM window_sizes ORDER BY window_ms";

/** Registers window sizes @w0, @w1 ... (bigint ms) a write brings, under the key lock (no duplicate race). */
export function mssqlAddWindowSizes(count: number): string {
  const values = Array.from({ length: count }, (_, i) => `(@w${i})`).join(", ");
  return `INSERT INTO window_sizes (window_ms)
SELECT s.window_ms FROM (VALUES ${values}) AS s (window_ms)
WHERE NOT EXISTS (SELECT 1 FROM window_sizes AS t WITH (UPDLOCK, HOLDLOCK) WHERE t.window_ms = s.window_ms);`;
}

/** One dead letter under @checkpoint, unless a replay stored it already. */
export const MSSQL_ADD_DEAD_LETTER = `INSERT INTO dead_letters (checkpoint_name, source_key, reason, body, received_at)
SELECT @checkpoint, @sourceKey, @reason, @body, @receivedAt
WHERE NOT EXISTS (SELECT 1 FROM dead_letters WITH (UPDLOCK, HOLDLOCK) WHERE checkpoint_name = @checkpoint AND source_key = @sourceKey);`;

export function mssqlReadDeadLetters(filtered: boolean): string {
  return `SELECT TOP (@limit) checkpoint_name, source_key, reason, body, received_at FROM dead_letters${filtered ? " WHERE checkpoint_name = @checkpoint" : ""}
ORDER BY received_at, checkpoint_name, source_key;`;
}

export const MSSQL_READ_CHECKPOINT = "SELECT name, position, state FROM aggregator_checkpoints WHERE name = @name";

/**
 * A page of the range, TOP (@pageSize) in key order. SQL Server has no row-value comparison, so the keyset
 * condition is spelled out, with `window_end >= @end` first so the clustered index seeks to the last key.
 * The models filter is one nvarchar(max) JSON parameter ([{"d": device, "s": sensor}, ...]) opened with
 * OPENJSON (compatibility level 130+, the default on Azure SQL): any number of models, one query shape,
 * no 2,100-parameter limit. Its columns are compared under the key columns' binary collation.
 */
export function mssqlSelectPage(first: boolean, filtered: boolean, columns: ReadColumns = "all"): string {
  const start = first
    ? "window_end >= @end"
    : "window_end >= @end AND (window_end > @end OR (window_end = @end AND (device_id > @device OR (device_id = @device AND sensor_id > @sensor))))";
  const models = filtered
    ? `
  AND EXISTS (SELECT 1 FROM OPENJSON(@models) WITH (d nvarchar(64) '$.d', s nvarchar(64) '$.s') AS m
    WHERE m.d COLLATE Latin1_General_100_BIN2 = a.device_id AND m.s COLLATE Latin1_General_100_BIN2 = a.sensor_id)`
    : "";
  const selected = columns === "all" ? "a.device_id, a.sensor_id, a.window_start, a.window_end, a.[count], a.mean, a.[min], a.[max], a.stddev" : "a.device_id, a.sensor_id, a.window_end, a.mean";
  return `SELECT TOP (@pageSize) ${selected}
FROM window_aggregates AS a
WHERE ${start} AND window_end <= @to AND DATEDIFF_BIG(millisecond, window_start, window_end) = @windowMs${models}
ORDER BY a.window_end, a.device_id, a.sensor_id;`;
}

/** The parameters of `mssqlSelectPage` for a plan, after `last` (undefined: the first page). */
export function mssqlSelectParameters(plan: ReadPlan, last: WindowMeanRecord | undefined, windowMs: number): MssqlParameter[] {
  const out: MssqlParameter[] = [
    { name: "pageSize", type: "int", value: plan.pageSize },
    { name: "windowMs", type: "bigint", value: windowMs },
    { name: "end", type: "time", value: new Date(last ? last.windowEndMs : plan.fromInclusiveMs) },
    { name: "to", type: "time", value: new Date(plan.toInclusiveMs) },
  ];
  if (last) out.push({ name: "device", type: "id", value: last.deviceId }, { name: "sensor", type: "id", value: last.sensorId });
  if (plan.models) out.push({ name: "models", type: "text", value: JSON.stringify(plan.models.map((m) => ({ d: m.deviceId, s: m.sensorId }))) });
  return out;
}
