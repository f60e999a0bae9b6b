import type { OperationOptions } from "@fleetscore/contracts";
import type { Pool, PoolClient, QueryConfig } from "pg";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import { throwIfAborted } from "./aggregate-store-error.js";
import type { AggregatorCheckpoint, StoredDeadLetter } from "./aggregate-store.js";
import { describeLocation, type PostgresLocation } from "./location.js";
import { logger } from "./log.js";
import { mapPostgresError, type SqlErrorContext } from "./map-sql-error.js";
import { applyMigrations, MIGRATIONS_TABLE, type MigrationSession } from "./migrations.js";
import { checkBatchSize, upsertBatches, toStoredDeadLetter, windowSizesOf, writeConflict, aggregateRowToRecord, meanRowToRecord, type AggregateRow, type DeadLetterRow, type MeanRow, type ReadColumns, type PlannedWrite, type ReadPlan } from "./records.js";
import { SqlAggregateStore, type FetchPage } from "./sql-aggregate-store.js";

export interface OpenPostgresStoreOptions extends OperationOptions {
  readonly migrate: boolean;
  /** Records per INSERT statement (default 5,000). */
  readonly batchSize?: number;
  /** Overrides the URL's password. */
  readonly password?: string;
  /** Pool size (default 4). */
  readonly maxConnections?: number;
}

export const DEFAULT_POSTGRES_BATCH_SIZE = 5_000;

/**
 * The key of the transaction-scoped advisory lock that serialises migrations ("fleetsco" in ASCII):
 * any constant works as long as every fleetscore version uses the same one.
 */
const MIGRATION_LOCK_KEY = "7380958467030557551";

/**
 * One statement per batch, whatever its size: nine array parameters that unnest() turns into rows. The
 * text never changes, so it is a named prepared statement, parsed and planned once per connection.
 * Times travel as int8 epoch ms and become timestamptz exactly: whole seconds through to_timestamp
 * (an integral double, exact) plus the remaining ms as an interval (integer arithmetic); floats travel
 * as array literals we write ourselves (see floatArray).
 */
export const POSTGRES_UPSERT = `INSERT INTO window_aggregates AS t (device_id, sensor_id, window_start, window_end, count, mean, min, max, stddev, checkpoint_name)
SELECT device_id, sensor_id,
  to_timestamp(start_ms / 1000) + (start_ms % 1000) * interval '1 millisecond',
  to_timestamp(end_ms / 1000) + (end_ms % 1000) * interval '1 millisecond',
  count, mean, min, max, stddev, $10::text
FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int4[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
  AS u(device_id, sensor_id, start_ms, end_ms, count, mean, min, max, stddev)
ON CONFLICT (device_id, sensor_id, window_end, window_start) DO UPDATE SET
  count = EXCLUDED.count, mean = EXCLUDED.mean,
  min = EXCLUDED.min, max = EXCLUDED.max, stddev = EXCLUDED.stddev, checkpoint_name = EXCLUDED.checkpoint_name
WHERE t.checkpoint_name IS NULL OR t.checkpoint_name IS NOT DISTINCT FROM EXCLUDED.checkpoint_name`;

/**
 * After POSTGRES_UPSERT wrote fewer rows than it was given (in the same transaction): one window of the
 * batch ($1 devices, $2 sensors, $3 start ms, $4 end ms, as in the upsert) that another checkpoint ($5) wrote.
 */
const POSTGRES_FIND_CONFLICT = `SELECT u.device_id, u.sensor_id, u.start_ms::float8, u.end_ms::float8, t.checkpoint_name
FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[]) AS u(device_id, sensor_id, start_ms, end_ms)
JOIN window_aggregates t ON t.device_id = u.device_id AND t.sensor_id = u.sensor_id
  AND t.window_end = to_timestamp(u.end_ms / 1000) + (u.end_ms % 1000) * interval '1 millisecond'
  AND t.window_start = to_timestamp(u.start_ms / 1000) + (u.start_ms % 1000) * interval '1 millisecond'
WHERE t.checkpoint_name IS DISTINCT FROM $5::text LIMIT 1`;

/** The batch's dead letters ($2-$5 arrays) under checkpoint $1; a replayed batch's are stored once. */
const ADD_DEAD_LETTERS = `INSERT INTO dead_letters (checkpoint_name, source_key, reason, body, received_at)
SELECT $1::text, source_key, reason, body, to_timestamp(received_ms / 1000) + (received_ms % 1000) * interval '1 millisecond'
FROM unnest($2::text[], $3::text[], $4::text[], $5::int8[]) AS u(source_key, reason, body, received_ms)
ON CONFLICT DO NOTHING`;

const DEAD_LETTER_SELECT = `SELECT checkpoint_name, source_key, reason, body, round(extract(epoch FROM received_at) * 1000)::float8 FROM dead_letters`;

/** Registers the window sizes ($1, ms) a write brings. */
const ADD_WINDOW_SIZES = `INSERT INTO window_sizes (window_ms) SELECT unnest($1::int8[]) ON CONFLICT DO NOTHING`;

const UPSERT_CHECKPOINT = `INSERT INTO aggregator_checkpoints (name, position, state, updated_at) VALUES ($1, $2, $3, now())
ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`;

/**
 * Times are read as epoch ms float8 (exact: extract() is numeric since PostgreSQL 14, and round() covers
 * the double of older versions), which spares a Date per value.
 */
const SELECT_COLUMNS: Record<ReadColumns, string> = {
  all: `device_id, sensor_id, round(extract(epoch FROM window_start) * 1000)::float8, round(extract(epoch FROM window_end) * 1000)::float8,
  count, mean, min, max, stddev`,
  means: "device_id, sensor_id, round(extract(epoch FROM window_end) * 1000)::float8, mean",
};

/**
 * A page of the range: the first starts at a bound, the next ones after the last key read (a row
 * comparison the (window_end, device_id, sensor_id) index serves directly). The models filter is two
 * text arrays unnested into a set PostgreSQL hashes once: any number of models, one query shape.
 */
export function postgresSelectPage(first: boolean, filtered: boolean, columns: ReadColumns = "all"): string {
  // $1 window end (first: the lower bound), $2 upper bound, $3 page size, $4 window size (ms), then the
  // last key's device and sensor (next pages), then the models' devices and sensors (filtered). Within one
  // window size, (window_end, device_id, sensor_id) is unique.
  const start = first ? "window_end >= $1::timestamptz" : "(window_end, device_id, sensor_id) > ($1::timestamptz, $5::text, $6::text)";
  const models = filtered ? `AND (device_id, sensor_id) IN (SELECT * FROM unnest($${first ? 5 : 7}::text[], $${first ? 6 : 8}::text[]))` : "";
  return `SELECT ${SELECT_COLUMNS[columns]} FROM window_aggregates
WHERE ${start} AND window_end <= $2::timestamptz AND window_start = window_end - $4::int8 * interval '1 millisecond' ${models}
ORDER BY window_end, device_id, sensor_id LIMIT $3`;
}

/**
 * A PostgreSQL array literal of float8 that keeps every value exact: String() gives the shortest text
 * that reads back as the same double (float8in parses it exactly), and -0 is written as "-0", which
 * String() would lose.
 */
export function floatArray(values: readonly number[]): string {
  let text = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) text += ",";
    text += Object.is(v, -0) ? "-0" : String(v);
  }
  return `${text}}`;
}

/**
 * An array literal of ids, every element quoted (an unquoted NULL would be read as null). Ids were checked
 * against the contract's characters (A-Z a-z 0-9 . -), so none needs escaping; building the literal here
 * is several times faster than letting node-postgres escape each element.
 */
const idArray = (values: readonly string[]): string => (values.length === 0 ? "{}" : `{"${values.join('","')}"}`);

/** An array literal of integers (times in ms, counts): their decimal text is exact. */
const integerArray = (values: readonly number[]): string => `{${values.join(",")}}`;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The nine array parameters of POSTGRES_UPSERT for a batch of checked records. */
export function upsertParameters(batch: readonly WindowAggregateRecord[]): string[] {
  const n = batch.length;
  const devices = new Array<string>(n);
  const sensors = new Array<string>(n);
  const starts = new Array<number>(n);
  const ends = new Array<number>(n);
  const counts = new Array<number>(n);
  const means = new Array<number>(n);
  const mins = new Array<number>(n);
  const maxs = new Array<number>(n);
  const stddevs = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = batch[i]!;
    devices[i] = r.deviceId;
    sensors[i] = r.sensorId;
    starts[i] = r.windowStartMs;
    ends[i] = r.windowEndMs;
    counts[i] = r.count;
    means[i] = r.mean;
    mins[i] = r.min;
    maxs[i] = r.max;
    stddevs[i] = r.stddev;
  }
  return [idArray(devices), idArray(sensors), integerArray(starts), integerArray(ends), integerArray(counts), floatArray(means), floatArray(mins), floatArray(maxs), floatArray(stddevs)];
}

/**
 * Window aggregates in PostgreSQL through node-postgres (a small pool). Each write is one transaction of
 * batched multi-row upserts plus the checkpoint. If the connection drops during COMMIT the outcome is
 * unknown and the write fails `Unavailable`: writing the same records again is harmless (upserts).
 */
export class PostgresAggregateStore extends SqlAggregateStore {
  readonly dialect = "postgres" as const;
  readonly #pool: Pool;
  readonly #batchSize: number;

  private constructor(pool: Pool, location: PostgresLocation, batchSize: number) {
    super(location);
    this.#pool = pool;
    this.#batchSize = batchSize;
  }

  /**
   * Connects, then migrates under `pg_advisory_xact_lock` (or checks the version with `migrate: false`).
   * @throws AggregateStoreError `Unavailable` (naming host:port and database), `AuthenticationFailed`,
   * `InvalidLocation` (no such database), `SchemaTooNew`, `SchemaOutdated`, `MigrationFailed`.
   */
  static async open(location: PostgresLocation, options: OpenPostgresStoreOptions): Promise<PostgresAggregateStore> {
    const batchSize = checkBatchSize(options.batchSize ?? DEFAULT_POSTGRES_BATCH_SIZE);
    // Loaded here: SQLite and SQL Server users never load pg.
    const { default: pg } = await import("pg");
    const where = describeLocation(location);
    const pool = new pg.Pool({
      host: location.host,
      port: location.port,
      database: location.database,
      ...(location.user !== undefined ? { user: location.user } : {}),
      ...((options.password ?? location.password) !== undefined ? { password: options.password ?? location.password } : {}),
      ssl: location.sslMode === "disable" ? false : { rejectUnauthorized: location.sslMode === "verify-full" },
      application_name: location.applicationName,
      connectionTimeoutMillis: location.connectTimeoutInMs,
      max: options.maxConnections ?? 4,
      idleTimeoutMillis: 10_000,
      // An app that forgets close() can still exit once its connections are idle.
      allowExitOnIdle: true,
    });
    // An idle connection that dies (server restart) is dropped by the pool; without a listener the
    // 'error' event would crash the process.
    pool.on("error", (e) => logger.warning("idle PostgreSQL connection failed; the pool replaces it", { where, error: (e as Error).message }));
    // Float8 text must round-trip exactly whatever the server's setting: 3 gives the shortest exact text on
    // PostgreSQL 12+ and 17 significant digits before. Queued before any query of the new connection.
    pool.on("connect", (client) => void client.query("SET extra_float_digits = 3").catch(() => undefined));
    const store = new PostgresAggregateStore(pool, location, batchSize);
    try {
      throwIfAborted(options.abortSignal);
      await store.#migrate(options.migrate);
      return store;
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw mapPostgresError(e, { where, activity: options.migrate ? "opening and migrating" : "opening", fallback: "MigrationFailed" });
    }
  }

  async #migrate(migrate: boolean): Promise<number> {
    const client = await this.#pool.connect();
    const broken = this.#watch(client);
    try {
      const session: MigrationSession = {
        begin: async () => {
          await client.query("BEGIN");
          // Held until COMMIT / ROLLBACK: a second opener waits here, then finds the migrations applied.
          await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
        },
        run: async (sql) => void (await client.query(sql)),
        version: () => this.#version(client),
        recordApplied: async (m) => void (await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [m.version, m.name])),
        commit: async () => void (await client.query("COMMIT")),
        rollback: async () => void (broken.error ? undefined : await client.query("ROLLBACK")),
      };
      return await applyMigrations("postgres", session, { migrate, where: this.where });
    } finally {
      broken.release();
    }
  }

  async #version(queryable: Pool | PoolClient): Promise<number> {
    const { rows } = await queryable.query<{ present: boolean }>(`SELECT to_regclass('${MIGRATIONS_TABLE}') IS NOT NULL AS present`);
    if (!rows[0]?.present) return 0;
    const result = await queryable.query<{ v: number }>(`SELECT coalesce(max(version), 0)::int AS v FROM ${MIGRATIONS_TABLE}`);
    return result.rows[0]?.v ?? 0;
  }

  /**
   * Keeps a checked-out client's 'error' event (connection lost while we hold it) from crashing the
   * process, and releases it afterwards, destroying it when it broke.
   */
  #watch(client: PoolClient): { readonly error: Error | undefined; release(): void } {
    const state: { error: Error | undefined } = { error: undefined };
    const onError = (e: Error): void => {
      state.error = e;
    };
    client.on("error", onError);
    return {
      get error() {
        return state.error;
      },
      release: () => {
        client.off("error", onError);
        client.release(state.error ?? false);
      },
    };
  }

  protected mapError(e: unknown, context: SqlErrorContext): Error {
    return mapPostgresError(e, context);
  }

  protected async writePlanned({ aggregates, checkpoint, deadLetters, abortSignal }: PlannedWrite): Promise<void> {
    const client = await this.#pool.connect();
    const broken = this.#watch(client);
    let open = false;
    try {
      await client.query("BEGIN");
      open = true;
      for (const batch of upsertBatches(aggregates, this.#batchSize, abortSignal)) {
        const values = upsertParameters(batch);
        const writer = checkpoint?.name ?? null;
        const query: QueryConfig = { name: "fleetscore_upsert_aggregates", text: POSTGRES_UPSERT, values: [...values, writer] };
        const result = await client.query(query);
        if ((result.rowCount ?? 0) < batch.length) {
          const found = await client.query<[string, string, number, number, string | null]>({ text: POSTGRES_FIND_CONFLICT, values: [values[0], values[1], values[2], values[3], writer], rowMode: "array" });
          const first = batch[0]!;
          const [deviceId, sensorId, windowStartMs, windowEndMs, existing] = found.rows[0] ?? [first.deviceId, first.sensorId, first.windowStartMs, first.windowEndMs, null];
          throw writeConflict(this.where, { deviceId, sensorId, windowStartMs, windowEndMs }, existing, checkpoint?.name);
        }
      }
      if (aggregates.length > 0) {
        await client.query({ name: "fleetscore_add_window_sizes", text: ADD_WINDOW_SIZES, values: [integerArray(windowSizesOf(aggregates))] });
      }
      if (deadLetters.length > 0) {
        // Texts travel as real array parameters (node-postgres escapes them): they are arbitrary input.
        await client.query({
          name: "fleetscore_add_dead_letters",
          text: ADD_DEAD_LETTERS,
          values: [checkpoint!.name, deadLetters.map((d) => d.sourceKey), deadLetters.map((d) => d.reason), deadLetters.map((d) => d.body), integerArray(deadLetters.map((d) => d.receivedAtMs))],
        });
      }
      if (checkpoint) {
        await client.query({ name: "fleetscore_upsert_checkpoint", text: UPSERT_CHECKPOINT, values: [checkpoint.name, checkpoint.position, checkpoint.state] });
      }
      throwIfAborted(abortSignal);
      open = false;
      await client.query("COMMIT");
    } catch (e) {
      if (open && !broken.error) await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      broken.release();
    }
  }

  protected async selectCheckpoint(name: string): Promise<AggregatorCheckpoint | undefined> {
    const { rows } = await this.#pool.query<AggregatorCheckpoint>({
      name: "fleetscore_read_checkpoint",
      text: "SELECT name, position, state FROM aggregator_checkpoints WHERE name = $1",
      values: [name],
    });
    return rows[0];
  }

  protected pageQuery(plan: ReadPlan, columns: ReadColumns): FetchPage {
    const filtered = plan.models !== undefined;
    const models = plan.models ? [plan.models.map((m) => m.deviceId), plan.models.map((m) => m.sensorId)] : [];
    const to = iso(plan.toInclusiveMs);
    return async (last, windowMs) => {
      const first = last === undefined;
      const values: unknown[] = [iso(last ? last.windowEndMs : plan.fromInclusiveMs), to, plan.pageSize, windowMs];
      if (last) values.push(last.deviceId, last.sensorId);
      values.push(...models);
      const result = await this.#pool.query<AggregateRow | MeanRow>({
        name: `fleetscore_read_${columns}_${first ? "first" : "next"}${filtered ? "_models" : ""}`,
        text: postgresSelectPage(first, filtered, columns),
        values,
        rowMode: "array",
      });
      return columns === "all" ? (result.rows as AggregateRow[]).map(aggregateRowToRecord) : (result.rows as MeanRow[]).map(meanRowToRecord);
    };
  }

  protected async selectDeadLetters(checkpointName: string | undefined, limit: number): Promise<StoredDeadLetter[]> {
    const filter = checkpointName === undefined ? "" : "WHERE checkpoint_name = $2";
    const { rows } = await this.#pool.query<DeadLetterRow>({
      text: `${DEAD_LETTER_SELECT} ${filter} ORDER BY received_at, checkpoint_name, source_key LIMIT $1`,
      values: checkpointName === undefined ? [limit] : [limit, checkpointName],
      rowMode: "array",
    });
    return rows.map(toStoredDeadLetter);
  }

  protected async selectWindowSizes(): Promise<number[]> {
    const { rows } = await this.#pool.query<[string]>({ name: "fleetscore_window_sizes", text: "SELECT window_ms FROM window_sizes ORDER BY window_ms", rowMode: "array" });
    return rows.map((r) => Number(r[0]));
  }

  protected selectSchemaVersion(): Promise<number> {
    return this.#version(this.#pool);
  }

  protected async closeConnections(): Promise<void> {
    await this.#pool.end();
  }
}
