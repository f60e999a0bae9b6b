import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { AggregateStoreError, isAggregateStoreError } from "./aggregate-store-error.js";
import type { AggregatorCheckpoint, StoredDeadLetter } from "./aggregate-store.js";
import { describeLocation, type SqliteLocation } from "./location.js";
import { mapSqliteError, type SqlErrorContext } from "./map-sql-error.js";
import { applyMigrationsSync, MIGRATIONS_TABLE, type SyncMigrationSession } from "./migrations.js";
import { checkRecord, toStoredDeadLetter, windowSizesOf, writeConflict, aggregateRowToRecord, type AggregateRow, type DeadLetterRow, type ReadColumns, type PlannedWrite, type ReadPlan } from "./records.js";
import { decodeMeansPage, meansPageQuery, type MeansPageRow } from "./sqlite-means-page.js";
import { SqlAggregateStore, type FetchPage } from "./sql-aggregate-store.js";

export interface OpenSqliteStoreOptions {
  readonly migrate: boolean;
  /** How long a statement waits for another connection's lock before SQLITE_BUSY (`Unavailable`). Default 10,000. */
  readonly busyTimeoutInMs?: number;
}

type Db = BetterSqlite3.Database;

const COLUMNS = "device_id, sensor_id, window_start, window_end, count, mean, min, max, stddev";
/** Updates a window only when this write's checkpoint wrote it (or nobody known did): 0 changes is a conflict. */
const UPSERT = `INSERT INTO window_aggregates (${COLUMNS}, checkpoint_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (window_end, device_id, sensor_id, window_start) DO UPDATE SET
  count = excluded.count, mean = excluded.mean,
  min = excluded.min, max = excluded.max, stddev = excluded.stddev, checkpoint_name = excluded.checkpoint_name
WHERE window_aggregates.checkpoint_name IS NULL OR window_aggregates.checkpoint_name IS excluded.checkpoint_name`;
const WRITER_OF = "SELECT checkpoint_name FROM window_aggregates WHERE window_end = ? AND device_id = ? AND sensor_id = ? AND window_start = ?";
const ADD_WINDOW_SIZE = "INSERT INTO window_sizes (window_ms) VALUES (?) ON CONFLICT DO NOTHING";
const WINDOW_SIZES = "SELECT window_ms FROM window_sizes ORDER BY window_ms";
/** A replayed batch meets its dead letters again: the first one stored stays. */
const ADD_DEAD_LETTER = "INSERT INTO dead_letters (checkpoint_name, source_key, reason, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
const DEAD_LETTER_COLUMNS = "checkpoint_name, source_key, reason, body, received_at";
const DEAD_LETTER_ORDER = "ORDER BY received_at, checkpoint_name, source_key LIMIT ?";
const UPSERT_CHECKPOINT = `INSERT INTO aggregator_checkpoints (name, position, state, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at`;
/**
 * The models filter is one JSON parameter ([[device, sensor], ...]) that SQLite turns into an ephemeral
 * index once per statement: any number of models, one query shape.
 */
const MODELS_FILTER = "AND (device_id, sensor_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))";

/** What a read of each kind selects. */
const READ_COLUMNS: Record<ReadColumns, string> = { all: COLUMNS, means: "device_id, sensor_id, window_end, mean" };

function selectPage(first: boolean, filtered: boolean, columns: ReadColumns): string {
  // The first page starts at a bound; later ones after the last key read (keyset paging on the primary
  // key; within one window size, (window_end, device_id, sensor_id) is unique).
  const start = first ? "window_end >= ?" : "(window_end, device_id, sensor_id) > (?, ?, ?)";
  const rows = `SELECT ${READ_COLUMNS[columns]} FROM window_aggregates
WHERE ${start} AND window_end <= ? AND window_end - window_start = ? ${filtered ? MODELS_FILTER : ""}
ORDER BY window_end, device_id, sensor_id LIMIT ?`;
  return columns === "means" ? meansPageQuery(rows) : rows;
}

/**
 * Window aggregates in a SQLite file (or memory) through better-sqlite3: the embedded default. Statements
 * run synchronously on one connection, so a write blocks the event loop for its duration (about 2 s per
 * million records here); that is what makes it fast, and the aggregator writes from one loop anyway.
 * File databases use WAL with synchronous=NORMAL: a committed write survives a crash of the process
 * (not necessarily of the machine), and readers in other processes do not block the writer.
 */
export class SqliteAggregateStore extends SqlAggregateStore {
  readonly dialect = "sqlite" as const;
  readonly #db: Db;
  readonly #statements = new Map<string, BetterSqlite3.Statement<unknown[], unknown>>();

  private constructor(db: Db, location: SqliteLocation) {
    super(location);
    this.#db = db;
  }

  /**
   * Opens (creating the file and its folder when missing) and migrates. With `migrate: false` (readers) a
   * missing file is a database without the schema (`SchemaOutdated`, as on every dialect), and nothing is created.
   * @throws AggregateStoreError `InvalidLocation`, `Unavailable` (locked beyond the busy timeout), `SchemaTooNew` ...
   */
  static async open(location: SqliteLocation, options: OpenSqliteStoreOptions): Promise<SqliteAggregateStore> {
    // Loaded here, not at the top: PostgreSQL and SQL Server users never load the native module.
    const { default: Database } = await import("better-sqlite3");
    const context: SqlErrorContext = { where: describeLocation(location), activity: "opening", fallback: "InvalidLocation" };
    if (!location.memory && !options.migrate && !existsSync(location.path)) {
      throw new AggregateStoreError(`${context.where} does not exist: no schema, nothing aggregated into it yet (the aggregator creates and migrates it)`, "SchemaOutdated");
    }
    let db: Db | undefined;
    try {
      if (!location.memory && options.migrate) mkdirSync(dirname(location.path), { recursive: true });
      db = new Database(location.memory ? ":memory:" : location.path, { timeout: options.busyTimeoutInMs ?? 10_000, fileMustExist: !options.migrate });
      if (!location.memory) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
      }
      const store = new SqliteAggregateStore(db, location);
      // Synchronous from BEGIN IMMEDIATE to COMMIT: yielding while holding the lock would let another
      // store of this process block the thread in its busy wait, and neither could finish.
      applyMigrationsSync("sqlite", store.#migrationSession(), { migrate: options.migrate, where: store.where });
      return store;
    } catch (e) {
      db?.close();
      if (e instanceof Error && "code" in e && typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) {
        // mkdir failed (EACCES, ENOTDIR ...).
        throw new AggregateStoreError(`${context.where}: cannot create its folder (${e.code}: ${e.message})`, "InvalidLocation", { cause: e });
      }
      throw mapSqliteError(e, { ...context, activity: "opening and migrating", fallback: "MigrationFailed" });
    }
  }

  #migrationSession(): SyncMigrationSession {
    const db = this.#db;
    return {
      // IMMEDIATE takes the write lock now, so another connection opening the same file waits here
      // (up to the busy timeout) and then finds the migrations applied.
      begin: () => void db.exec("BEGIN IMMEDIATE"),
      run: (sql) => void db.exec(sql),
      version: () => this.#version(),
      recordApplied: (m) =>
        void db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(m.version, m.name, new Date().toISOString()),
      commit: () => void db.exec("COMMIT"),
      rollback: () => {
        if (db.inTransaction) db.exec("ROLLBACK");
      },
    };
  }

  #version(): number {
    const exists = this.#db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
    if (!exists) return 0;
    const row = this.#db.prepare(`SELECT coalesce(max(version), 0) AS v FROM ${MIGRATIONS_TABLE}`).get() as { v: number };
    return row.v;
  }

  #statement(sql: string): BetterSqlite3.Statement<unknown[], unknown> {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** A statement on a connection closed under it (better-sqlite3 says so only in a TypeError's text) is `Closed`. */
  protected mapError(e: unknown, context: SqlErrorContext): Error {
    if (!this.#db.open && !isAggregateStoreError(e)) return new AggregateStoreError(`${this.where} is closed`, "Closed", { cause: e });
    return mapSqliteError(e, context);
  }

  protected async writePlanned({ aggregates, checkpoint, deadLetters }: PlannedWrite): Promise<void> {
    const upsert = this.#statement(UPSERT);
    const upsertCheckpoint = this.#statement(UPSERT_CHECKPOINT);
    const writer = checkpoint?.name ?? null;
    // Records are checked inside the transaction, one by one as they are written: an invalid one rolls
    // back everything before it, checkpoint included.
    const run = this.#db.transaction(() => {
      for (let i = 0; i < aggregates.length; i++) {
        const r = aggregates[i]!;
        checkRecord(r, i);
        const { changes } = upsert.run(r.deviceId, r.sensorId, r.windowStartMs, r.windowEndMs, r.count, r.mean, r.min, r.max, r.stddev, writer);
        if (changes === 0) {
          const existing = (this.#statement(WRITER_OF).get(r.windowEndMs, r.deviceId, r.sensorId, r.windowStartMs) as { checkpoint_name: string | null }).checkpoint_name;
          throw writeConflict(this.where, r, existing, checkpoint?.name);
        }
      }
      const addWindowSize = this.#statement(ADD_WINDOW_SIZE);
      for (const size of windowSizesOf(aggregates)) addWindowSize.run(size);
      const addDeadLetter = this.#statement(ADD_DEAD_LETTER);
      for (const d of deadLetters) addDeadLetter.run(checkpoint!.name, d.sourceKey, d.reason, d.body, d.receivedAtMs);
      if (checkpoint) upsertCheckpoint.run(checkpoint.name, checkpoint.position, checkpoint.state, Date.now());
    });
    run.immediate();
  }

  protected selectCheckpoint(name: string): AggregatorCheckpoint | undefined {
    return this.#statement("SELECT name, position, state FROM aggregator_checkpoints WHERE name = ?").get(name) as AggregatorCheckpoint | undefined;
  }

  protected pageQuery(plan: ReadPlan, columns: ReadColumns): FetchPage {
    const filtered = plan.models !== undefined;
    const models = plan.models ? JSON.stringify(plan.models.map((m) => [m.deviceId, m.sensorId])) : undefined;
    return (last, windowMs) => {
      const statement = this.#statement(selectPage(last === undefined, filtered, columns)).raw(true);
      const params: unknown[] = last === undefined ? [plan.fromInclusiveMs] : [last.windowEndMs, last.deviceId, last.sensorId];
      params.push(plan.toInclusiveMs, windowMs);
      if (models !== undefined) params.push(models);
      params.push(plan.pageSize);
      if (columns === "means") return decodeMeansPage(statement.get(...params) as MeansPageRow, this.where);
      return (statement.all(...params) as AggregateRow[]).map(aggregateRowToRecord);
    };
  }

  protected selectDeadLetters(checkpointName: string | undefined, limit: number): StoredDeadLetter[] {
    const where = checkpointName === undefined ? "" : "WHERE checkpoint_name = ?";
    const statement = this.#statement(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters ${where} ${DEAD_LETTER_ORDER}`).raw(true);
    const rows = (checkpointName === undefined ? statement.all(limit) : statement.all(checkpointName, limit)) as DeadLetterRow[];
    return rows.map(toStoredDeadLetter);
  }

  protected selectWindowSizes(): number[] {
    return (this.#statement(WINDOW_SIZES).raw(true).all() as [number][]).map((r) => r[0]);
  }

  protected selectSchemaVersion(): number {
    return this.#version();
  }

  protected closeConnections(): void {
    this.#statements.clear();
    this.#db.close();
  }
}
