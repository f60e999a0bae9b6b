import { AggregateStoreError, isAggregateStoreError } from "./aggregate-store-error.js";
import type { SqlDialect } from "./aggregate-store.js";

/** One schema change, as the statements each dialect runs (in order, in the migration's transaction). */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: Readonly<Record<SqlDialect, readonly string[]>>;
}

/** The table that records applied migrations, per dialect (created if missing, under the migration lock). */
export const MIGRATIONS_TABLE = "fleetscore_schema_migrations";

export const CREATE_MIGRATIONS_TABLE: Readonly<Record<SqlDialect, string>> = {
  sqlite: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL -- ISO-8601 UTC: only people read it
) STRICT`,
  postgres: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version integer NOT NULL PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`,
  mssql: `IF OBJECT_ID(N'${MIGRATIONS_TABLE}', N'U') IS NULL
CREATE TABLE ${MIGRATIONS_TABLE} (
  version int NOT NULL CONSTRAINT PK_${MIGRATIONS_TABLE} PRIMARY KEY,
  name nvarchar(200) NOT NULL,
  applied_at datetime2(3) NOT NULL CONSTRAINT DF_${MIGRATIONS_TABLE}_applied_at DEFAULT SYSUTCDATETIME()
)`,
};

/** The SQLite window_aggregates columns as version 1 created them; version 3 rebuilds the table with the same ones. */
const SQLITE_AGGREGATE_COLUMNS = `device_id TEXT NOT NULL,
  sensor_id TEXT NOT NULL,
  window_start INTEGER NOT NULL, -- epoch ms UTC, exclusive
  window_end INTEGER NOT NULL,   -- epoch ms UTC, inclusive
  count INTEGER NOT NULL,
  mean ANY NOT NULL,             -- float64; ANY keeps -0 (see migrations.ts)
  min ANY NOT NULL,
  max ANY NOT NULL,
  stddev ANY NOT NULL,`;

/**
 * The schema, version by version. Never edit a released migration: add the next one.
 *
 * Version 1: `window_aggregates` keyed by (device_id, sensor_id, window_end) and readable in
 * (window_end, device_id, sensor_id) order, and `aggregator_checkpoints`.
 * - SQLite: one WITHOUT ROWID table clustered on (window_end, device_id, sensor_id): the same natural key
 *   as a unique set, and the read order itself, so no second b-tree is maintained (measured: about 1.7x the
 *   upsert rate and 1.7x the read rate of a device-first key plus a window_end index). Times are INTEGER
 *   epoch ms UTC (`datetime(window_end / 1000, 'unixepoch')` shows them). The statistics are declared ANY in a
 *   STRICT table rather than REAL: SQLite stores an integral REAL as an integer on disk, which turns -0 into 0;
 *   ANY keeps the float64 bound exactly, and the store only binds finite numbers.
 * - PostgreSQL: timestamptz (microseconds; ms round-trip exactly), double precision, ids `COLLATE "C"` so
 *   keys order by code point as in JavaScript and every other dialect, whatever the database's locale.
 * - SQL Server / Azure SQL: datetime2(3), float, nvarchar(64) with a binary collation (case-sensitive keys,
 *   code point order); clustered on (window_end, device_id, sensor_id) so range reads are sequential and
 *   new windows append, with the natural key as a nonclustered primary key.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "window_aggregates and aggregator_checkpoints",
    statements: {
      sqlite: [
        `CREATE TABLE window_aggregates (
  ${SQLITE_AGGREGATE_COLUMNS}
  PRIMARY KEY (window_end, device_id, sensor_id)
) STRICT, WITHOUT ROWID`,
        `CREATE TABLE aggregator_checkpoints (
  name TEXT NOT NULL PRIMARY KEY,
  position TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL -- epoch ms UTC
) STRICT`,
      ],
      postgres: [
        `CREATE TABLE window_aggregates (
  device_id varchar(64) COLLATE "C" NOT NULL,
  sensor_id varchar(64) COLLATE "C" NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  count integer NOT NULL,
  mean double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  stddev double precision NOT NULL,
  CONSTRAINT window_aggregates_pkey PRIMARY KEY (device_id, sensor_id, window_end)
)`,
        `CREATE INDEX window_aggregates_by_window_end ON window_aggregates (window_end, device_id, sensor_id)`,
        `CREATE TABLE aggregator_checkpoints (
  name varchar(256) COLLATE "C" NOT NULL PRIMARY KEY,
  position text NOT NULL,
  state text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
      ],
      mssql: [
        `CREATE TABLE window_aggregates (
  device_id nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  sensor_id nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
  window_start datetime2(3) NOT NULL,
  window_end datetime2(3) NOT NULL,
  [count] int NOT NULL,
  mean float NOT NULL,
  [min] float NOT NULL,
  [max] float NOT NULL,
  stddev float NOT NULL,
  CONSTRAINT PK_window_aggregates PRIMARY KEY NONCLUSTERED (device_id, sensor_id, window_end)
)`,
        `CREATE UNIQUE CLUSTERED INDEX IX_window_aggregates_window_end ON window_aggregates (window_end, device_id, sensor_id)`,
        `CREATE TABLE aggregator_checkpoints (
  name nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT PK_aggregator_checkpoints PRIMARY KEY,
  position nvarchar(max) NOT NULL,
  state nvarchar(max) NOT NULL,
  updated_at datetime2(3) NOT NULL
)`,
      ],
    },
  },
  {
    // Version 2: each window records the checkpoint (aggregation) that wrote it, so a second aggregation
    // writing the same windows is refused instead of overwriting them (each would count part of the
    // readings). Windows written before it get the database's only checkpoint, when it has exactly one;
    // otherwise none (NULL), which the next writer adopts.
    version: 2,
    name: "window_aggregates.checkpoint_name: the aggregation that wrote each window",
    statements: {
      sqlite: [
        `ALTER TABLE window_aggregates ADD COLUMN checkpoint_name TEXT`,
        `UPDATE window_aggregates SET checkpoint_name = (SELECT min(name) FROM aggregator_checkpoints HAVING count(*) = 1)`,
      ],
      postgres: [
        `ALTER TABLE window_aggregates ADD COLUMN checkpoint_name varchar(256) COLLATE "C"`,
        `UPDATE window_aggregates SET checkpoint_name = (SELECT min(name) FROM aggregator_checkpoints HAVING count(*) = 1)`,
      ],
      mssql: [
        `ALTER TABLE window_aggregates ADD checkpoint_name nvarchar(256) COLLATE Latin1_General_100_BIN2 NULL`,
        `UPDATE window_aggregates SET checkpoint_name = (SELECT min(name) FROM aggregator_checkpoints HAVING count(*) = 1)`,
      ],
    },
  },
  {
    // Version 3: the window size is part of a window's identity. Aggregations with different window sizes
    // (1m and 5s) produce windows with the same end; keyed on (end, device, sensor) one replaced the other.
    // The key gains window_start (end - start is the size), and window_sizes lists the sizes present, so a
    // reader can refuse to mix them without scanning the table.
    version: 3,
    name: "window size in the window_aggregates key; window_sizes",
    statements: {
      sqlite: [
        // SQLite cannot change a primary key: rebuild the table (inside the migration's transaction).
        `CREATE TABLE window_aggregates_v3 (
  ${SQLITE_AGGREGATE_COLUMNS}
  checkpoint_name TEXT,
  PRIMARY KEY (window_end, device_id, sensor_id, window_start)
) STRICT, WITHOUT ROWID`,
        `INSERT INTO window_aggregates_v3 (device_id, sensor_id, window_start, window_end, count, mean, min, max, stddev, checkpoint_name)
SELECT device_id, sensor_id, window_start, window_end, count, mean, min, max, stddev, checkpoint_name FROM window_aggregates`,
        `DROP TABLE window_aggregates`,
        `ALTER TABLE window_aggregates_v3 RENAME TO window_aggregates`,
        `CREATE TABLE window_sizes (window_ms INTEGER NOT NULL PRIMARY KEY) STRICT`,
        `INSERT INTO window_sizes (window_ms) SELECT DISTINCT window_end - window_start FROM window_aggregates`,
      ],
      postgres: [
        `ALTER TABLE window_aggregates DROP CONSTRAINT window_aggregates_pkey`,
        `ALTER TABLE window_aggregates ADD CONSTRAINT window_aggregates_pkey PRIMARY KEY (device_id, sensor_id, window_end, window_start)`,
        `CREATE TABLE window_sizes (window_ms bigint NOT NULL PRIMARY KEY)`,
        `INSERT INTO window_sizes (window_ms) SELECT DISTINCT round(extract(epoch FROM window_end - window_start) * 1000)::bigint FROM window_aggregates`,
      ],
      mssql: [
        `ALTER TABLE window_aggregates DROP CONSTRAINT PK_window_aggregates`,
        `DROP INDEX IX_window_aggregates_window_end ON window_aggregates`,
        `CREATE UNIQUE CLUSTERED INDEX IX_window_aggregates_window_end ON window_aggregates (window_end, device_id, sensor_id, window_start)`,
        `ALTER TABLE window_aggregates ADD CONSTRAINT PK_window_aggregates PRIMARY KEY NONCLUSTERED (device_id, sensor_id, window_end, window_start)`,
        `CREATE TABLE window_sizes (window_ms bigint NOT NULL CONSTRAINT PK_window_sizes PRIMARY KEY)`,
        `INSERT INTO window_sizes (window_ms) SELECT DISTINCT DATEDIFF_BIG(millisecond, window_start, window_end) FROM window_aggregates`,
      ],
    },
  },
  {
    // Version 4: dead letters. Malformed events from a hub cannot be read again once the checkpoint moves
    // past them, so they are kept with the reason, in the transaction of their batch's checkpoint. Keyed by
    // (checkpoint, source key): a replayed batch stores each once.
    version: 4,
    name: "dead_letters: inputs the aggregator set aside, with the reason",
    statements: {
      sqlite: [
        `CREATE TABLE dead_letters (
  checkpoint_name TEXT NOT NULL,
  source_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL, -- epoch ms UTC
  PRIMARY KEY (checkpoint_name, source_key)
) STRICT`,
      ],
      postgres: [
        `CREATE TABLE dead_letters (
  checkpoint_name varchar(256) COLLATE "C" NOT NULL,
  source_key varchar(256) COLLATE "C" NOT NULL,
  reason text NOT NULL,
  body text NOT NULL,
  received_at timestamptz NOT NULL,
  CONSTRAINT dead_letters_pkey PRIMARY KEY (checkpoint_name, source_key)
)`,
      ],
      mssql: [
        `CREATE TABLE dead_letters (
  checkpoint_name nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
  source_key nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
  reason nvarchar(max) NOT NULL,
  body nvarchar(max) NOT NULL,
  received_at datetime2(3) NOT NULL,
  CONSTRAINT PK_dead_letters PRIMARY KEY (checkpoint_name, source_key)
)`,
      ],
    },
  },
];

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

/**
 * What the migration runner needs from a connection. `begin` starts a transaction that holds the
 * dialect's migration lock until `commit` / `rollback`, so concurrent openers apply each migration once.
 */
export interface MigrationSession {
  begin(): Promise<void>;
  run(sql: string): Promise<void>;
  /** The newest applied version; 0 when the migrations table is missing or empty. */
  version(): Promise<number>;
  recordApplied(migration: Migration): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface MigrateOptions {
  /** Apply pending migrations (true) or only check the version (false). */
  readonly migrate: boolean;
  /** `PostgreSQL at host:port (database "x")`, for messages. */
  readonly where: string;
  readonly migrations?: readonly Migration[];
}

/** The same session, synchronous (better-sqlite3): a migration must not yield while it holds the lock. */
export type SyncMigrationSession = { [K in keyof MigrationSession]: (...args: Parameters<MigrationSession[K]>) => Awaited<ReturnType<MigrationSession[K]>> };

function tooNew(where: string, version: number, latest: number): AggregateStoreError {
  return new AggregateStoreError(
    `${where} has schema version ${version}, newer than this code knows (${latest}): it was migrated by a newer fleetscore. Upgrade this application; never downgrade a database.`,
    "SchemaTooNew",
  );
}

function checkVersion(version: number, latest: number, options: MigrateOptions): void {
  if (version > latest) throw tooNew(options.where, version, latest);
  if (!options.migrate && version < latest) {
    throw new AggregateStoreError(
      `${options.where} has schema version ${version} but this code needs ${latest}; open it with migrate: true (the default) to apply the pending migrations`,
      "SchemaOutdated",
    );
  }
}

function ordered(options: MigrateOptions): { migrations: Migration[]; latest: number } {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  return { migrations, latest: migrations.reduce((v, m) => Math.max(v, m.version), 0) };
}

/** Tags a driver error with the migration it came from (mapped to `MigrationFailed` later). */
function tag(e: unknown, migration: Migration): unknown {
  if (isAggregateStoreError(e) || typeof e !== "object" || e === null) return e;
  return Object.assign(e, { migration });
}

/**
 * Brings the schema up to date (or, with `migrate: false`, checks it is). Reads the version; when
 * migrations are pending, then in one transaction under the dialect's lock, creates the migrations table
 * when missing, reads the version again, and applies each pending migration and its record. Idempotent:
 * a second run finds nothing to do. With `migrate: false` nothing is locked or changed.
 * @returns the schema version afterwards.
 * @throws AggregateStoreError `SchemaTooNew`, `SchemaOutdated` (`migrate: false`), or a driver error tagged
 * with its migration (the transaction is rolled back) for the dialect to map to `MigrationFailed`.
 */
export async function applyMigrations(dialect: SqlDialect, session: MigrationSession, options: MigrateOptions): Promise<number> {
  const { migrations, latest } = ordered(options);
  // Checked first without the lock or any DDL: an up-to-date schema (the usual case) needs neither, so
  // users who may only read and write rows can open it too.
  const current = await session.version();
  checkVersion(current, latest, options);
  if (current === latest) return current;
  await session.begin();
  let committed = false;
  try {
    await session.run(CREATE_MIGRATIONS_TABLE[dialect]);
    // Again under the lock: another process may have migrated in between.
    const version = await session.version();
    checkVersion(version, latest, options);
    for (const migration of migrations) {
      if (migration.version <= version) continue;
      try {
        for (const statement of migration.statements[dialect]) await session.run(statement);
        await session.recordApplied(migration);
      } catch (e) {
        throw tag(e, migration);
      }
    }
    await session.commit();
    committed = true;
    return Math.max(version, latest);
  } finally {
    if (!committed) await session.rollback().catch(() => undefined);
  }
}

/** `applyMigrations` for a synchronous driver: runs start to end without yielding to the event loop. */
export function applyMigrationsSync(dialect: SqlDialect, session: SyncMigrationSession, options: MigrateOptions): number {
  const { migrations, latest } = ordered(options);
  const current = session.version();
  checkVersion(current, latest, options);
  if (current === latest) return current;
  session.begin();
  let committed = false;
  try {
    session.run(CREATE_MIGRATIONS_TABLE[dialect]);
    const version = session.version();
    checkVersion(version, latest, options);
    for (const migration of migrations) {
      if (migration.version <= version) continue;
      try {
        for (const statement of migration.statements[dialect]) session.run(statement);
        session.recordApplied(migration);
      } catch (e) {
        throw tag(e, migration);
      }
    }
    session.commit();
    committed = true;
    return Math.max(version, latest);
  } finally {
    if (!committed) {
      try {
        session.rollback();
      } catch {
        // The original error matters more than a failed rollback.
      }
    }
  }
}

/** The migration a failed statement belonged to, when `applyMigrations` tagged the error with it. */
export function failedMigration(e: unknown): Migration | undefined {
  return typeof e === "object" && e !== null ? (e as { migration?: Migration }).migration : undefined;
}
